import { useTranslation } from 'react-i18next'
import { useStore } from '../../store'
import { checksOf } from '../../store/checks-slice'

/** The models the ML nodes will serve, from the dated offline list until the network's list is read. */
export function ModelPicker() {
  const { t } = useTranslation()
  const fallback = useStore((s) => s.fallbackModels)
  const chosen = useStore((s) => checksOf(s.checksByProfile, s.profile?.id).modelIds)
  const modelsChosen = useStore((s) => s.checkModelsChosen)
  const busy = useStore((s) => checksOf(s.checksByProfile, s.profile?.id).running.prerequisites !== undefined)
  if (!fallback) return null
  const toggle = (id: string, on: boolean): void =>
    modelsChosen(on ? [...chosen, id] : chosen.filter((m) => m !== id))

  return (
    <fieldset className="model-picker" disabled={busy}>
      <legend>{t('checksUi.models.legend')}</legend>
      <p className="offline-note" id="models-source">
        <span className="offline-tag">{t('checksUi.models.offlineTag')}</span>{' '}
        {t('checksUi.models.offline', { date: fallback.asOf })}
      </p>
      <div className="model-options" aria-describedby="models-source">
        {fallback.models.map((model) => (
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
      {chosen.length === 0 && <p className="help">{t('checksUi.models.none')}</p>}
    </fieldset>
  )
}
