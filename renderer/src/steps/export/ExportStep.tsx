import { useEffect, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type {
  BundleExportResult,
  BundleImportResult,
  SupportBundleResult,
} from '../../../../electron/shared/ops/bundle'
import type { ApplyResult, DeployPlan } from '../../../../electron/shared/deploy'
import type { AppError } from '../../../../electron/shared/result'
import { getApi } from '../../api'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { PlanReview } from '../launch/PlanReview'
import { BundlePassphrase, ExportField, ZIP_FILTERS } from './ExportFields'
import { MIN_PASSPHRASE, passphraseProblem } from './passphrase'
import './export.css'

/** A failure of a bundle operation, in the user's language: refusals name the reason and the file. */
function BundleError({ error }: { error: AppError }) {
  const { t } = useTranslation()
  const details = error.details ?? {}
  if (error.code === 'WRONG_PASSPHRASE')
    return (
      <div className="banner banner-error" role="alert" data-error="wrong-passphrase">
        <p className="error-message">{t('exportUi.errors.wrongPassphrase')}</p>
        <p className="error-hint">{t('exportUi.errors.nothingWritten')}</p>
      </div>
    )
  if (details['refused'] === true && typeof details['reasonKey'] === 'string')
    return (
      <div className="banner banner-error" role="alert" data-error="refused">
        <p className="error-message">
          {t('exportUi.errors.refused', {
            reason: t(`exportUi.reason.${details['reasonKey']}`, { file: String(details['file'] ?? '') }),
          })}
        </p>
        <p className="error-hint">{t('exportUi.errors.nothingWritten')}</p>
      </div>
    )
  return (
    <div className="banner banner-error" role="alert">
      <ErrorText error={error} />
      <p className="muted">{error.message}</p>
    </div>
  )
}

function ExportSection({ profileId, suggested }: { profileId: string; suggested: string }) {
  const { t } = useTranslation()
  const [path, setPath] = useState(suggested)
  const [pass, setPass] = useState('')
  const [again, setAgain] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<BundleExportResult | undefined>()
  const [error, setError] = useState<AppError | undefined>()
  const [tried, setTried] = useState(false)
  const problem = passphraseProblem(pass, again)

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setTried(true)
    if (problem || path.trim() === '') return
    setBusy(true)
    setResult(undefined)
    setError(undefined)
    const r = await getApi().exportConfigBundle(
      { profileId, outPath: path.trim(), passphrase: pass },
      { runId: `bundle-${crypto.randomUUID()}` },
    )
    setBusy(false)
    if (r.ok) {
      setResult(r.value)
      setPass('')
      setAgain('')
      setTried(false)
    } else setError(r.error)
  }

  return (
    <section className="export-section" aria-labelledby="export-config-title">
      <h2 id="export-config-title">{t('exportUi.export.title')}</h2>
      <p className="muted">{t('exportUi.export.lead')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <ExportField
          label={t('exportUi.export.path')}
          value={path}
          onChange={setPath}
          pick={{ mode: 'save', filters: ZIP_FILTERS }}
        />
        <BundlePassphrase
          label={t('exportUi.export.passphrase', { min: MIN_PASSPHRASE })}
          value={pass}
          onChange={setPass}
          repeat={{
            label: t('exportUi.export.passphraseAgain'),
            value: again,
            onChange: setAgain,
            showProblem: tried,
          }}
        />
        <p className="muted">{t('exportUi.export.keepPassphrase')}</p>
        <button type="submit" disabled={busy}>
          {busy ? t('exportUi.export.busy') : t('exportUi.export.button')}
        </button>
      </form>
      {error && <BundleError error={error} />}
      {result && (
        <div className="banner banner-ok" role="status" data-result="exported">
          <p>
            {t('exportUi.export.done', {
              path: result.path,
              bytes: result.bytes,
              files: result.files.length,
            })}
          </p>
          <p>{result.secrets ? t('exportUi.export.secretsIn') : t('exportUi.export.noSecrets')}</p>
          {result.absent.length > 0 && (
            <p className="muted">{t('exportUi.export.absent', { files: result.absent.join(', ') })}</p>
          )}
          {result.problems.map((p) => (
            <p key={p.serverId} className="muted">
              {t('exportUi.export.problem', { server: p.serverId, message: p.message })}
            </p>
          ))}
        </div>
      )}
    </section>
  )
}

function ImportSection() {
  const { t } = useTranslation()
  const profileChosen = useStore((s) => s.profileChosen)
  const [path, setPath] = useState('')
  const [pass, setPass] = useState('')
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<BundleImportResult | undefined>()
  const [error, setError] = useState<AppError | undefined>()

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    if (path.trim() === '') return
    setBusy(true)
    setResult(undefined)
    setError(undefined)
    const r = await getApi().importConfigBundle({
      path: path.trim(),
      ...(pass !== '' ? { passphrase: pass } : {}),
    })
    setBusy(false)
    if (r.ok) {
      setResult(r.value)
      setPass('')
      const listing = await getApi().listProfiles({})
      if (listing.ok) useStore.setState({ profiles: listing.value.profiles })
    } else setError(r.error)
  }

  return (
    <section className="export-section" aria-labelledby="import-config-title">
      <h2 id="import-config-title">{t('exportUi.import.title')}</h2>
      <p className="muted">{t('exportUi.import.lead')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <ExportField
          label={t('exportUi.import.path')}
          value={path}
          onChange={setPath}
          pick={{ mode: 'open', filters: ZIP_FILTERS }}
        />
        <BundlePassphrase label={t('exportUi.import.passphrase')} value={pass} onChange={setPass} />
        <button type="submit" disabled={busy || path.trim() === ''}>
          {busy ? t('exportUi.import.busy') : t('exportUi.import.button')}
        </button>
      </form>
      {error && <BundleError error={error} />}
      {result && (
        <div className="banner banner-ok" role="status" data-result="imported">
          <p>
            {t('exportUi.import.done', {
              name: result.profileName,
              hosts: result.pinnedHosts,
              version: result.appVersion,
              at: result.createdAt,
            })}
          </p>
          {result.renamed && (
            <p className="muted">{t('exportUi.import.renamed', { id: result.profileId })}</p>
          )}
          <p>{t(`exportUi.import.secrets.${result.secrets}`)}</p>
          <button type="button" onClick={() => void profileChosen(result.profileId)}>
            {t('exportUi.import.open', { name: result.profileName })}
          </button>
        </div>
      )}
    </section>
  )
}

function SupportSection({ profileId, suggested }: { profileId: string; suggested: string }) {
  const { t } = useTranslation()
  const [path, setPath] = useState(suggested)
  const [busy, setBusy] = useState(false)
  const [result, setResult] = useState<SupportBundleResult | undefined>()
  const [error, setError] = useState<AppError | undefined>()

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    if (path.trim() === '') return
    setBusy(true)
    setResult(undefined)
    setError(undefined)
    const r = await getApi().supportBundle(
      { profileId, outPath: path.trim() },
      { runId: `support-${crypto.randomUUID()}` },
    )
    setBusy(false)
    if (r.ok) setResult(r.value)
    else setError(r.error)
  }

  return (
    <section className="export-section" aria-labelledby="support-title">
      <h2 id="support-title">{t('exportUi.support.title')}</h2>
      <p className="muted">{t('exportUi.support.lead')}</p>
      <form onSubmit={(e) => void submit(e)}>
        <ExportField
          label={t('exportUi.support.path')}
          value={path}
          onChange={setPath}
          pick={{ mode: 'save', filters: ZIP_FILTERS }}
        />
        <button type="submit" disabled={busy}>
          {busy ? t('exportUi.support.busy') : t('exportUi.support.button')}
        </button>
      </form>
      {error && <BundleError error={error} />}
      {result && (
        <div className="banner banner-ok" role="status" data-result="support">
          <p>{t('exportUi.support.done', { path: result.path, bytes: result.bytes })}</p>
          <p className="muted">{result.files.join(', ')}</p>
        </div>
      )}
    </section>
  )
}

