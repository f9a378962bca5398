import { useTranslation } from 'react-i18next'
import type { Server } from '../../../../../electron/shared/profile'
import { useStore } from '../../../store'
import { currentConnection } from '../../../store/connection-slice'
import { ConnectionFailure } from './ConnectionFailure'
import { FactsView } from './FactsView'
import './connection.css'

/** The test / cancel button of one server card. */
export function TestConnectionButton({ server }: { server: Server }) {
  const { t } = useTranslation()
  const state = useStore((s) => currentConnection(server, s.connections))
  const requested = useStore((s) => s.connectionTestRequested)
  const cancelled = useStore((s) => s.connectionTestCancelled)
  if (state?.status === 'running') {
    return (
      <button
        type="button"
        onClick={() => void cancelled(server.id)}
        aria-label={t('connection.cancelNamed', { name: server.name })}
      >
        {t('connection.cancel')}
      </button>
    )
  }
  const again = state !== undefined
  return (
    <button
      type="button"
      onClick={() => void requested([server.id])}
      aria-label={
        again
          ? t('connection.retestNamed', { name: server.name })
          : t('connection.testNamed', { name: server.name })
      }
    >
      {again ? t('connection.retest') : t('connection.test')}
    </button>
  )
}

/** The connection state of one server: running, connected with its facts, or the failure and fix. */
export function ConnectionStatus({ server }: { server: Server }) {
  const { t } = useTranslation()
  const state = useStore((s) => currentConnection(server, s.connections))
  const status = state?.status ?? 'untested'
  const badge =
    status === 'connected'
      ? 'badge-done'
      : status === 'failed'
        ? 'badge-failed'
        : status === 'running'
          ? 'badge-running'
          : ''
  return (
    <div className="connection" aria-label={t('connection.statusLabel', { name: server.name })} role="group">
      <p className="connection-state" role="status" aria-live="polite">
        <span className={`badge ${badge}`}>{t(`connection.state.${status}`)}</span>
      </p>
      {state?.status === 'connected' && state.report.facts && (
        <FactsView facts={state.report.facts} name={server.name} />
      )}
      {state?.status === 'failed' && <ConnectionFailure report={state.report} />}
      {state?.status === 'cancelled' && <p className="muted small">{t('connection.cancelledNote')}</p>}
    </div>
  )
}
