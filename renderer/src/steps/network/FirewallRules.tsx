import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { CheckResult } from '../../../../electron/shared/checks'
import type { Profile } from '../../../../electron/shared/profile'
import { CopyButton } from '../prerequisites/CopyButton'

/**
 * The server a fix must run on: a path between hosts is opened on its target, everything else on
 * the host that was checked.
 */
function hostOfFix(result: CheckResult): string {
  if (result.checkId.startsWith('net.')) return result.paths?.[0]?.to ?? result.serverId
  return result.serverId
}

/** The firewall commands of every open problem of step 5, gathered per server. */
export function suggestedRules(profile: Profile, results: readonly CheckResult[]): Map<string, string[]> {
  const byHost = new Map<string, string[]>()
  for (const r of results) {
    if ((r.status !== 'fail' && r.status !== 'warn') || !r.fix?.command) continue
    const host = hostOfFix(r)
    if (!profile.servers.some((s) => s.id === host)) continue
    const lines = byHost.get(host) ?? []
    for (const line of r.fix.command.split('\n'))
      if (line.trim() !== '' && !lines.includes(line)) lines.push(line)
    byHost.set(host, lines)
  }
  return byHost
}

/** Suggested firewall rules, one block per server, each with a Copy button. */
export function FirewallRules({ profile, results }: { profile: Profile; results: readonly CheckResult[] }) {
  const { t } = useTranslation()
  const id = useId()
  const rules = suggestedRules(profile, results)
  if (rules.size === 0) return null
  return (
    <section className="firewall-rules" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('checksUi.rules.title')}</h2>
      <p className="help">{t('checksUi.rules.help')}</p>
      {profile.servers
        .filter((s) => rules.has(s.id))
        .map((server) => {
          const name = server.name || server.address
          const text = (rules.get(server.id) ?? []).join('\n')
          return (
            <div key={server.id} className="rules-block">
              <h3>{t('checksUi.rules.onHost', { host: name })}</h3>
              <div className="command">
                <pre>
                  <code id={`${id}-${server.id}`}>{text}</code>
                </pre>
                <CopyButton
                  text={text}
                  codeId={`${id}-${server.id}`}
                  label={t('checksUi.rules.copyLabel', { host: name })}
                />
              </div>
            </div>
          )
        })}
    </section>
  )
}
