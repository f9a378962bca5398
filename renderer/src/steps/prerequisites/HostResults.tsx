import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { CheckCatalogueEntry, CheckStatus } from '../../../../electron/shared/checks'
import type { Server } from '../../../../electron/shared/profile'
import { useStore } from '../../store'
import {
  checksOf,
  resultKey,
  stepOfCheckId,
  type CheckStep,
  type HostProgress,
} from '../../store/checks-slice'
import { CheckRow } from './CheckRow'

/** The results of one step, one section per server, each streaming in as its host answers. */
export function CheckResults({ step }: { step: CheckStep }) {
  const profile = useStore((s) => s.profile)
  const catalogue = useStore((s) => s.checkCatalogue)
  const checks = useStore((s) => checksOf(s.checksByProfile, s.profile?.id))
  if (!profile || !catalogue) return null
  const run = checks.running[step]
  const anyResult = Object.values(checks.results).some((r) => stepOfCheckId(r.checkId) === step)
  if (!run && !anyResult) return null
  return (
    <div className="host-results">
      {profile.servers.map((server) => (
        <HostSection
          key={server.id}
          step={step}
          server={server}
          entries={catalogue.filter(
            (e) =>
              e.roles.includes(server.role) &&
              (stepOfCheckId(e.id) === step ||
                // A failed SSH connection explains every missing row, so it shows in both steps.
                (e.id === 'ssh.connect' && checks.results[resultKey(server.id, e.id)]?.status === 'fail')),
          )}
          progress={run?.hosts[server.id]}
          runKeys={run ? run.keys : undefined}
        />
      ))}
    </div>
  )
}

function HostSection(props: {
  step: CheckStep
  server: Server
  entries: readonly CheckCatalogueEntry[]
  progress: HostProgress | undefined
  runKeys: readonly string[] | 'all' | undefined
}) {
  const { t } = useTranslation()
  const id = useId()
  const { server, entries, progress, runKeys, step } = props
  const checks = useStore((s) => checksOf(s.checksByProfile, s.profile?.id))
  const checksRequested = useStore((s) => s.checksRequested)
  const acknowledge = useStore((s) => s.checkWarningAcknowledged)
  const busy = checks.running[step] !== undefined
  const name = server.name || server.address

  // Rows with a result, plus the rows this run is still waiting for.
  const rows = entries.filter((e) => {
    const key = resultKey(server.id, e.id)
    return checks.results[key] !== undefined || (runKeys === 'all' && progress && !progress.done)
  })
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 }
  for (const e of entries) {
    const r = checks.results[resultKey(server.id, e.id)]
    if (r) counts[r.status] += 1
  }
  const running = runKeys === 'all' && progress !== undefined && !progress.done
  const waiting = runKeys === 'all' && progress === undefined

  return (
    <section className="host-section" aria-labelledby={`${id}-name`}>
      <header className="host-head">
        <h3 id={`${id}-name`}>{name}</h3>
        <span className={`role role-${server.role}`}>{t(`roles.${server.role}`)}</span>
        <span className="host-address muted small">{server.address}</span>
        <span className="host-progress">
          {running || waiting ? (
            <>
              <progress
                aria-label={t('checksUi.host.progressLabel', { host: name })}
                max={Math.max(1, progress?.expected ?? 1)}
                value={Math.min(progress?.received ?? 0, progress?.expected ?? 0)}
              />
              <span className="small">
                {waiting
                  ? t('checksUi.host.connecting')
                  : t('checksUi.host.progress', {
                      done: Math.min(progress?.received ?? 0, progress?.expected ?? 0),
                      total: progress?.expected ?? 0,
                    })}
              </span>
            </>
          ) : (
            <span className="host-summary small">
              {t('checksUi.host.summary', { fail: counts.fail, warn: counts.warn, pass: counts.pass })}
            </span>
          )}
        </span>
      </header>
      <ul className="check-list">
        {rows.map((entry) => {
          const key = resultKey(server.id, entry.id)
          const result = checks.results[key]
          return (
            <CheckRow
              key={entry.id}
              entry={entry}
              serverName={name}
              result={result}
              checking={result === undefined ? running : runKeys !== 'all' && runKeys?.includes(key) === true}
              busy={busy}
              acknowledged={checks.acknowledged[key] !== undefined}
              onRecheck={() =>
                void checksRequested({ step, only: { checkId: entry.id, serverId: server.id } })
              }
              onAcknowledge={(value) => acknowledge(key, value)}
            />
          )
        })}
      </ul>
    </section>
  )
}
