import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { HostStatus } from '../../../../electron/shared/nodes'
import type { AppError } from '../../../../electron/shared/result'
import { getApi } from '../../api'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { CannotServe } from '../../components/CannotServe'

/** Seconds between background reads (the api caches its setup report for 60 s). */
const REFRESH_SECONDS = 30

/** Changes since the last read worth a notification: a node failing or recovering, the host joining or leaving the active set. */
function changesOf(before: HostStatus | undefined, after: HostStatus): { key: string; id?: string }[] {
  if (!before) return []
  const out: { key: string; id?: string }[] = []
  const old = new Map(before.nodes.map((n) => [n.id, n]))
  for (const n of after.nodes) {
    const was = old.get(n.id)
    if (was?.healthy !== false && was !== undefined && n.healthy === false)
      out.push({ key: 'nodeFailed', id: n.id })
    if (was?.healthy === false && n.healthy === true) out.push({ key: 'nodeRecovered', id: n.id })
  }
  if (before.activeSet && after.activeSet && before.activeSet.active !== after.activeSet.active)
    out.push({ key: after.activeSet.active ? 'hostActive' : 'hostInactive' })
  return out
}

/** Step 8: "am I a working host?", refreshed in the background without blocking the page. */
export function StatusStep() {
  const { t } = useTranslation()
  const profile = useStore((s) => s.profile)
  const profileId = profile?.id
  const [status, setStatus] = useState<HostStatus | undefined>()
  const [error, setError] = useState<AppError | undefined>()
  const [reading, setReading] = useState(false)
  const [notes, setNotes] = useState<{ key: string; id?: string; at: string }[]>([])
  const last = useRef<HostStatus | undefined>(undefined)

  const read = useCallback(async () => {
    if (!profileId) return
    setReading(true)
    const result = await getApi().getStatus({ profileId })
    setReading(false)
    if (!result.ok) return setError(result.error)
    setError(undefined)
    const changes = changesOf(last.current, result.value)
    if (changes.length > 0)
      setNotes((n) => [...changes.map((c) => ({ ...c, at: result.value.checkedAt })), ...n].slice(0, 20))
    last.current = result.value
    setStatus(result.value)
  }, [profileId])

  useEffect(() => {
    last.current = undefined
    // The first read starts right after mount, then every REFRESH_SECONDS; the page never waits for it.
    const first = setTimeout(() => void read(), 0)
    const timer = setInterval(() => void read(), REFRESH_SECONDS * 1000)
    return () => {
      clearTimeout(first)
      clearInterval(timer)
    }
  }, [read])

  if (!profile) return null
  const s = status
  return (
    <section className="step step-status" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.status.title')}</h1>
      <CannotServe profileId={profileId} />
      <p className="lead">{t('statusUi.lead')}</p>
      <div className="run-controls">
        <button type="button" onClick={() => void read()} disabled={reading}>
          {t('statusUi.refresh')}
        </button>
        <span className="muted" role="status">
          {reading ? t('statusUi.reading') : s ? t('statusUi.checkedAt', { at: s.checkedAt }) : ''}
        </span>
      </div>
      {notes.length > 0 && (
        <ul className="notifications" aria-label={t('statusUi.notifications')}>
          {notes.map((n, i) => (
            <li key={`${n.at}-${i}`} role="alert">
              {t(`statusUi.change.${n.key}`, { id: n.id ?? '' })}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={error} />
        </div>
      )}
      {s && (
        <>
          <h2>{t('statusUi.report.title')}</h2>
          {s.report ? (
            <>
              <p data-overall={s.report.overall}>
                <strong>
                  {t(`statusUi.overall.${s.report.overall}`, { defaultValue: s.report.overall })}
                </strong>
              </p>
              <ul className="status-checks">
                {s.report.checks.map((c) => (
                  <li key={c.id} data-status={c.status}>
                    <span className={`badge badge-${c.status.toLowerCase()}`}>
                      {t(`statusUi.checkStatus.${c.status}`, { defaultValue: c.status })}
                    </span>{' '}
                    {c.known ? t(`statusUi.check.${c.known}`, { id: c.nodeId ?? '' }) : c.id}
                    {c.message && <span className="muted"> — {c.message}</span>}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted">{t('statusUi.report.missing')}</p>
          )}
          <h2>{t('statusUi.chain.title')}</h2>
          {s.sync ? (
            <p>
              {t('statusUi.chain.line', {
                local: s.sync.localHeight ?? '?',
                seed: s.sync.seedHeight ?? '?',
                behind: s.sync.behind ?? '?',
              })}
              {s.sync.catchingUp ? ` ${t('statusUi.chain.catchingUp')}` : ''}
              {s.sync.secondsSinceBlock !== undefined &&
                ` ${t('statusUi.chain.lastBlock', { seconds: s.sync.secondsSinceBlock })}`}
            </p>
          ) : (
            <p className="muted">{t('statusUi.unknown')}</p>
          )}
          <h2>{t('statusUi.participant.title')}</h2>
          {s.participant ? (
            <p>
              {s.participant.found
                ? t('statusUi.participant.found', {
                    address: s.address ?? '',
                    status: s.participant.status ?? '',
                  })
                : t('statusUi.participant.notFound', { address: s.address ?? '' })}
            </p>
          ) : (
            <p className="muted">{t('statusUi.unknown')}</p>
          )}
          {s.epoch && (
            <p>
              {t('statusUi.epoch.line', {
                index: s.epoch.index ?? '?',
                phase: s.epoch.phase ?? '?',
                block: s.epoch.nextPocBlock ?? '?',
                at: s.epoch.nextPocAt ? new Date(s.epoch.nextPocAt).toLocaleString() : '?',
              })}
            </p>
          )}
          {s.activeSet && (
            <p data-active={String(s.activeSet.active)}>
              {s.activeSet.active
                ? t('statusUi.active.yes', { weight: s.activeSet.weight ?? '?' })
                : t('statusUi.active.notYet')}
            </p>
          )}
          <h2>{t('statusUi.nodes.title')}</h2>
          <ul className="status-nodes">
            {s.nodes.map((n) => (
              <li key={n.id} data-healthy={String(n.healthy)}>
                <strong>{n.id}</strong>{' '}
                {n.healthy === undefined
                  ? t('statusUi.nodes.noCheck')
                  : n.healthy
                    ? t('statusUi.nodes.healthy')
                    : t('statusUi.nodes.failing')}
                {n.enabled === false && ` · ${t('statusUi.nodes.disabled')}`}
                {n.models.length > 0 && <span className="muted"> · {n.models.join(', ')}</span>}
                {n.gpus.map((g, i) => (
                  <div key={i} className="muted">
                    {t('statusUi.nodes.gpu', {
                      name: g.name,
                      used: g.usedGb ?? '?',
                      total: g.totalGb ?? '?',
                      util: g.utilizationPercent ?? '?',
                    })}
                  </div>
                ))}
                {n.gpuSource && (
                  <div className="muted small">{t(`statusUi.nodes.gpuSource.${n.gpuSource}`)}</div>
                )}
                {n.healthy === false && n.message && <div className="error-message">{n.message}</div>}
              </li>
            ))}
          </ul>
          {s.problems.map((p, i) => (
            <p key={i} className="muted">
              {t(`statusUi.problem.${p.part}`)}: {p.message}
            </p>
          ))}
        </>
      )}
    </section>
  )
}
