import { useTranslation } from 'react-i18next'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { checksOf, stepOfCheckId, type CheckStep } from '../../store/checks-slice'

/** Run / check again / cancel for one step, and how the last run ended. */
export function RunControls({ step }: { step: CheckStep }) {
  const { t } = useTranslation()
  const profile = useStore((s) => s.profile)
  const catalogue = useStore((s) => s.checkCatalogue)
  const checks = useStore((s) => checksOf(s.checksByProfile, s.profile?.id))
  const checksRequested = useStore((s) => s.checksRequested)
  const cancel = useStore((s) => s.checkRunCancelled)
  const run = checks.running[step]
  const error = checks.lastError[step]
  const hasResults = Object.values(checks.results).some((r) => stepOfCheckId(r.checkId) === step)
  const noServers = !profile || profile.servers.length === 0

  return (
    <div className="run-controls">
      <div className="run-buttons">
        <button
          type="button"
          className="primary"
          disabled={run !== undefined || noServers || !catalogue}
          onClick={() => void checksRequested({ step })}
        >
          {hasResults ? t('checksUi.run.again') : t('checksUi.run.start')}
        </button>
        {run && (
          <button type="button" onClick={() => void cancel(step)}>
            {t('checksUi.run.cancel')}
          </button>
        )}
        <span className="run-state" role="status" aria-live="polite">
          {run
            ? run.keys === 'all'
              ? t('checksUi.run.running', { hosts: profile?.servers.length ?? 0 })
              : t('checksUi.run.rechecking')
            : error?.code === 'CANCELLED'
              ? t('checksUi.run.cancelled')
              : checks.finishedAt[step] && !error
                ? t('checksUi.run.finished')
                : ''}
        </span>
      </div>
      {noServers && <p className="notice notice-attention">{t('checksUi.run.noServers')}</p>}
      {error && error.code !== 'CANCELLED' && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={error} />
        </div>
      )}
    </div>
  )
}
