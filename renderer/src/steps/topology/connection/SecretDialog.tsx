import { useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { SecretPrompt } from '../../../../../electron/shared/ops/ssh'
import { useStore } from '../../../store'
import { Modal } from './Modal'

/**
 * Asks for a password, a key passphrase or keyboard-interactive answers (2FA). What the user types
 * lives only in this component's state, goes to the back end once, and is cleared right after.
 */
export function SecretDialog({ prompt }: { prompt: SecretPrompt }) {
  const { t } = useTranslation()
  const id = useId()
  const answered = useStore((s) => s.secretAnswered)
  const declined = useStore((s) => s.secretDeclined)
  const questions = prompt.kind === 'keyboard-interactive' ? (prompt.prompts ?? []) : []
  const [value, setValue] = useState('')
  const [answers, setAnswers] = useState<string[]>(() => questions.map(() => ''))

  const title =
    prompt.kind === 'password'
      ? t('connection.secret.passwordTitle', { user: prompt.user, host: prompt.host })
      : prompt.kind === 'passphrase'
        ? t('connection.secret.passphraseTitle', { keyPath: prompt.keyPath ?? '' })
        : t('connection.secret.kbdTitle', { user: prompt.user, host: prompt.host })

  function onSubmit(event: FormEvent): void {
    event.preventDefault()
    const answer = prompt.kind === 'keyboard-interactive' ? { answers } : { value }
    setValue('')
    setAnswers(questions.map(() => ''))
    void answered(prompt.promptId, answer)
  }

  return (
    <Modal
      labelledBy={`${id}-title`}
      className="secret-dialog"
      onEscape={() => void declined(prompt.promptId)}
    >
      <form onSubmit={onSubmit} autoComplete="off">
        <h2 id={`${id}-title`}>{title}</h2>
        {prompt.retry && (
          <p className="field-error" role="alert">
            {t('connection.secret.retry')}
          </p>
        )}
        {prompt.kind === 'keyboard-interactive' ? (
          <>
            <p>{t('connection.secret.kbdIntro')}</p>
            {questions.map((q, i) => (
              <div className="field" key={i}>
                <label htmlFor={`${id}-q${i}`}>{q.prompt}</label>
                <input
                  id={`${id}-q${i}`}
                  type={q.echo ? 'text' : 'password'}
                  data-autofocus={i === 0 ? '' : undefined}
                  autoComplete="off"
                  spellCheck={false}
                  value={answers[i] ?? ''}
                  onChange={(e) => setAnswers(answers.map((a, j) => (j === i ? e.target.value : a)))}
                />
              </div>
            ))}
          </>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-secret`}>
              {prompt.kind === 'password'
                ? t('connection.secret.passwordLabel')
                : t('connection.secret.passphraseLabel')}
            </label>
            <input
              id={`${id}-secret`}
              type="password"
              data-autofocus
              autoComplete="off"
              spellCheck={false}
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
          </div>
        )}
        <p className="muted small">{t('connection.secret.keep')}</p>
        <div className="form-actions">
          <button type="submit" className="primary">
            {t('connection.secret.send')}
          </button>
          <button type="button" onClick={() => void declined(prompt.promptId)}>
            {t('connection.secret.cancel')}
          </button>
        </div>
      </form>
    </Modal>
  )
}
