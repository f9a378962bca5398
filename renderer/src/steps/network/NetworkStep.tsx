import '../prerequisites/checks.css'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { checksOf, stepOfCheckId } from '../../store/checks-slice'
import { CheckResults } from '../prerequisites/HostResults'
import { RunControls } from '../prerequisites/RunControls'
import { DesktopLocation } from './DesktopLocation'
import { FirewallRules } from './FirewallRules'
import { TopologyDiagram } from './TopologyDiagram'

const WHAT = ['between', 'outside', 'firewall'] as const

/** Step 5: paths between the servers, what is reachable from outside, firewalls and Docker bindings. */
export function NetworkStep() {
  const { t } = useTranslation()
  const opened = useStore((s) => s.checksStepOpened)
  const loadError = useStore((s) => s.checksLoadError)
  const profile = useStore((s) => s.profile)
  const results = useStore((s) => checksOf(s.checksByProfile, s.profile?.id).results)
  useEffect(() => {
    void opened()
  }, [opened])
  if (!profile) return null
  const stepResults = Object.values(results).filter((r) => stepOfCheckId(r.checkId) === 'network')

  return (
    <section className="step step-checks" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.network.title')}</h1>
      <p className="lead">{t('checksUi.network.lead')}</p>
      <ul className="what-list">
        {WHAT.map((item) => (
          <li key={item}>{t(`checksUi.network.what.${item}`)}</li>
        ))}
      </ul>
      {loadError && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={loadError} />
        </div>
      )}
      <DesktopLocation />
      <RunControls step="network" />
      <TopologyDiagram profile={profile} />
      <FirewallRules profile={profile} results={stepResults} />
      <CheckResults step="network" />
    </section>
  )
}
