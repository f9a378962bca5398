import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ApplyResult, DeployPlan, I18nText } from '../../../../electron/shared/deploy'
import type { NodeChange, NodeRow, NodesListing, RehearsalResult } from '../../../../electron/shared/nodes'
import type { AppError } from '../../../../electron/shared/result'
import { getApi } from '../../api'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { PlanReview, useText } from '../launch/PlanReview'
import { Modal } from '../topology/connection/Modal'
import './nodes.css'

function endpoint(row: NodeRow): string {
  const n = row.registered ?? row.expected
  return n ? `${n.host}:${n.inferencePort} / ${n.pocPort}` : ''
}

/** The fields of one node the api can reject, in the order of the form. */
const FIELDS = ['nodeId', 'host', 'inferencePort', 'pocPort', 'maxConcurrent', 'models'] as const
type Field = (typeof FIELDS)[number]

/** What the page is doing for one node (at most one at a time). */
type Work =
  | { kind: 'form'; row: NodeRow; host: string }
  | { kind: 'plan'; change: NodeChange; row?: NodeRow; plan: DeployPlan; host?: string }
  | { kind: 'rehearse'; row: NodeRow; plan?: DeployPlan }

/** Whether a node may be rehearsed: it serves no epoch (not registered, or disabled). */
function canRehearse(row: NodeRow): boolean {
  if (!row.expected) return false
  return !row.registered || row.registered.enabled === false
}

function valueOf(row: NodeRow, field: Field): string {
  const n = row.expected ?? row.registered
  if (!n) return ''
  switch (field) {
    case 'nodeId':
      return row.id
    case 'host':
      return n.host
    case 'inferencePort':
      return String(n.inferencePort)
    case 'pocPort':
      return String(n.pocPort)
    case 'maxConcurrent':
      return n.maxConcurrent !== undefined ? String(n.maxConcurrent) : '500'
    case 'models':
      return n.models.map((m) => (m.args.length ? `${m.id} (${m.args.join(' ')})` : m.id)).join(', ')
  }
}

/** Step 7: the ML nodes the network node's api knows, compared with the profile, and changes to them. */
/** The reason of each failed action of an apply, one paragraph each. */
function FailedReasons({ result }: { result: ApplyResult }) {
  return (
    <>
      {result.actions
        .filter((a) => a.outcome === 'failed')
        .map((a) => (
          <p key={a.actionId} className="muted">
            {a.reason}
          </p>
        ))}
    </>
  )
}

