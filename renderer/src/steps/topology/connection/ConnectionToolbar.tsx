import { useTranslation } from 'react-i18next'
import type { Server } from '../../../../../electron/shared/profile'
import { useStore } from '../../../store'
import { currentConnection } from '../../../store/connection-slice'
import './connection.css'

/** "Test all connections" with a summary of where the servers stand. */
export function ConnectionToolbar({ servers }: { servers: readonly Server[] }) {
  const { t } = useTranslation()
  const connections = useStore((s) => s.connections)
  const requested = useStore((s) => s.connectionTestRequested)
  const cancelled = useStore((s) => s.connectionTestCancelled)
  if (servers.length === 0) return null
  const states = servers.map((s) => currentConnection(s, connections))
  const running = servers.filter((_, i) => states[i]?.status === 'running')
  const connected = states.filter((c) => c?.status === 'connected').length
  const tested = states.filter((c) => c !== undefined).length
  const total = servers.length
  const summary =
    running.length > 0
      ? t('connection.summary.running', { running: running.length, total })
      : tested === 0
        ? t('connection.summary.none')
        : connected === total
          ? t('connection.summary.allConnected')
          : t('connection.summary.result', { connected, total })
  return (
    <div className="connection-toolbar">
      <button
        type="button"
        className="primary"
        disabled={running.length === total}
        onClick={() => void requested()}
      >
        {t('connection.testAll')}
      </button>
      {running.length > 1 && (
        <button
          type="button"
          onClick={() => {
            for (const s of running) void cancelled(s.id)
          }}
        >
          {t('connection.cancelAll')}
        </button>
      )}
      <p
        className={`connection-summary ${connected === total ? 'summary-ok' : ''}`}
        role="status"
        aria-live="polite"
      >
        {summary}
      </p>
    </div>
  )
}
