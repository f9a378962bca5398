import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type {
  ActionResult,
  ApplyResult,
  ContainerInfo,
  DeployPlan,
  I18nText,
} from '../../../../electron/shared/deploy'
import type { LaunchFailure } from '../../../../electron/shared/ops/launch'
import type { PushedEvent } from '../../../../electron/shared/progress'
import type { AppError } from '../../../../electron/shared/result'
import { getApi } from '../../api'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { checkFactsOf, checksOf } from '../../store/checks-slice'
import { CopyButton } from '../prerequisites/CopyButton'
import { formatBytes, summarizeJournal, type JournalSummary } from './launch-model'
import { LogView } from './LogView'
import { PlanReview, useText } from './PlanReview'
import './launch.css'
import { CannotServe } from '../../components/CannotServe'

/** Containers are read again in the background this often. */
const CONTAINERS_EVERY_MS = 10_000

interface ActionProgress {
  readonly actionId: string
  readonly hostId: string
  readonly title?: I18nText
  state: 'running' | ActionResult['outcome']
  fraction?: number
  pull?: { image: string; layers: number; layersDone: number; bytes: number; totalBytes: number }
  detail?: string
  reason?: string
}

function isText(v: unknown): v is I18nText {
  return typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string'
}

/** Step 6: plan review and approval, apply with progress and cancel, containers, logs and failures. */
export function LaunchStep() {
  const { t } = useTranslation()
  const text = useText()
  const profile = useStore((s) => s.profile)
  const profileId = profile?.id
  // Steps 2 and 5's findings feed the plan's config (a callback the ML servers cannot reach is refused).
  const checks = useStore((s) => checksOf(s.checksByProfile, s.profile?.id))
  const networkModels = useStore((s) => s.networkModels)
  const checkFacts = useMemo(() => checkFactsOf(checks), [checks])
  const models = useMemo(() => {
    const chosen = new Set(checks.modelIds.map((id) => id.toLowerCase()))
    return (networkModels?.models ?? []).filter((m) => chosen.has(m.id.toLowerCase()))
  }, [checks.modelIds, networkModels])
  const hosts = (profile?.servers ?? []).map((s) => ({ hostId: s.id, host: s.name || s.address }))

  const [updateImages, setUpdateImages] = useState(false)
  const [startWithoutKeys, setStartWithoutKeys] = useState(false)
  const [plan, setPlan] = useState<DeployPlan | undefined>()
  const [planning, setPlanning] = useState(false)
  const [staleNote, setStaleNote] = useState(false)
  const [error, setError] = useState<AppError | undefined>()
  const [applying, setApplying] = useState(false)
  const [progress, setProgress] = useState<ActionProgress[]>([])
  const [applied, setApplied] = useState<ApplyResult | undefined>()
  const [journal, setJournal] = useState<JournalSummary | undefined>()
  const [containers, setContainers] = useState<ContainerInfo[] | undefined>()
  const [hostErrors, setHostErrors] = useState<{ hostId: string; message: string }[]>([])
  const [failures, setFailures] = useState<LaunchFailure[] | undefined>()
  const [diagnosing, setDiagnosing] = useState(false)
  const planRun = useRef<string | undefined>(undefined)
  const applyRun = useRef<string | undefined>(undefined)
  const planHeading = useRef<HTMLHeadingElement>(null)

  const loadJournal = useCallback(async () => {
    if (!profileId) return
    const r = await getApi().journal({ profileId })
    if (r.ok) setJournal(summarizeJournal(r.value.entries))
  }, [profileId])

  const loadContainers = useCallback(async () => {
    if (!profileId) return
    const r = await getApi().listContainers({ profileId })
    if (r.ok) {
      setContainers(r.value.containers)
      setHostErrors(r.value.errors)
    }
  }, [profileId])

  const diagnose = useCallback(async () => {
    if (!profileId) return
    setDiagnosing(true)
    const r = await getApi().diagnoseContainers({ profileId })
    setDiagnosing(false)
    if (r.ok) setFailures(r.value.failures)
  }, [profileId])

  useEffect(() => {
    const first = setTimeout(() => {
      void loadJournal()
      void loadContainers()
    }, 0)
    let busy = false
    const timer = setInterval(() => {
      if (busy || document.hidden) return
      busy = true
      void loadContainers().finally(() => (busy = false))
    }, CONTAINERS_EVERY_MS)
    return () => {
      clearTimeout(first)
      clearInterval(timer)
    }
  }, [loadJournal, loadContainers])

  // Apply progress: one row per action, updated from the run's events.
  useEffect(
    () =>
      getApi().onEvent((pushed: PushedEvent) => {
        if (pushed.type !== 'progress' || pushed.event.runId !== applyRun.current) return
        const e = pushed.event
        if (e.kind === 'log') return
        const data = (e.data ?? {}) as Record<string, unknown>
        setProgress((rows) => {
          const next = [...rows]
          let i = next.findIndex((r) => r.actionId === e.stepId)
          if (i < 0) {
            next.push({
              actionId: e.stepId,
              hostId: typeof data['hostId'] === 'string' ? data['hostId'] : '',
              ...(isText(data['title']) ? { title: data['title'] } : {}),
              state: 'running',
            })
            i = next.length - 1
          }
          const row = { ...next[i]! }
          if (e.kind === 'progress') {
            if (e.fraction !== undefined) row.fraction = e.fraction
            const p = data['progress'] as ActionProgress['pull'] | undefined
            if (p && typeof p.image === 'string') row.pull = p
            if (isText(data['title'])) row.detail = text(data['title'])
          } else if (e.kind === 'done' || e.kind === 'error' || e.kind === 'cancelled') {
            const r = data as Partial<ActionResult>
            row.state =
              r.outcome ?? (e.kind === 'error' ? 'failed' : e.kind === 'cancelled' ? 'cancelled' : 'done')
            if (e.detail) row.reason = e.detail
          }
          next[i] = row
          return next
        })
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `text` follows the language only
    [],
  )

  const makePlan = useCallback(async () => {
    if (!profileId) return
    const runId = `plan-${crypto.randomUUID()}`
    planRun.current = runId
    setPlanning(true)
    setError(undefined)
    setApplied(undefined)
    const r = await getApi().planDeployment(
      {
        profileId,
        updateImages,
        startWithoutKeys,
        checks: checkFacts,
        ...(models.length > 0 ? { models } : {}),
      },
      { runId },
    )
    if (planRun.current !== runId) return
    planRun.current = undefined
    setPlanning(false)
    if (r.ok) {
      setPlan(r.value)
      planHeading.current?.focus()
    } else if (r.error.code !== 'CANCELLED') setError(r.error)
  }, [profileId, updateImages, startWithoutKeys, checkFacts, models])

  const cancelPlan = async (): Promise<void> => {
    const runId = planRun.current
    planRun.current = undefined
    setPlanning(false)
    if (runId) await getApi().cancel(runId)
  }

  const approve = async (): Promise<void> => {
    if (!plan) return
    const runId = `apply-${crypto.randomUUID()}`
    applyRun.current = runId
    setApplying(true)
    setProgress([])
    setError(undefined)
    setStaleNote(false)
    const r = await getApi().applyPlan({ planId: plan.planId }, { runId })
    setApplying(false)
    applyRun.current = undefined
    setPlan(undefined)
    if (r.ok) setApplied(r.value)
    else if (r.error.code === 'CONFLICT' && r.error.details?.['planStale'] === true) {
      // The servers changed since the plan: nothing was applied; plan again for review.
      setStaleNote(true)
      void makePlan()
    } else if (r.error.code !== 'CANCELLED') setError(r.error)
    void loadJournal()
    void loadContainers()
    void diagnose()
  }

  const cancelApply = async (): Promise<void> => {
    const runId = applyRun.current
    if (runId) await getApi().cancel(runId)
  }

  if (!profile) return null
  const hostName = (id: string): string => hosts.find((h) => h.hostId === id)?.host ?? id
  const servicesByHost: Record<string, string[]> = {}
  for (const c of containers ?? []) if (c.service) (servicesByHost[c.hostId] ??= []).push(c.service)

  return (
    <section className="step step-launch" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.launch.title')}</h1>
      <CannotServe profileId={profileId} />
      <p className="lead">{t('launch.lead')}</p>

      {journal?.unfinished && !applying && (
        <section className="banner banner-warning launch-journal" aria-labelledby="launch-journal-title">
          <h2 id="launch-journal-title">{t('launch.journal.title')}</h2>
          <p>{t('launch.journal.explain', { at: journal.at })}</p>
          <ul>
            {journal.actions.map((a) => (
              <li key={a.actionId} data-state={a.state}>
                {hostName(a.hostId)} · {a.actionId}: {t(`launch.journal.state.${a.state}`)}
                {a.reason && <span className="muted"> ({a.reason})</span>}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => void makePlan()} disabled={planning}>
            {t('launch.journal.resume')}
          </button>
          <p className="muted">{t('launch.journal.resumeExplain')}</p>
        </section>
      )}

      <section className="launch-panel" aria-labelledby="launch-plan-title">
        <h2 id="launch-plan-title" ref={planHeading} tabIndex={-1}>
          {t('launch.plan.title')}
        </h2>
        <fieldset className="launch-options" disabled={planning || applying}>
          <legend>{t('launch.options.legend')}</legend>
          <label>
            <input
              type="checkbox"
              checked={updateImages}
              onChange={(e) => setUpdateImages(e.target.checked)}
            />{' '}
            {t('launch.options.updateImages')}
          </label>
          <label>
            <input
              type="checkbox"
              checked={startWithoutKeys}
              onChange={(e) => setStartWithoutKeys(e.target.checked)}
              aria-describedby="launch-without-keys-help"
            />{' '}
            {t('launch.options.startWithoutKeys')}
          </label>
          <p id="launch-without-keys-help" className="muted">
            {t('launch.options.startWithoutKeysHelp')}
          </p>
        </fieldset>
        <div className="run-controls">
          {planning ? (
            <>
              <span role="status">{t('launch.plan.planning')}</span>{' '}
              <button type="button" onClick={() => void cancelPlan()}>
                {t('launch.cancel')}
              </button>
            </>
          ) : (
            <button type="button" onClick={() => void makePlan()} disabled={applying}>
              {plan ? t('launch.plan.again') : t('launch.plan.make')}
            </button>
          )}
        </div>
        {staleNote && (
          <p className="banner banner-warning" role="status">
            {t('launch.plan.stale')}
          </p>
        )}
        {error && (
          <div className="banner banner-error" role="alert">
            <ErrorText error={error} />
            <p className="muted">{error.message}</p>
          </div>
        )}
        {plan && !applying && (
          <>
            <p className="muted">{t('launch.plan.nothingYet')}</p>
            <PlanReview plan={plan} />
            {!plan.empty && (
              <div className="run-controls">
                <button type="button" className="primary" onClick={() => void approve()}>
                  {t('launch.plan.approve')}
                </button>
              </div>
            )}
          </>
        )}
      </section>

      {(applying || progress.length > 0) && (
        <section className="launch-panel" aria-labelledby="launch-apply-title">
          <h2 id="launch-apply-title">{t('launch.apply.title')}</h2>
          {applying && (
            <div className="run-controls">
              <span role="status">{t('launch.apply.running')}</span>{' '}
              <button type="button" onClick={() => void cancelApply()}>
                {t('launch.cancel')}
              </button>
            </div>
          )}
          {hosts.map((h) => {
            const rows = progress.filter((p) => p.hostId === h.hostId)
            if (rows.length === 0) return null
            return (
              <div key={h.hostId} className="launch-host">
                <h3>{h.host}</h3>
                <ul className="launch-progress" aria-label={t('launch.apply.hostLabel', { host: h.host })}>
                  {rows.map((r) => (
                    <li key={r.actionId} data-state={r.state} data-action={r.actionId}>
                      <span className="launch-kind">{t(`launch.apply.state.${r.state}`)}</span>{' '}
                      {r.title ? text(r.title) : r.actionId}
                      {r.state === 'running' && r.fraction !== undefined && (
                        <progress
                          value={r.fraction}
                          max={1}
                          aria-label={r.title ? text(r.title) : r.actionId}
                        />
                      )}
                      {r.state === 'running' && r.pull && (
                        <span className="muted">
                          {' '}
                          {t('launch.apply.pull', {
                            image: r.pull.image,
                            done: r.pull.layersDone,
                            layers: r.pull.layers,
                            bytes: formatBytes(r.pull.bytes),
                            total: formatBytes(r.pull.totalBytes),
                          })}
                        </span>
                      )}
                      {r.state === 'running' && !r.pull && r.detail && (
                        <span className="muted"> {r.detail}</span>
                      )}
                      {r.reason && <p className="muted">{r.reason}</p>}
                    </li>
                  ))}
                </ul>
              </div>
            )
          })}
          {applied && (
            <p className={applied.ok ? 'banner' : 'banner banner-error'} role="status">
              {applied.ok ? t('launch.apply.ok') : t('launch.apply.failed')}
            </p>
          )}
        </section>
      )}

      <section className="launch-panel" aria-labelledby="launch-failures-title">
        <h2 id="launch-failures-title">{t('launch.failures.title')}</h2>
        <div className="run-controls">
          <button type="button" onClick={() => void diagnose()} disabled={diagnosing}>
            {diagnosing ? t('launch.failures.reading') : t('launch.failures.check')}
          </button>
        </div>
        {failures && failures.length === 0 && <p className="muted">{t('launch.failures.none')}</p>}
        {failures?.map((f, i) => (
          <article key={`${f.hostId}-${f.service}-${f.id}`} className="launch-failure" data-failure={f.id}>
            <h3>
              {f.host} · {f.service}
            </h3>
            <p>
              <strong>{t('launch.failures.cause')}</strong> {t(f.causeKey, { ...f.params })}
            </p>
            <p>
              <strong>{t('launch.failures.fix')}</strong> {t(f.fixKey, { ...f.params })}
            </p>
            {f.command && (
              <p>
                <code id={`launch-fix-${i}`}>{f.command}</code>{' '}
                <CopyButton
                  text={f.command}
                  codeId={`launch-fix-${i}`}
                  label={t('launch.failures.copy', { command: f.command })}
                />
              </p>
            )}
            <details>
              <summary>{t('launch.failures.evidence')}</summary>
              <pre>{f.evidence}</pre>
            </details>
          </article>
        ))}
      </section>

      <section className="launch-panel" aria-labelledby="launch-containers-title">
        <h2 id="launch-containers-title">{t('launch.containers.title')}</h2>
        <div className="run-controls">
          <button type="button" onClick={() => void loadContainers()}>
            {t('launch.containers.refresh')}
          </button>
          <span className="muted">{t('launch.containers.background')}</span>
        </div>
        {hostErrors.map((e) => (
          <p key={e.hostId} className="banner banner-error" role="alert">
            {hostName(e.hostId)}: {e.message}
          </p>
        ))}
        {containers && containers.length === 0 && <p className="muted">{t('launch.containers.none')}</p>}
        {containers && containers.length > 0 && (
          <table className="launch-containers" aria-label={t('launch.containers.tableLabel')}>
            <thead>
              <tr>
                <th scope="col">{t('launch.containers.col.server')}</th>
                <th scope="col">{t('launch.containers.col.name')}</th>
                <th scope="col">{t('launch.containers.col.state')}</th>
                <th scope="col">{t('launch.containers.col.health')}</th>
                <th scope="col">{t('launch.containers.col.restarts')}</th>
                <th scope="col">{t('launch.containers.col.exitCode')}</th>
              </tr>
            </thead>
            <tbody>
              {containers.map((c) => (
                <tr key={`${c.hostId}-${c.name}`} data-state={c.state}>
                  <td>{c.host}</td>
                  <th scope="row">{c.service || c.name}</th>
                  <td>{c.state}</td>
                  <td>{c.health ?? t('launch.containers.noHealth')}</td>
                  <td>{c.restartCount}</td>
                  <td>{c.state === 'running' || c.exitCode === undefined ? '' : c.exitCode}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {hosts.length > 0 && <LogView profileId={profile.id} hosts={hosts} services={servicesByHost} />}
    </section>
  )
}
