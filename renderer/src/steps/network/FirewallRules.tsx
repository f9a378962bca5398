import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { CheckResult } from '../../../../electron/shared/checks'
import type { Profile } from '../../../../electron/shared/profile'
import { CopyButton } from '../prerequisites/CopyButton'
import { suggestedRules } from './firewall-rules'

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
              <div className="fix-command">
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