export function NodesStep() {
  const { t } = useTranslation()
  const text = useText()
  const id = useId()
  const profile = useStore((s) => s.profile)
  const [listing, setListing] = useState<NodesListing | undefined>()
  const [error, setError] = useState<AppError | undefined>()
  const [busy, setBusy] = useState(false)
  const [work, setWork] = useState<Work | undefined>()
  const [working, setWorking] = useState(false)
  const [workError, setWorkError] = useState<AppError | undefined>()
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({})
  const [outcome, setOutcome] = useState<{ result: ApplyResult; change: NodeChange } | undefined>()
  const [rehearsal, setRehearsal] = useState<RehearsalResult | undefined>()
  /** The rehearsal's plan was applied before (same plan again): its result is the earlier one. */
  const [rehearsedBefore, setRehearsedBefore] = useState(false)
  const [steps, setSteps] = useState<I18nText[]>([])
  const runRef = useRef<string | undefined>(undefined)
  const profileId = profile?.id

  const load = useCallback(async () => {
    if (!profileId) return
    setBusy(true)
    const result = await getApi().listNodes({ profileId })
    setBusy(false)
    if (result.ok) {
      setListing(result.value)
      setError(undefined)
    } else setError(result.error)
  }, [profileId])

  useEffect(() => {
    const first = setTimeout(() => void load(), 0)
    return () => clearTimeout(first)
  }, [load])

  useEffect(
    () =>
      getApi().onEvent((pushed) => {
        if (pushed.type !== 'progress' || pushed.event.runId !== runRef.current) return
        const e = pushed.event
        // The rehearsal's steps as its action reports them (one line per step).
        const title = (e.data as { title?: I18nText } | undefined)?.title
        if (e.kind === 'progress' && e.stepId.includes('/rehearse/') && title) setSteps((s) => [...s, title])
      }),
    [],
  )

  const reset = (): void => {
    setWork(undefined)
    setWorkError(undefined)
    setOutcome(undefined)
    setRehearsal(undefined)
    setRehearsedBefore(false)
    setSteps([])
  }

  const makePlan = async (change: NodeChange, row?: NodeRow, host?: string): Promise<void> => {
    if (!profileId) return
    setWorking(true)
    setWorkError(undefined)
    setOutcome(undefined)
    const runId = `nodes-plan-${crypto.randomUUID()}`
    const r = await getApi().planNodes(
      {
        profileId,
        change,
        ...(row ? { nodeId: row.id } : {}),
        ...(host !== undefined && row && host.trim() !== row.expected?.host ? { host: host.trim() } : {}),
        ...(change === 'remove' ? { confirm: true as const } : {}),
      },
      { runId },
    )
    setWorking(false)
    if (!r.ok) return setWorkError(r.error)
    setWork({ kind: 'plan', change, plan: r.value, ...(row ? { row } : {}), ...(host ? { host } : {}) })
  }

  const approve = async (): Promise<void> => {
    if (work?.kind !== 'plan') return
    setWorking(true)
    setWorkError(undefined)
    const runId = `nodes-apply-${crypto.randomUUID()}`
    runRef.current = runId
    const r = await getApi().applyPlan({ planId: work.plan.planId }, { runId })
    setWorking(false)
    runRef.current = undefined
    if (!r.ok) return setWorkError(r.error)
    const failed = r.value.actions.find((a) => a.outcome === 'failed')
    const fields = failed?.fields as Partial<Record<Field, string>> | undefined
    if (fields && (work.change === 'register' || work.change === 'update') && work.row) {
      // The api refused a field: back to the form, the message at that field.
      setFieldErrors(fields)
      setWork({ kind: 'form', row: work.row, host: work.host ?? valueOf(work.row, 'host') })
    } else setWork(undefined)
    setOutcome({ result: r.value, change: work.change })
    void load()
  }

  /** The rehearsal's plan (nothing is done yet): shown in its dialog for approval. */
  const planRehearsal = async (row: NodeRow): Promise<void> => {
    if (!profileId) return
    setWork({ kind: 'rehearse', row })
    setWorking(true)
    const r = await getApi().planNodes(
      { profileId, change: 'rehearse', nodeId: row.id },
      { runId: `nodes-plan-${crypto.randomUUID()}` },
    )
    setWorking(false)
    if (!r.ok) return setWorkError(r.error)
    setWork({ kind: 'rehearse', row, plan: r.value })
  }

  /** Approves the rehearsal's plan: applies it, following its steps, and shows its result. */
  const rehearse = async (plan: DeployPlan): Promise<void> => {
    setWorking(true)
    setWorkError(undefined)
    setRehearsal(undefined)
    setSteps([])
    const runId = `nodes-rehearse-${crypto.randomUUID()}`
    runRef.current = runId
    const r = await getApi().applyPlan({ planId: plan.planId }, { runId })
    runRef.current = undefined
    setWorking(false)
    if (!r.ok) setWorkError(r.error)
    else {
      const action = r.value.actions[0]
      const output = action?.output as RehearsalResult | undefined
      if (output && typeof output.received === 'boolean') {
        setRehearsal(output)
        setRehearsedBefore(action?.outcome === 'skipped')
      } else setOutcome({ result: r.value, change: 'rehearse' })
    }
    void load()
  }

  if (!profile) return null
  const planFor = work?.kind === 'plan' ? work : undefined
  const blocked = planFor?.plan.hosts.some((h) => h.changes.some((c) => c.kind === 'blocked')) ?? false
  const rehearsalBlocked =
    work?.kind === 'rehearse' &&
    (work.plan?.hosts.some((h) => h.changes.some((c) => c.kind === 'blocked')) ?? false)
  const unknownNote = planFor?.plan.hosts
    .flatMap((h) => h.notices)
    .find((n) => n.key === 'deploy.node.change.unknownNode')
  const workError_ = workError && (
    <div className="banner banner-error" role="alert">
      {workError.code === 'CONFLICT' && typeof workError.details?.['reason'] === 'string' ? (
        <p className="error-message">
          {t(`nodesUi.rehearsal.refused.${String(workError.details['reason'])}`, {
            id: String(workError.details['nodeId'] ?? ''),
          })}
        </p>
      ) : (
        <ErrorText error={workError} />
      )}
      <p className="muted">{workError.message}</p>
    </div>
  )

  return (
    <section className="step step-nodes" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.mlNodes.title')}</h1>
      <p className="lead">{t('nodesUi.lead')}</p>
      <p className="muted" role="note">
        {t('nodesUi.nodeConfigNote')}
      </p>
      <div className="run-controls">
        <button type="button" onClick={() => void load()} disabled={busy}>
          {busy ? t('nodesUi.reading') : t('nodesUi.refresh')}
        </button>
        <button
          type="button"
          onClick={() => {
            reset()
            void makePlan('register')
          }}
          disabled={working || !listing || listing.rows.every((r) => r.comparison === 'registered')}
        >
          {t('nodesUi.registerAll')}
        </button>
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={error} />
          <p className="muted">{error.message}</p>
        </div>
      )}
      {listing && (
        <>
          {listing.expectedSource === 'servers' && <p className="muted">{t('nodesUi.fromServers')}</p>}
          <table className="nodes-table" aria-label={t('nodesUi.tableLabel')}>
            <thead>
              <tr>
                <th scope="col">{t('nodesUi.col.id')}</th>
                <th scope="col">{t('nodesUi.col.comparison')}</th>
                <th scope="col">{t('nodesUi.col.endpoint')}</th>
                <th scope="col">{t('nodesUi.col.state')}</th>
                <th scope="col">{t('nodesUi.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {listing.rows.map((row) => (
                <tr key={row.id} data-comparison={row.comparison} data-node={row.id}>
                  <th scope="row">{row.id}</th>
                  <td>
                    {t(`nodesUi.comparison.${row.comparison}`)}
                    {row.differences.length > 0 && (
                      <span className="muted">
                        {' '}
                        ({row.differences.map((d) => t(`nodesUi.setting.${d}`)).join(', ')})
                      </span>
                    )}
                  </td>
                  <td>{endpoint(row)}</td>
                  <td>
                    {row.registered ? (
                      <>
                        {row.registered.enabled === false ? t('nodesUi.disabled') : t('nodesUi.enabled')}
                        {row.registered.currentStatus ? ` · ${row.registered.currentStatus}` : ''}
                        {row.registered.failureReason && (
                          <div className="error-message">{row.registered.failureReason}</div>
                        )}
                      </>
                    ) : (
                      t('nodesUi.notRegistered')
                    )}
                  </td>
                  <td className="node-actions">
                    {row.expected && row.comparison !== 'registered' && (
                      <button
                        type="button"
                        disabled={working}
                        aria-label={t(
                          row.registered ? 'nodesUi.action.updateLabel' : 'nodesUi.action.addLabel',
                          { id: row.id },
                        )}
                        onClick={() => {
                          reset()
                          setFieldErrors({})
                          setWork({ kind: 'form', row, host: valueOf(row, 'host') })
                        }}
                      >
                        {row.registered ? t('nodesUi.action.update') : t('nodesUi.action.add')}
                      </button>
                    )}
                    {row.registered && (
                      <button
                        type="button"
                        disabled={working}
                        aria-label={t(
                          row.registered.enabled === false
                            ? 'nodesUi.action.enableLabel'
                            : 'nodesUi.action.disableLabel',
                          { id: row.id },
                        )}
                        onClick={() => {
                          reset()
                          void makePlan(row.registered?.enabled === false ? 'enable' : 'disable', row)
                        }}
                      >
                        {row.registered.enabled === false
                          ? t('nodesUi.action.enable')
                          : t('nodesUi.action.disable')}
                      </button>
                    )}
                    {row.registered && (
                      <button
                        type="button"
                        disabled={working}
                        aria-label={t('nodesUi.action.removeLabel', { id: row.id })}
                        onClick={() => {
                          reset()
                          void makePlan('remove', row)
                        }}
                      >
                        {t('nodesUi.action.remove')}
                      </button>
                    )}
                    {canRehearse(row) && (
                      <button
                        type="button"
                        disabled={working}
                        aria-label={t('nodesUi.action.rehearseLabel', { id: row.id })}
                        onClick={() => {
                          reset()
                          void planRehearsal(row)
                        }}
                      >
                        {t('nodesUi.action.rehearse')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {listing.rows.length === 0 && <p className="muted">{t('nodesUi.none')}</p>}
        </>
      )}

      {work?.kind !== 'rehearse' && workError_}

      {work?.kind === 'form' && (
        <form
          className="node-form"
          aria-label={t('nodesUi.form.label', { id: work.row.id })}
          onSubmit={(e) => {
            e.preventDefault()
            setFieldErrors({})
            void makePlan(work.row.registered ? 'update' : 'register', work.row, work.host)
          }}
        >
          <h2>{t('nodesUi.form.title', { id: work.row.id })}</h2>
          <p className="muted">{t('nodesUi.form.intro')}</p>
          {FIELDS.map((field) => {
            const fieldId = `${id}-${field}`
            const err = fieldErrors[field]
            return (
              <div className="field" key={field}>
                <label htmlFor={fieldId}>{t(`nodesUi.field.${field}`)}</label>
                <input
                  id={fieldId}
                  value={field === 'host' ? work.host : valueOf(work.row, field)}
                  readOnly={field !== 'host'}
                  aria-invalid={err ? true : undefined}
                  aria-describedby={err ? `${fieldId}-error` : undefined}
                  onChange={(e) => field === 'host' && setWork({ ...work, host: e.target.value })}
                />
                {err && (
                  <p className="field-error" id={`${fieldId}-error`} role="alert">
                    {t(`nodesUi.fieldError.${err}`)}
                  </p>
                )}
              </div>
            )
          })}
          <p className="muted small">{t('nodesUi.form.hostHint')}</p>
          <div className="run-controls">
            <button type="submit" disabled={working}>
              {working ? t('nodesUi.planning') : t('nodesUi.makePlan')}
            </button>
            <button type="button" onClick={reset} disabled={working}>
              {t('nodesUi.cancel')}
            </button>
          </div>
        </form>
      )}

      {planFor && planFor.change !== 'remove' && (
        <section className="node-plan" aria-label={t('nodesUi.plan.label')}>
          <h2>{t('nodesUi.plan.title')}</h2>
          <PlanReview plan={planFor.plan} />
          <div className="run-controls">
            {!planFor.plan.empty && (
              <button type="button" onClick={() => void approve()} disabled={working || blocked}>
                {working ? t('nodesUi.applying') : t('nodesUi.approve')}
              </button>
            )}
            <button type="button" onClick={reset} disabled={working}>
              {planFor.plan.empty ? t('nodesUi.close') : t('nodesUi.cancel')}
            </button>
          </div>
          {blocked && <p className="muted">{t('nodesUi.plan.blocked')}</p>}
        </section>
      )}

      {planFor && planFor.change === 'remove' && (
        <Modal role="alertdialog" labelledBy={`${id}-remove-title`} onEscape={reset} className="node-dialog">
          <h2 id={`${id}-remove-title`}>{t('nodesUi.remove.title', { id: planFor.row?.id ?? '' })}</h2>
          {unknownNote ? (
            <p role="status">{text(unknownNote)}</p>
          ) : (
            <>
              <p>{t('nodesUi.remove.intro', { id: planFor.row?.id ?? '' })}</p>
              <PlanReview plan={planFor.plan} />
            </>
          )}
          <div className="run-controls">
            {!planFor.plan.empty && (
              <button type="button" onClick={() => void approve()} disabled={working}>
                {working ? t('nodesUi.applying') : t('nodesUi.remove.confirm')}
              </button>
            )}
            <button type="button" onClick={reset} disabled={working} data-autofocus>
              {planFor.plan.empty ? t('nodesUi.close') : t('nodesUi.cancel')}
            </button>
          </div>
        </Modal>
      )}

      {work?.kind === 'rehearse' && (
        <Modal labelledBy={`${id}-rehearse-title`} onEscape={reset} className="node-dialog">
          <h2 id={`${id}-rehearse-title`}>{t('nodesUi.rehearsal.title', { id: work.row.id })}</h2>
          <p>{t('nodesUi.rehearsal.intro', { id: work.row.id })}</p>
          <ul className="muted">
            <li>{t('nodesUi.rehearsal.what1')}</li>
            <li>{t('nodesUi.rehearsal.what2')}</li>
            <li>{t('nodesUi.rehearsal.what3')}</li>
          </ul>
          {!work.plan && working && <p role="status">{t('nodesUi.planning')}</p>}
          {work.plan && !rehearsal && (
            <section aria-label={t('nodesUi.rehearsal.planLabel')}>
              <h3>{t('nodesUi.rehearsal.planTitle')}</h3>
              <PlanReview plan={work.plan} />
              {rehearsalBlocked && <p className="muted">{t('nodesUi.rehearsal.blocked')}</p>}
            </section>
          )}
          {steps.length > 0 && (
            <ol className="rehearsal-steps" aria-label={t('nodesUi.rehearsal.progress')}>
              {steps.map((s, i) => (
                <li key={i}>{text(s)}</li>
              ))}
            </ol>
          )}
          {workError_}
          {outcome && outcome.change === 'rehearse' && !outcome.result.ok && (
            <div className="banner banner-error" role="alert">
              <p>{t('nodesUi.failed')}</p>
              <FailedReasons result={outcome.result} />
            </div>
          )}
          {rehearsal && (
            <div
              className={rehearsal.received ? 'banner banner-success' : 'banner banner-error'}
              role="status"
              data-received={rehearsal.received}
            >
              {rehearsedBefore && <p className="muted">{t('nodesUi.rehearsal.before')}</p>}
              <p>
                {rehearsal.received
                  ? t('nodesUi.rehearsal.received', { id: rehearsal.nodeId, count: rehearsal.batches })
                  : t('nodesUi.rehearsal.notReceived', { id: rehearsal.nodeId })}
              </p>
              {rehearsal.cause && (
                <p className="error-message">
                  {t(`nodesUi.rehearsal.cause.${rehearsal.cause}`, {
                    url: rehearsal.callbackUrl,
                    host: rehearsal.host,
                  })}
                </p>
              )}
              <p className="muted small">
                {t('nodesUi.rehearsal.callback', {
                  url: rehearsal.callbackUrl,
                  source: t(`nodesUi.rehearsal.source.${rehearsal.callbackSource}`),
                })}
              </p>
              {rehearsal.evidence && <pre className="mono small">{rehearsal.evidence}</pre>}
            </div>
          )}
          <div className="run-controls">
            {!rehearsal && work.plan && !work.plan.empty && (
              <button
                type="button"
                onClick={() => work.plan && void rehearse(work.plan)}
                disabled={working || rehearsalBlocked}
              >
                {working ? t('nodesUi.rehearsal.running') : t('nodesUi.rehearsal.run')}
              </button>
            )}
            <button type="button" onClick={reset} disabled={working} data-autofocus>
              {rehearsal ? t('nodesUi.close') : t('nodesUi.cancel')}
            </button>
          </div>
        </Modal>
      )}

      {outcome && outcome.change !== 'rehearse' && (
        <div
          className={outcome.result.ok ? 'banner banner-success' : 'banner banner-error'}
          role="status"
          aria-live="polite"
        >
          <p>{outcome.result.ok ? t(`nodesUi.done.${outcome.change}`) : t('nodesUi.failed')}</p>
          <FailedReasons result={outcome.result} />
        </div>
      )}
    </section>
  )
}
