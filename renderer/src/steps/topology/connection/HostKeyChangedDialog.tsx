import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorText } from '../../../components/ErrorText'
import { useStore } from '../../../store'
import type { HostKeyWarning } from '../../../store/connection-slice'
import { Modal } from './Modal'

/**
 * A changed (or revoked) host key: a blocking warning with both fingerprints. The trusted key can be
 * replaced only by typing the server's address, never by one click.
 */
export function HostKeyChangedDialog({ warning }: { warning: HostKeyWarning }) {
  const { t } = useTranslation()
  const id = useId()
  const closed = useStore((s) => s.hostKeyWarningClosed)
  const replaced = useStore((s) => s.hostKeyReplaced)
  const actionError = useStore((s) => s.connectionActionError)
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const canReplace = !warning.revoked && warning.expectedFingerprint !== undefined
  const confirmed = typed.trim() === warning.host

  return (
    <Modal
      role="alertdialog"
      labelledBy={`${id}-title`}
      describedBy={`${id}-intro`}
      className="host-key-dialog host-key-changed"
      onEscape={() => closed(warning)}
    >
      <h2 id={`${id}-title`}>{t('connection.hostKeyChanged.title', { host: warning.host })}</h2>
      <p id={`${id}-intro`}>
        {t(warning.revoked ? 'connection.hostKeyChanged.revokedIntro' : 'connection.hostKeyChanged.intro', {
          host: warning.host,
          port: warning.port,
        })}
      </p>
      <dl className="key-facts">
        {warning.expectedFingerprint !== undefined && (
          <>
            <dt>{t('connection.hostKeyChanged.before')}</dt>
            <dd className="mono fingerprint" data-testid="fingerprint-before">
              {warning.expectedFingerprint}
            </dd>
          </>
        )}
        <dt>{t('connection.hostKeyChanged.now')}</dt>
        <dd className="mono fingerprint fingerprint-new" data-testid="fingerprint-now">
          {warning.fingerprint}
        </dd>
        <dt>{t('connection.hostKey.keyType')}</dt>
        <dd className="mono">{warning.keyType}</dd>
      </dl>
      {warning.source !== undefined && (
        <p className="muted small">{t('connection.hostKeyChanged.source', { source: warning.source })}</p>
      )}
      <h3>{t('connection.hostKeyChanged.meaningTitle')}</h3>
      <ul>
        <li>{t('connection.hostKeyChanged.meaning1')}</li>
        <li>{t('connection.hostKeyChanged.meaning2')}</li>
      </ul>
      <p className="strong">{t('connection.hostKeyChanged.whatToDo')}</p>
      <div className="form-actions">
        <button type="button" className="primary" data-autofocus onClick={() => closed(warning)}>
          {t('connection.hostKeyChanged.close')}
        </button>
      </div>
      {canReplace && (
        <details className="replace-key">
          <summary>{t('connection.hostKeyChanged.replaceTitle')}</summary>
          <p>{t('connection.hostKeyChanged.replaceIntro', { host: warning.host })}</p>
          <div className="field">
            <label htmlFor={`${id}-confirm`}>{t('connection.hostKeyChanged.replaceConfirm')}</label>
            <input
              id={`${id}-confirm`}
              value={typed}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setTyped(e.target.value)}
            />
          </div>
          {actionError && (
            <div className="banner banner-error" role="alert">
              <ErrorText error={actionError} />
            </div>
          )}
          <button
            type="button"
            className="danger"
            disabled={!confirmed || busy}
            onClick={() => {
              setBusy(true)
              void replaced(warning).finally(() => setBusy(false))
            }}
          >
            {t('connection.hostKeyChanged.replace')}
          </button>
        </details>
      )}
    </Modal>
  )
}
