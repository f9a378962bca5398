import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ErrorText } from '../../../components/ErrorText'
import { useStore } from '../../../store'
import type { HostKeyQuestion } from '../../../store/connection-slice'
import { Modal } from './Modal'

/** The host key file whose fingerprint the provider's console shows for this key type. */
export function hostKeyFileFor(keyType: string): string {
  if (keyType.startsWith('ecdsa')) return '/etc/ssh/ssh_host_ecdsa_key.pub'
  if (keyType.includes('rsa')) return '/etc/ssh/ssh_host_rsa_key.pub'
  return '/etc/ssh/ssh_host_ed25519_key.pub'
}

/** First use of a host: show its key and fingerprint, and trust it only on the user's word. */
export function HostKeyDialog({ question }: { question: HostKeyQuestion }) {
  const { t } = useTranslation()
  const id = useId()
  const trusted = useStore((s) => s.hostKeyTrusted)
  const refused = useStore((s) => s.hostKeyRefused)
  const actionError = useStore((s) => s.connectionActionError)
  const [busy, setBusy] = useState(false)
  const [copied, setCopied] = useState(false)
  const command = `ssh-keygen -lf ${hostKeyFileFor(question.keyType)}`

  return (
    <Modal
      labelledBy={`${id}-title`}
      describedBy={`${id}-intro`}
      className="host-key-dialog"
      onEscape={() => refused(question)}
    >
      <h2 id={`${id}-title`}>{t('connection.hostKey.title', { host: question.host })}</h2>
      <p id={`${id}-intro`}>{t('connection.hostKey.intro', { host: question.host })}</p>
      <dl className="key-facts">
        <dt>{t('connection.hostKey.server')}</dt>
        <dd>{t('connection.hostKey.serverValue', { host: question.host, port: question.port })}</dd>
        <dt>{t('connection.hostKey.keyType')}</dt>
        <dd className="mono">{question.keyType}</dd>
        <dt>{t('connection.hostKey.fingerprint')}</dt>
        <dd className="mono fingerprint" data-testid="fingerprint">
          {question.fingerprint}
        </dd>
      </dl>
      <button
        type="button"
        className="link-button"
        onClick={() => {
          void navigator.clipboard
            ?.writeText(question.fingerprint)
            .then(() => setCopied(true))
            .catch(() => setCopied(false))
        }}
      >
        {t('connection.hostKey.copy')}
      </button>
      <span className="muted small" role="status">
        {copied ? t('connection.hostKey.copied') : ''}
      </span>
      <h3>{t('connection.hostKey.howTitle')}</h3>
      <ol className="how-to">
        <li>{t('connection.hostKey.how1')}</li>
        <li>
          {t('connection.hostKey.how2')}
          <code className="command">{command}</code>
        </li>
        <li>{t('connection.hostKey.how3')}</li>
        <li>{t('connection.hostKey.how4')}</li>
      </ol>
      {actionError && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={actionError} />
        </div>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => {
            setBusy(true)
            void trusted(question).finally(() => setBusy(false))
          }}
        >
          {t('connection.hostKey.trust')}
        </button>
        <button type="button" data-autofocus onClick={() => refused(question)}>
          {t('connection.hostKey.refuse')}
        </button>
      </div>
    </Modal>
  )
}
