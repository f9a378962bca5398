import './configure.css'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DeploymentSettings, MlNodeSettings } from '../../../../electron/shared/deployment'
import type { ConfigPreview, MlNodeRecommendations } from '../../../../electron/shared/ops/config'
import type { Profile } from '../../../../electron/shared/profile'
import type { AppError } from '../../../../electron/shared/result'
import { getApi } from '../../api'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { checksOf } from '../../store/checks-slice'

/** The settings of a profile that has none yet (the same defaults the back end fills in). */
function initialSettings(profile: Profile): DeploymentSettings {
  return {
    repoUrl: 'https://github.com/gonka-ai/gonka.git',
    repoRef: 'main',
    dir: '~/gonka',
    publicHost: '',
    https: false,
    apiPort: 8000,
    apiSslPort: 8443,
    keyName: '',
    hfHome: '/mnt/shared',
    mlNodes: [],
    ...profile.deployment,
  }
}

type TextField =
  | 'repoUrl'
  | 'repoRef'
  | 'dir'
  | 'publicHost'
  | 'domain'
  | 'keyName'
  | 'accountPubkey'
  | 'hfHome'
  | 'callbackUrl'

/** Step 4: deployment files, public address, keys, HF_HOME, the callback URL, ML nodes, config.env preview. */
export function ConfigureStep() {
  const profile = useStore((s) => s.profile)
  // A new form per profile, so a draft never crosses to another deployment.
  return profile ? <ConfigureForm key={profile.id} profile={profile} /> : null
}

