import './checks.css'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { CheckResults } from './HostResults'
import { ModelPicker } from './ModelPicker'
import { RunControls } from './RunControls'

const WHAT = ['system', 'docker', 'gpu', 'ports'] as const

/** Step 2: one probe per server, all at once; each problem with why it matters and the fix. */
export function PrerequisitesStep() {
  const { t } = useTranslation()
  const opened = useStore((s) => s.checksStepOpened)
  const loadError = useStore((s) => s.checksLoadError)
  // Another deployment (or its seed) chosen while the step is open: read that seed's model list.
  const profileKey = useStore((s) => `${s.profile?.id ?? ''}|${s.profile?.seedApiUrl ?? ''}`)
  useEffect(() => {
    void opened()
  }, [opened, profileKey])

  return (
    <section className="step step-checks" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.prerequisites.title')}</h1>
      <p className="lead">{t('checksUi.prerequisites.lead')}</p>
      <ul className="what-list">
        {WHAT.map((item) => (
          <li key={item}>{t(`checksUi.prerequisites.what.${item}`)}</li>
        ))}
      </ul>
      {loadError && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={loadError} />
        </div>
      )}
      <ModelPicker />
      <RunControls step="prerequisites" />
      <CheckResults step="prerequisites" />
    </section>
  )
}
