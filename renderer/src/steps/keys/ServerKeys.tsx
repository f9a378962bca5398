import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DeployPlan, I18nText } from '../../../../electron/shared/deploy'
import type { PushedEvent } from '../../../../electron/shared/progress'
import type { AppError } from '../../../../electron/shared/result'
import type { ServerKeysStatus } from '../../../../electron/shared/server-keys'
import { getApi } from '../../api'
import { CannotServeBanner } from '../../components/CannotServe'
import { ErrorText } from '../../components/ErrorText'
import { PlanReview, useText } from '../launch/PlanReview'
import { CopyButton } from '../prerequisites/CopyButton'

function isText(v: unknown): v is I18nText {
  return typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string'
}

const short = (typeUrl: string): string => typeUrl.split('.').pop() ?? typeUrl

/**
 * Step 3 on the network server: the keys backup (and its download), the warm key made once,
 * registration confirmed on the seed, and the grant command for the cold key with the wait for the
 * grants on chain. Every write is a plan the user approves.
 */
export function ServerKeys({ profileId }: { profileId: string }) {
  const { t } = useTranslation()
  const text = useText()
  const [status, setStatus] = useState<ServerKeysStatus>()
  const [error, setError] = useState<AppError>()
  const [plan, setPlan] = useState<DeployPlan>()
  const [busy, setBusy] = useState<'plan' | 'apply' | 'registration' | 'grants' | undefined>()
  const [progress, setProgress] = useState<string>()
  const [outcome, setOutcome] = useState<string>()
  const [downloaded, setDownloaded] = useState<string>()
  const run = useRef<string | undefined>(undefined)

  const refresh = useCallback(async (): Promise<void> => {
    const r = await getApi().getServerKeysStatus({ profileId })
    if (r.ok) setStatus(r.value)
    else setError(r.error)
  }, [profileId])

  useEffect(() => {
    let live = true
    void getApi()
      .getServerKeysStatus({ profileId })
      .then((r) => {
        if (!live) return
        if (r.ok) setStatus(r.value)
        else setError(r.error)
      })
    return () => {
      live = false
    }
  }, [profileId])

  useEffect(
    () =>
      getApi().onEvent((pushed: PushedEvent) => {
        if (pushed.type !== 'progress' || pushed.event.runId !== run.current) return
        const e = pushed.event
        if (e.kind === 'log') return
        const data = (e.data ?? {}) as Record<string, unknown>
        if (e.stepId === 'registration' || e.stepId === 'grants') {
          const s = e.data as ServerKeysStatus | undefined
          if (s?.warm) setStatus(s)
          if (e.stepId === 'grants' && s?.grants)
            setProgress(
              t('serverKeysUi.grants.waiting', {
                granted: s.grants.granted.length,
                total: s.grants.granted.length + s.grants.missing.length,
                seconds: e.detail ?? '',
              }),
            )
          else if (e.stepId === 'registration')
            setProgress(t('serverKeysUi.registration.waiting', { seconds: e.detail ?? '' }))
          return
        }
        if (isText(data['title'])) setProgress(text(data['title']))
      }),
    [t, text],
  )

  const makePlan = async (): Promise<void> => {
    setError(undefined)
    setOutcome(undefined)
    setBusy('plan')
    const r = await getApi().planServerKeys({ profileId }, { runId: `keys-plan-${crypto.randomUUID()}` })
    setBusy(undefined)
    if (r.ok) setPlan(r.value)
    else setError(r.error)
  }

  const apply = async (): Promise<void> => {
    if (!plan) return
    setError(undefined)
    setBusy('apply')
    const runId = `keys-apply-${crypto.randomUUID()}`
    run.current = runId
    const r = await getApi().applyPlan({ planId: plan.planId }, { runId })
    setBusy(undefined)
    setProgress(undefined)
    setPlan(undefined)
    if (r.ok) {
      const failed = r.value.actions.filter((a) => a.outcome === 'failed')
      setOutcome(
        failed.length === 0
          ? t('serverKeysUi.applied')
          : failed.map((a) => `${a.actionId}: ${a.reason ?? ''}`).join('\n'),
      )
    } else setError(r.error)
    await refresh()
  }

  const wait = async (what: 'registration' | 'grants'): Promise<void> => {
    setError(undefined)
    setBusy(what)
    const runId = `keys-wait-${crypto.randomUUID()}`
    run.current = runId
    const input = { profileId, timeoutSeconds: 600, intervalSeconds: 3 }
    const r =
      what === 'grants'
        ? await getApi().waitForGrants(input, { runId })
        : await getApi().waitForRegistration(input, { runId })
    setBusy(undefined)
    setProgress(undefined)
    if (r.ok) setStatus(r.value)
    else if (r.error.code !== 'CANCELLED') setError(r.error)
  }

  const cancel = async (): Promise<void> => {
    if (run.current) await getApi().cancel(run.current)
  }

  const download = async (name: string): Promise<void> => {
    const r = await getApi().downloadKeysBackup({ profileId, name })
    if (r.ok) setDownloaded(r.value.path)
    else setError(r.error)
  }

  const s = status
  const reg = s?.registration
  const g = s?.grants
  return (
    <section className="server-keys" aria-labelledby="server-keys-title">
      <h2 id="server-keys-title">{t('serverKeysUi.title')}</h2>
      <p>{t('serverKeysUi.lead')}</p>
      {s && <CannotServeBanner why={s.cannotServeWhy} />}
      {s?.canServe && (
        <p className="banner banner-ok" role="status">
          {t('serverKeysUi.canServe')}
        </p>
      )}

      <h3>{t('serverKeysUi.backup.title')}</h3>
      <p className="help">{t('serverKeysUi.backup.help')}</p>
      {s && s.backups.length === 0 && <p>{t('serverKeysUi.backup.none')}</p>}
      {s && s.backups.length > 0 && (
        <ul className="server-keys-backups" aria-label={t('serverKeysUi.backup.title')}>
          {s.backups.map((b) => (
            <li key={b.name}>
              <code>{b.path}</code> <span className="muted">{b.createdAt}</span>{' '}
              <button type="button" onClick={() => void download(b.name)}>
                {t('serverKeysUi.backup.download')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {downloaded && (
        <p role="status">
          {t('serverKeysUi.backup.downloaded')} <code>{downloaded}</code>
        </p>
      )}

      <h3>{t('serverKeysUi.warm.title')}</h3>
      <p data-testid="warm-state">
        {s?.warm.state === 'present' &&
          (s.warm.address
            ? t('serverKeysUi.warm.present', { name: s.warm.keyName, address: s.warm.address })
            : t('serverKeysUi.warm.presentNoAddress', { name: s.warm.keyName }))}
        {s?.warm.state === 'missing' && t('serverKeysUi.warm.missing', { name: s.warm.keyName })}
        {s?.warm.state === 'other' &&
          t('serverKeysUi.warm.other', {
            name: s.warm.keyName,
            keys: s.warm.keys.map((k) => (k.address ? `${k.name} (${k.address})` : k.name)).join(', '),
          })}
        {s?.warm.state === 'unknown' && t('serverKeysUi.warm.unknown')}
      </p>

      <h3>{t('serverKeysUi.registration.title')}</h3>
      <p data-testid="registration-state" role="status">
        {reg?.state === 'registered' &&
          t('serverKeysUi.registration.registered', { address: reg.address ?? '', url: reg.url ?? '' })}
        {reg?.state === 'not-found' &&
          t('serverKeysUi.registration.notFound', { address: reg.address ?? '' })}
        {reg?.state === 'unknown' && t('serverKeysUi.registration.unknown')}
      </p>

      <div className="server-keys-actions">
        <button type="button" disabled={busy !== undefined} onClick={() => void makePlan()}>
          {t('serverKeysUi.plan')}
        </button>
        {reg?.state === 'not-found' && (
          <button type="button" disabled={busy !== undefined} onClick={() => void wait('registration')}>
            {t('serverKeysUi.registration.wait')}
          </button>
        )}
        <button type="button" disabled={busy !== undefined} onClick={() => void refresh()}>
          {t('serverKeysUi.refresh')}
        </button>
      </div>
      {plan && (
        <div className="server-keys-plan">
          <PlanReview plan={plan} />
          {!plan.empty && (
            <button type="button" disabled={busy !== undefined} onClick={() => void apply()}>
              {t('serverKeysUi.approve')}
            </button>
          )}
        </div>
      )}
      {busy && (
        <p className="server-keys-progress" role="status" data-testid="server-keys-progress">
          {progress ?? t(`serverKeysUi.busy.${busy}`)}{' '}
          {(busy === 'apply' || busy === 'registration' || busy === 'grants') && (
            <button type="button" onClick={() => void cancel()}>
              {t('serverKeysUi.cancel')}
            </button>
          )}
        </p>
      )}
      {outcome && (
        <p className="server-keys-outcome" role="status">
          {outcome}
        </p>
      )}

      <h3>{t('serverKeysUi.grants.title')}</h3>
      {s?.grantCommand ? (
        <>
          <p>{t('serverKeysUi.grants.help')}</p>
          <pre className="server-keys-command">
            <code id="grant-command">{s.grantCommand}</code>
          </pre>
          <CopyButton text={s.grantCommand} codeId="grant-command" label={t('serverKeysUi.grants.copy')} />
          <p className="help">{t('serverKeysUi.grants.after')}</p>
        </>
      ) : (
        <p>{t('serverKeysUi.grants.needWarm')}</p>
      )}
      {g && (
        <div data-testid="grants-state">
          <p>
            {t('serverKeysUi.grants.count', {
              granted: g.granted.length,
              total: g.granted.length + g.missing.length,
            })}
          </p>
          {g.missing.length > 0 && (
            <p>
              {t('serverKeysUi.grants.missing')} {g.missing.map(short).join(', ')}
            </p>
          )}
          {g.expiring.length > 0 && (
            <p>
              {t('serverKeysUi.grants.expiring')}{' '}
              {g.expiring.map((e) => `${short(e.msg)} (${e.expiration})`).join(', ')}
            </p>
          )}
          <p>{t(`serverKeysUi.grants.fee.${g.feeAllowance}`)}</p>
        </div>
      )}
      {s?.grantCommand && !g?.complete && (
        <button type="button" disabled={busy !== undefined} onClick={() => void wait('grants')}>
          {t('serverKeysUi.grants.wait')}
        </button>
      )}
      {error && <ErrorText error={error} />}
    </section>
  )
}
