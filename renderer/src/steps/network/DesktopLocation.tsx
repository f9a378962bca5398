import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from '../../store'
import { checksOf, stepOfCheckId, type DesktopLocation as Location } from '../../store/checks-slice'
import { desktopPlace } from './diagram-model'

const CHOICES: readonly Location[] = ['auto', 'inside', 'outside']

/**
 * Where this computer is relative to the servers: found from the addresses by the last run, or chosen
 * here. What a private port answering from here means depends on it, so the results are worded for it.
 */
export function DesktopLocation() {
  const { t } = useTranslation()
  const id = useId()
  const checks = useStore((s) => checksOf(s.checksByProfile, s.profile?.id))
  const chosen = useStore((s) => s.checkDesktopLocationChosen)
  // The user's choice wins; otherwise what the last run found from the addresses.
  const place =
    checks.desktopLocation !== 'auto'
      ? checks.desktopLocation
      : desktopPlace(Object.values(checks.results).filter((r) => stepOfCheckId(r.checkId) === 'network'))
  return (
    <fieldset className="desktop-location" aria-describedby={`${id}-place`}>
      <legend>{t('checksUi.location.legend')}</legend>
      {CHOICES.map((choice) => (
        <label key={choice}>
          <input
            type="radio"
            name={`${id}-location`}
            value={choice}
            checked={checks.desktopLocation === choice}
            onChange={() => chosen(choice)}
          />{' '}
          {t(`checksUi.location.choice.${choice}`)}
        </label>
      ))}
      <p id={`${id}-place`} className={`small place-${place}`} role="status">
        {t(`checksUi.location.found.${place}`)}
      </p>
    </fieldset>
  )
}