function MoveSection({ profileId }: { profileId: string }) {
  const { t } = useTranslation()
  const profile = useStore((s) => s.profile)
  const network = profile?.servers.find((s) => s.role !== 'ml')
  const [path, setPath] = useState('')
  const [pass, setPass] = useState('')
  const [busy, setBusy] = useState<'plan' | 'apply' | undefined>()
  const [plan, setPlan] = useState<DeployPlan | undefined>()
  const [applied, setApplied] = useState<ApplyResult | undefined>()
  const [error, setError] = useState<AppError | undefined>()
  const blocked = plan?.hosts.some((h) => h.changes.some((c) => c.kind === 'blocked')) ?? false

  const makePlan = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault()
    if (path.trim() === '' || pass === '') return
    setBusy('plan')
    setPlan(undefined)
    setApplied(undefined)
    setError(undefined)
    const r = await getApi().planRestore(
      { profileId, path: path.trim(), passphrase: pass },
      { runId: `restore-plan-${crypto.randomUUID()}` },
    )
    setBusy(undefined)
    if (r.ok) setPlan(r.value)
    else setError(r.error)
  }

  const approve = async (): Promise<void> => {
    if (!plan) return
    setBusy('apply')
    setError(undefined)
    const r = await getApi().applyPlan({ planId: plan.planId }, { runId: `restore-${crypto.randomUUID()}` })
    setBusy(undefined)
    setPlan(undefined)
    if (r.ok) {
      setApplied(r.value)
      setPass('')
    } else setError(r.error)
  }

  return (
    <section className="export-section" aria-labelledby="move-title">
      <h2 id="move-title">{t('exportUi.move.title')}</h2>
      <p className="muted">{t('exportUi.move.lead')}</p>
      {network ? (
        <p>
          {t('exportUi.move.target', { name: network.name || network.address, address: network.address })}
        </p>
      ) : (
        <p className="banner banner-warning">{t('exportUi.move.noNetwork')}</p>
      )}
      <form onSubmit={(e) => void makePlan(e)}>
        <ExportField
          label={t('exportUi.move.path')}
          value={path}
          onChange={setPath}
          pick={{ mode: 'open', filters: ZIP_FILTERS }}
        />
        <BundlePassphrase label={t('exportUi.move.passphrase')} value={pass} onChange={setPass} />
        <button type="submit" disabled={busy !== undefined || !network || path.trim() === '' || pass === ''}>
          {busy === 'plan' ? t('exportUi.move.planning') : t('exportUi.move.plan')}
        </button>
      </form>
      {error && <BundleError error={error} />}
      {plan && (
        <div className="export-plan">
          <h3>{t('exportUi.move.planTitle')}</h3>
          <PlanReview plan={plan} />
          {!plan.empty && (
            <button type="button" onClick={() => void approve()} disabled={busy !== undefined || blocked}>
              {busy === 'apply' ? t('exportUi.move.applying') : t('exportUi.move.approve')}
            </button>
          )}
        </div>
      )}
      {applied && (
        <div
          className={`banner ${applied.ok ? 'banner-ok' : 'banner-error'}`}
          role="status"
          data-result="restored"
        >
          <p>{applied.ok ? t('exportUi.move.done') : t('exportUi.move.failed')}</p>
          <ul>
            {applied.actions.map((a) => (
              <li key={a.actionId}>
                {a.actionId}: {t(`exportUi.move.outcome.${a.outcome}`)}
                {a.reason ? ` — ${a.reason}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}

/** Step 9: the config bundle (export, import, move the network node) and the support bundle. */
export function ExportStep() {
  const { t } = useTranslation()
  const profile = useStore((s) => s.profile)
  const [dataDir, setDataDir] = useState('')
  useEffect(() => {
    void getApi()
      .getAppInfo({})
      .then((r) => {
        if (r.ok) setDataDir(r.value.dataDir)
      })
  }, [])
  if (!profile) return null
  const day = new Date().toISOString().slice(0, 10)
  const folder = dataDir === '' ? '' : `${dataDir.replace(/[\\/]+$/, '')}/exports/`
  return (
    <section className="step step-export" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.export.title')}</h1>
      <p className="lead">{t('exportUi.lead')}</p>
      <ExportSection
        key={`e-${folder}`}
        profileId={profile.id}
        suggested={`${folder}${profile.id}-${day}.zip`}
      />
      <ImportSection />
      <MoveSection profileId={profile.id} />
      <SupportSection
        key={`s-${folder}`}
        profileId={profile.id}
        suggested={`${folder}${profile.id}-${day}-support.zip`}
      />
    </section>
  )
}
