import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { NetworkModels } from '../../../../electron/shared/checks'
import type { ValidationKey } from '../../../../electron/shared/profile'
import { useStore } from '../../store'
import { checksOf } from '../../store/checks-slice'

/**
 * The seed node's API address, saved to the profile; the model list is read from it. Mounted with the
 * saved value as key, so a different profile or a saved change starts from what is stored.
 */
function SeedField({ saved, busy }: { saved: string; busy: boolean }) {
  const { t } = useTranslation()
  const seedChanged = useStore((s) => s.seedApiUrlChanged)
  const listRequested = useStore((s) => s.networkModelsRequested)
  const [draft, setDraft] = useState(saved)
  const [problem, setProblem] = useState<ValidationKey | undefined>(undefined)

  const submit = async (): Promise<void> => {
    const found = await seedChanged(draft)
    setProblem(found)
    if (!found) await listRequested()
  }

  return (
    <form
      className="seed-form"
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault()
        void submit()
      }}
    >
      <label htmlFor="seed-api-url">{t('checksUi.models.seedLabel')}</label>
      <div className="seed-row">
        <input
          id="seed-api-url"
          type="url"
          value={draft}
          placeholder={t('checksUi.models.seedPlaceholder')}
          spellCheck={false}
          autoCapitalize="off"
          aria-invalid={problem !== undefined}
          aria-describedby={problem ? 'seed-api-url-err' : 'seed-api-url-help'}
          onChange={(e) => {
            setDraft(e.target.value)
            if (problem) setProblem(undefined)
          }}
        />
        <button type="submit" disabled={busy}>
          {t('checksUi.models.seedRead')}
        </button>
      </div>
      <p id="seed-api-url-help" className="help">
        {t('checksUi.models.seedHelp')}
      </p>
      {problem && (
        <p id="seed-api-url-err" className="field-error">
          {t(`validation.${problem}`)}
        </p>
      )}
    </form>
  )
}

/** Where the shown list came from: the network (seed and time), or the offline list (date and why). */
function ListSource({ list, loading }: { list: NetworkModels; loading: string | undefined }) {
  const { t, i18n } = useTranslation()
  if (loading) {
    return (
      <p className="offline-note" id="models-source" role="status">
        {t('checksUi.models.reading', { seed: loading })}
      </p>
    )
  }
  if (list.source === 'network') {
    const time = new Date(list.asOf).toLocaleString(i18n.language)
    return (
      <p className="offline-note" id="models-source" role="status">
        <span className="network-tag">{t('checksUi.models.networkTag')}</span>{' '}
        {t('checksUi.models.network', { seed: list.seedApiUrl ?? '', time })}
      </p>
    )
  }
  if (!list.error) {
    return (
      <p className="offline-note" id="models-source" role="status">
        <span className="offline-tag">{t('checksUi.models.offlineTag')}</span>{' '}
        {t('checksUi.models.offlineNoSeed', { date: list.asOf })}
      </p>
    )
  }
  const reason = t(`checksUi.models.reason.${list.errorReason ?? 'network'}`, {
    status: list.errorStatus ?? '',
  })
  return (
    <div className="offline-note" id="models-source" role="status">
      <p>
        <span className="offline-tag">{t('checksUi.models.offlineTag')}</span>{' '}
        {t('checksUi.models.offlineFailed', { date: list.asOf, seed: list.seedApiUrl ?? '', reason })}
      </p>
      <details>
        <summary>{t('checksUi.models.details')}</summary>
        <p className="small">{list.error}</p>
      </details>
    </div>
  )
}

/** The models the ML nodes will serve: the seed's governance list, else the dated offline list. */
export function ModelPicker() {
  const { t } = useTranslation()
  const profileId = useStore((s) => s.profile?.id ?? '')
  const savedSeed = useStore((s) => s.profile?.seedApiUrl ?? '')
  const list = useStore((s) => s.networkModels)
  const loading = useStore((s) => s.networkModelsLoading)
  const chosen = useStore((s) => checksOf(s.checksByProfile, s.profile?.id).modelIds)
  const modelsChosen = useStore((s) => s.checkModelsChosen)
  const busy = useStore((s) => checksOf(s.checksByProfile, s.profile?.id).running.prerequisites !== undefined)
  const toggle = (id: string, on: boolean): void =>
    modelsChosen(on ? [...chosen, id] : chosen.filter((m) => m !== id))
  const models = list?.models ?? []
  const missing = chosen.filter((id) => !models.some((m) => m.id === id))

  return (
    <fieldset className="model-picker" disabled={busy}>
      <legend>{t('checksUi.models.legend')}</legend>
      <SeedField key={`${profileId}|${savedSeed}`} saved={savedSeed} busy={busy || loading !== undefined} />
      {list && <ListSource list={list} loading={loading} />}
      {list && (
        <div className="model-options" aria-describedby="models-source">
          {models.map((model) => (
            <label key={model.id} className={`model-option ${chosen.includes(model.id) ? 'chosen' : ''}`}>
              <input
                type="checkbox"
                checked={chosen.includes(model.id)}
                onChange={(e) => toggle(model.id, e.target.checked)}
              />
              <span className="model-id">{model.id}</span>
              <span className="model-need small muted">
                {model.weightsGb
                  ? t('checksUi.models.needWeights', { vram: model.vramGb, weights: model.weightsGb })
                  : t('checksUi.models.need', { vram: model.vramGb })}
              </span>
            </label>
          ))}
        </div>
      )}
      {list?.skipped && list.skipped.length > 0 && (
        <p className="help">{t('checksUi.models.skipped', { models: list.skipped.join('; ') })}</p>
      )}
      {missing.length > 0 && (
        <p className="help">
          {t('checksUi.models.notInList', { models: missing.join(', ') })}{' '}
          <button
            type="button"
            className="drop-missing"
            onClick={() => modelsChosen(chosen.filter((id) => !missing.includes(id)))}
          >
            {t('checksUi.models.dropMissing')}
          </button>
        </p>
      )}
      {chosen.length === 0 && <p className="help">{t('checksUi.models.none')}</p>}
    </fieldset>
  )
}
