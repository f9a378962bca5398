import { useTranslation } from 'react-i18next'
import { ErrorBanner } from './components/ErrorBanner'
import { Header } from './components/Header'
import { ProblemBanner } from './components/ProblemBanner'
import { StepRail } from './components/StepRail'
import { KeysStep } from './steps/keys/KeysStep'
import { ExportStep } from './steps/export/ExportStep'
import { ConfigureStep } from './steps/configure/ConfigureStep'
import { LaunchStep } from './steps/launch/LaunchStep'
import { NetworkStep } from './steps/network/NetworkStep'
import { NodesStep } from './steps/nodes/NodesStep'
import { StatusStep } from './steps/status/StatusStep'
import { PrerequisitesStep } from './steps/prerequisites/PrerequisitesStep'
import { TopologyStep } from './steps/topology/TopologyStep'
import { useStore } from './store'

/** The wizard shell: header, step rail, the open step. */
export function App() {
  const { t } = useTranslation()
  const ready = useStore((s) => s.ready)
  const currentStep = useStore((s) => s.currentStep)
  return (
    <div className="shell">
      <Header />
      <div className="body">
        <StepRail />
        <main className="content" aria-busy={!ready}>
          <ProblemBanner />
          <ErrorBanner />
          {!ready ? (
            <p className="muted" role="status">
              {t('app.loading')}
            </p>
          ) : currentStep === 'topology' ? (
            <TopologyStep />
          ) : currentStep === 'prerequisites' ? (
            <PrerequisitesStep />
          ) : currentStep === 'keys' ? (
            <KeysStep />
          ) : currentStep === 'configuration' ? (
            <ConfigureStep />
          ) : currentStep === 'network' ? (
            <NetworkStep />
          ) : currentStep === 'launch' ? (
            <LaunchStep />
          ) : currentStep === 'mlNodes' ? (
            <NodesStep />
          ) : currentStep === 'status' ? (
            <StatusStep />
          ) : currentStep === 'export' ? (
            <ExportStep />
          ) : null}
        </main>
      </div>
    </div>
  )
}
