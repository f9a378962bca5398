import { useTranslation } from 'react-i18next'
import { useStore } from '../store'
import { checksOf } from '../store/checks-slice'
import { stepStatus } from '../store/selectors'
import { STEPS } from '../steps/steps'

/** The nine steps with their status; steps that do not exist yet say what they will do. */
export function StepRail() {
  const { t } = useTranslation()
  const current = useStore((s) => s.currentStep)
  const profile = useStore((s) => s.profile)
  const check = useStore((s) => s.profileCheck)
  const connections = useStore((s) => s.connections)
  const checks = useStore((s) => checksOf(s.checksByProfile, s.profile?.id))
  const stepChosen = useStore((s) => s.stepChosen)
  return (
    <nav className="rail" aria-label={t('rail.label')}>
      <ol>
        {STEPS.map((step, index) => {
          const status = stepStatus(step.id, profile, check, connections, checks)
          const descId = `step-desc-${step.id}`
          return (
            <li key={step.id} className={`rail-item status-${status}`}>
              <button
                type="button"
                aria-current={current === step.id ? 'step' : undefined}
                aria-describedby={descId}
                disabled={!step.available}
                onClick={() => stepChosen(step.id)}
              >
                <span className="rail-index" aria-hidden="true">
                  {index + 1}
                </span>
                <span className="rail-title">{t(`steps.${step.id}.title`)}</span>
                <span className={`badge badge-${status}`}>{t(`status.${status}`)}</span>
              </button>
              <p id={descId} className="rail-desc">
                {t(`steps.${step.id}.summary`)}
              </p>
            </li>
          )
        })}
      </ol>
    </nav>
  )
}
