import { useTranslation } from 'react-i18next'
import type { ConnectionReport } from '../../../../../electron/shared/ops/ssh'
import { ErrorText } from '../../../components/ErrorText'

/** A failed test in plain words: what went wrong, what to do, and the facts that make it concrete. */
export function ConnectionFailure({ report }: { report: ConnectionReport }) {
  const { t } = useTranslation()
  const error = report.error
  if (!error) return null
  const d = error.details ?? {}
  const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')
  return (
    <div className="connection-failure" role="alert">
      <ErrorText error={error} />
      {['UNREACHABLE', 'TIMEOUT', 'CONNECTION_REFUSED', 'CONNECTION_LOST'].includes(error.code) && (
        <p className="small">
          {t('connection.target', {
            user: report.user,
            host: str(d.host) || report.host,
            port: str(d.port) || report.port,
          })}
        </p>
      )}
      {error.code === 'AUTH_FAILED' && (
        <p className="small">
          {t('connection.authTried', {
            tried: str(d.triedMethods) || '—',
            offered: str(d.offeredMethods) || '—',
          })}
        </p>
      )}
      {error.code === 'HOST_KEY_UNKNOWN' && <p className="small">{t('connection.hostKeyRefused')}</p>}
      {error.code === 'HOST_KEY_CHANGED' && str(d.expectedFingerprint) !== '' && (
        <p className="small mono-wrap">
          {t('connection.hostKeyChangedInline', {
            expected: str(d.expectedFingerprint),
            fingerprint: str(d.fingerprint),
          })}
        </p>
      )}
    </div>
  )
}