function ConfigureForm({ profile }: { profile: Profile }) {
  const { t } = useTranslation()
  const saveDeployment = useStore((s) => s.deploymentChanged)
  const checks = useStore((s) => checksOf(s.checksByProfile, s.profile?.id))
  const networkModels = useStore((s) => s.networkModels)
  const [draft, setDraft] = useState<DeploymentSettings>(() => initialSettings(profile))
  const [preview, setPreview] = useState<ConfigPreview | undefined>(undefined)
  const [recommendations, setRecommendations] = useState<MlNodeRecommendations | undefined>(undefined)
  const [error, setError] = useState<AppError | undefined>(undefined)
  const [password, setPassword] = useState('')
  const [passwordProblem, setPasswordProblem] = useState<string | undefined>(undefined)
  const [held, setHeld] = useState(0)

  const models = useMemo(() => {
    const chosen = new Set(checks.modelIds.map((id) => id.toLowerCase()))
    return (networkModels?.models ?? []).filter((m) => chosen.has(m.id.toLowerCase()))
  }, [checks.modelIds, networkModels])
  const checkFacts = useMemo(
    () => ({
      results: Object.values(checks.results).map((r) => ({
        checkId: r.checkId,
        serverId: r.serverId,
        ...(r.facts ? { facts: { ...r.facts } } : {}),
        ...(r.paths ? { paths: [...r.paths] } : {}),
      })),
      paths: Object.values(checks.paths),
    }),
    [checks.results, checks.paths],
  )

  useEffect(() => {
    let stale = false
    const input = { profile: { ...profile, deployment: draft }, checks: checkFacts, models }
    void getApi()
      .previewConfig(input)
      .then((r) => {
        if (stale) return
        if (r.ok) {
          setPreview(r.value)
          setError(undefined)
        } else setError(r.error)
      })
    return () => {
      stale = true
    }
  }, [profile, draft, checkFacts, models, held])

  useEffect(() => {
    let stale = false
    void getApi()
      .recommendMlNodeSettings({ profile, checks: checkFacts, models })
      .then((r) => {
        if (!stale && r.ok) setRecommendations(r.value)
      })
    return () => {
      stale = true
    }
  }, [profile, checkFacts, models])

  const problemOf = (field: string): { key: string; params?: Record<string, string> } | undefined => {
    const all = [...(preview?.settingsProblems ?? []), ...(preview?.servers.flatMap((s) => s.problems) ?? [])]
    return all.find((p) => p.field === `deployment.${field}` || p.field === field)
  }
  const update = (next: Partial<DeploymentSettings>): DeploymentSettings => {
    const merged = { ...draft, ...next }
    setDraft(merged)
    return merged
  }
  const commit = (next: DeploymentSettings = draft): void => {
    void saveDeployment(next)
  }

  const text = (field: TextField, options: { type?: string; autoComplete?: string } = {}) => {
    const id = `cfg-${field}`
    const problem = problemOf(field)
    const value = draft[field] ?? ''
    return (
      <div className="field">
        <label htmlFor={id}>{t(`configUi.field.${field}.label`)}</label>
        <input
          id={id}
          type={options.type ?? 'text'}
          value={value}
          spellCheck={false}
          autoComplete={options.autoComplete ?? 'off'}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-err` : `${id}-help`}
          onChange={(e) => update({ [field]: e.target.value })}
          onBlur={() => {
            const trimmed = value.trim()
            const next: Partial<DeploymentSettings> =
              trimmed === '' && (field === 'domain' || field === 'accountPubkey' || field === 'callbackUrl')
                ? { [field]: undefined }
                : { [field]: trimmed }
            commit(update(next))
          }}
        />
        <p id={`${id}-help`} className="help">
          {t(`configUi.field.${field}.help`)}
        </p>
        {problem && (
          <p id={`${id}-err`} className="field-error" role="alert">
            {t(problem.key, problem.params ?? {})}
          </p>
        )}
      </div>
    )
  }

  const port = (field: 'apiPort' | 'apiSslPort') => {
    const id = `cfg-${field}`
    const problem = problemOf(field)
    return (
      <div className="field field-narrow">
        <label htmlFor={id}>{t(`configUi.field.${field}.label`)}</label>
        <input
          id={id}
          inputMode="numeric"
          value={String(draft[field])}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-err` : undefined}
          onChange={(e) => update({ [field]: Number(e.target.value.replace(/\D/g, '') || '0') })}
          onBlur={() => commit()}
        />
        {problem && (
          <p id={`${id}-err`} className="field-error" role="alert">
            {t(problem.key, problem.params ?? {})}
          </p>
        )}
      </div>
    )
  }

  const holdPassword = async (): Promise<void> => {
    const r = await getApi().holdKeyringPassword({ profileId: profile.id, password })
    if (r.ok) {
      setPassword('')
      setPasswordProblem(undefined)
      setHeld((n) => n + 1)
    } else setPasswordProblem(r.error.fields?.keyringPassword ?? 'passwordShort')
  }
  const forgetPassword = async (): Promise<void> => {
    await getApi().forgetKeyringPassword({ profileId: profile.id })
    setHeld((n) => n + 1)
  }

  const networkServer = preview?.servers.find((s) => s.role !== 'ml')
  const callbackDerived = networkServer?.derived.find((d) => d.name === 'DAPI_API__POC_CALLBACK_URL')
  const passwordMissing = problemOf('keyringPassword')

  const useRecommended = (): void => {
    if (!recommendations) return
    commit(update({ mlNodes: recommendations.servers.map((s) => s.settings) }))
  }
  const nodeChanged = (serverId: string, change: Partial<MlNodeSettings>): DeploymentSettings =>
    update({ mlNodes: draft.mlNodes.map((n) => (n.serverId === serverId ? { ...n, ...change } : n)) })

  return (
    <section className="step step-configure" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.configuration.title')}</h1>
      <p className="lead">{t('configUi.lead')}</p>
      {error && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={error} />
        </div>
      )}

      <fieldset className="cfg-group">
        <legend>{t('configUi.group.files')}</legend>
        {text('repoUrl')}
        {text('repoRef')}
        {text('dir')}
      </fieldset>

      <fieldset className="cfg-group">
        <legend>{t('configUi.group.public')}</legend>
        {text('publicHost')}
        <div className="field">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.https}
              onChange={(e) => commit(update({ https: e.target.checked }))}
            />
            {t('configUi.field.https.label')}
          </label>
        </div>
        {text('domain')}
        <div className="cfg-row">
          {port('apiPort')}
          {port('apiSslPort')}
        </div>
      </fieldset>

      <fieldset className="cfg-group">
        <legend>{t('configUi.group.keys')}</legend>
        {text('keyName')}
        <div className="field">
          <label htmlFor="cfg-keyring-password">{t('configUi.field.keyringPassword.label')}</label>
          <div className="cfg-inline">
            <input
              id="cfg-keyring-password"
              type="password"
              value={password}
              autoComplete="new-password"
              aria-invalid={passwordProblem ? true : undefined}
              aria-describedby="cfg-keyring-password-help"
              onChange={(e) => setPassword(e.target.value)}
            />
            <button type="button" onClick={() => void holdPassword()} disabled={password === ''}>
              {t('configUi.password.hold')}
            </button>
            {preview?.keyringPasswordHeld && (
              <button type="button" onClick={() => void forgetPassword()}>
                {t('configUi.password.forget')}
              </button>
            )}
          </div>
          <p id="cfg-keyring-password-help" className="help">
            {preview?.keyringPasswordHeld
              ? t('configUi.password.held')
              : t('configUi.field.keyringPassword.help')}
          </p>
          {passwordProblem && (
            <p className="field-error" role="alert">
              {t(`config.validation.${passwordProblem}`)}
            </p>
          )}
          {!passwordProblem && passwordMissing && !preview?.keyringPasswordHeld && (
            <p className="field-note">{t(passwordMissing.key)}</p>
          )}
        </div>
        {text('accountPubkey')}
        {text('hfHome')}
      </fieldset>

      <fieldset className="cfg-group">
        <legend>{t('configUi.group.callback')}</legend>
        <p className="help">
          {t(profile.topology === 'single' ? 'configUi.callback.single' : 'configUi.callback.split')}
        </p>
        <dl className="cfg-derived-one" aria-label={t('configUi.callback.derived')}>
          <dt>{t('configUi.callback.derived')}</dt>
          <dd>
            <code data-testid="callback-value">{callbackDerived?.value ?? t('configUi.callback.none')}</code>
            {callbackDerived && (
              <span className="cfg-source">
                {t(callbackDerived.source.key, callbackDerived.source.params ?? {})}
              </span>
            )}
          </dd>
        </dl>
        {text('callbackUrl')}
      </fieldset>

      <fieldset className="cfg-group">
        <legend>{t('configUi.group.mlNodes')}</legend>
        {models.length === 0 && <p className="help">{t('configUi.ml.noModels')}</p>}
        <button
          type="button"
          onClick={useRecommended}
          disabled={!recommendations || recommendations.servers.length === 0}
        >
          {t('configUi.ml.useRecommended')}
        </button>
        {recommendations?.servers.map((rec) => {
          const node = draft.mlNodes.find((n) => n.serverId === rec.serverId)
          const id = `cfg-ml-${rec.serverId}`
          return (
            <section key={rec.serverId} className="cfg-ml" aria-labelledby={`${id}-title`}>
              <h3 id={`${id}-title`}>
                {t('configUi.ml.server', {
                  name: rec.serverName,
                  gpus: rec.gpus
                    ? t('configUi.ml.gpus', { count: rec.gpus.count, totalGb: rec.gpus.totalGb })
                    : t('configUi.ml.gpusUnknown'),
                })}
              </h3>
              {Object.entries(rec.advice).map(([modelId, a]) => (
                <div key={modelId} className="cfg-model">
                  <p className={a.fits ? 'cfg-advice' : 'cfg-advice cfg-advice-bad'}>{t(a.key, a.params)}</p>
                  <label htmlFor={`${id}-${modelId}-args`}>
                    {t('configUi.ml.mandatoryArgs', { model: modelId })}
                  </label>
                  <input
                    id={`${id}-${modelId}-args`}
                    readOnly
                    value={(rec.mandatoryArgs[modelId] ?? []).join(' ') || t('configUi.ml.noMandatoryArgs')}
                  />
                </div>
              ))}
              {node && (
                <div className="cfg-row">
                  {(
                    [
                      'maxConcurrent',
                      'inferencePort',
                      'pocPort',
                      'tensorParallel',
                      'pipelineParallel',
                    ] as const
                  ).map((field) => (
                    <div key={field} className="field field-narrow">
                      <label htmlFor={`${id}-${field}`}>{t(`configUi.ml.${field}`)}</label>
                      <input
                        id={`${id}-${field}`}
                        inputMode="numeric"
                        value={node[field] === undefined ? '' : String(node[field])}
                        onChange={(e) => {
                          const digits = e.target.value.replace(/\D/g, '')
                          nodeChanged(rec.serverId, { [field]: digits === '' ? undefined : Number(digits) })
                        }}
                        onBlur={() => commit()}
                      />
                    </div>
                  ))}
                </div>
              )}
            </section>
          )
        })}
      </fieldset>

      <section className="cfg-group" aria-labelledby="cfg-derived-title">
        <h2 id="cfg-derived-title">{t('configUi.derived.title')}</h2>
        {preview?.servers.map((server) => (
          <details key={server.serverId} className="cfg-server" open={server.role !== 'ml'}>
            <summary>
              {t('configUi.derived.server', {
                name: server.serverName,
                role: t(`configUi.role.${server.role}`),
              })}
            </summary>
            <table className="cfg-derived">
              <thead>
                <tr>
                  <th scope="col">{t('configUi.derived.variable')}</th>
                  <th scope="col">{t('configUi.derived.value')}</th>
                  <th scope="col">{t('configUi.derived.source')}</th>
                </tr>
              </thead>
              <tbody>
                {server.derived.map((d) => (
                  <tr key={d.name}>
                    <th scope="row" title={t(`config.vars.${d.name}.help`, { defaultValue: '' })}>
                      {t(`config.vars.${d.name}.label`, { defaultValue: d.name })}
                      <code className="cfg-var">{d.name}</code>
                    </th>
                    <td>
                      <code>{d.value}</code>
                    </td>
                    <td>{t(d.source.key, d.source.params ?? {})}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {server.problems.length > 0 && (
              <ul className="cfg-problems" aria-label={t('configUi.derived.problems')}>
                {server.problems.map((p) => (
                  <li key={`${p.field}-${p.key}`}>{t(p.key, p.params ?? {})}</li>
                ))}
              </ul>
            )}
            <h3>{t('configUi.derived.file')}</h3>
            <pre className="cfg-file" aria-label={t('configUi.derived.fileOf', { name: server.serverName })}>
              {server.maskedText}
            </pre>
            {server.nodeConfig && (
              <>
                <h3>
                  {t(
                    server.role === 'combined'
                      ? 'configUi.derived.nodeConfig'
                      : 'configUi.derived.nodeEntries',
                  )}
                </h3>
                <pre className="cfg-file">{server.nodeConfig}</pre>
              </>
            )}
          </details>
        ))}
      </section>
    </section>
  )
}
