import './keys.css'
import { useState, type ClipboardEvent, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { AccountKeyResult, NewAccountKey, SecretsStatus } from '../../../../electron/shared/ops/keys'
import type { AppError } from '../../../../electron/shared/result'
import { getApi } from '../../api'
import { ErrorText } from '../../components/ErrorText'
import { CopyButton } from '../prerequisites/CopyButton'
import { useStore } from '../../store'
import { ServerKeys } from './ServerKeys'

type Mode = 'choose' | 'create' | 'import'

/** Why a key or word was refused, in the user's language; falls back to the generic error text. */
function KeyError({ error }: { error: AppError }) {
  const { t } = useTranslation()
  const problem = Object.values(error.fields ?? {}).find((v) => v.startsWith('keys.problem.'))
  if (problem)
    return <p className="field-error">{t(`keysUi.problem.${problem.slice('keys.problem.'.length)}`)}</p>
  if (error.code === 'PASSPHRASE_REQUIRED')
    return <p className="field-error">{t('keysUi.secrets.needPassphrase')}</p>
  if (error.code === 'WRONG_PASSPHRASE')
    return <p className="field-error">{t('keysUi.secrets.wrongPassphrase')}</p>
  if (error.code === 'NOT_FOUND') return <p className="field-error">{t('keysUi.create.ended')}</p>
  return <ErrorText error={error} />
}

/** The address and the public key (config.env's ACCOUNT_PUBKEY), each with Copy. */
function KeyResult({ result }: { result: AccountKeyResult }) {
  const { t } = useTranslation()
  return (
    <section className="key-result" aria-labelledby="key-result-title">
      <h2 id="key-result-title">{t('keysUi.result.title')}</h2>
      <dl>
        <dt>{t('keysUi.result.address')}</dt>
        <dd>
          <code id="key-address">{result.address}</code>
          <CopyButton text={result.address} codeId="key-address" label={t('keysUi.result.copyAddress')} />
        </dd>
        <dt>{t('keysUi.result.pubkey')}</dt>
        <dd>
          <code id="key-pubkey">{result.pubkey}</code>
          <CopyButton text={result.pubkey} codeId="key-pubkey" label={t('keysUi.result.copyPubkey')} />
        </dd>
      </dl>
      <p>{t('keysUi.result.pubkeyHelp')}</p>
      {result.kept && <p>{t('keysUi.result.kept')}</p>}
      {result.savedTo !== undefined && <p role="status">{t('keysUi.result.savedTo')}</p>}
    </section>
  )
}

/** Passphrase field for the passphrase-sealed store (CLI and browser mode), shown only when needed. */
function Unlock({ onUnlocked }: { onUnlocked: (s: SecretsStatus) => void }) {
  const { t } = useTranslation()
  const [passphrase, setPassphrase] = useState('')
  const [error, setError] = useState<AppError>()
  const submit = async (): Promise<void> => {
    const r = await getApi().unlockSecrets({ passphrase })
    setPassphrase('')
    if (r.ok) onUnlocked(r.value)
    else setError(r.error)
  }
  return (
    <div className="unlock">
      <label>
        {t('keysUi.secrets.passphrase')}
        <input
          type="password"
          autoComplete="new-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
        />
      </label>
      <button type="button" disabled={passphrase.length < 8} onClick={() => void submit()}>
        {t('keysUi.secrets.unlock')}
      </button>
      {error && <KeyError error={error} />}
    </div>
  )
}

/** "Keep the words encrypted" with the store's state; the passphrase is asked for only if needed. */
function KeepOption({ keep, setKeep }: { keep: boolean; setKeep: (v: boolean) => void }) {
  const { t } = useTranslation()
  const [status, setStatus] = useState<SecretsStatus>()
  const toggle = async (next: boolean): Promise<void> => {
    setKeep(next)
    if (next) {
      const r = await getApi().getSecretsStatus({})
      if (r.ok) setStatus(r.value)
    }
  }
  return (
    <div className="keep">
      <label>
        <input type="checkbox" checked={keep} onChange={(e) => void toggle(e.target.checked)} />
        {t('keysUi.keep.label')}
      </label>
      <p className="help">{t('keysUi.keep.help')}</p>
      {keep && status && !status.ready && status.needsPassphrase && <Unlock onUnlocked={setStatus} />}
      {keep && status && !status.ready && !status.needsPassphrase && (
        <p className="field-error">{t('keysUi.keep.unavailable')}</p>
      )}
    </div>
  )
}

/** The new-key ceremony: words shown once with why, three re-typed (no paste), then gone. */
function CreateKey({ onDone, profileId }: { onDone: (r: AccountKeyResult) => void; profileId?: string }) {
  const { t } = useTranslation()
  const [key, setKey] = useState<NewAccountKey>()
  // The words live only in this component's state while shown, never in the store.
  const [words, setWords] = useState<readonly string[]>()
  const [answers, setAnswers] = useState<Record<number, string>>({})
  const [noted, setNoted] = useState(false)
  const [keep, setKeep] = useState(false)
  const [error, setError] = useState<AppError>()
  const [pasteRefused, setPasteRefused] = useState(false)

  const start = async (): Promise<void> => {
    setError(undefined)
    const r = await getApi().createAccountKey({})
    if (!r.ok) return setError(r.error)
    setKey(r.value)
    setWords(r.value.words)
    setAnswers({})
    setNoted(false)
  }
  const startOver = async (): Promise<void> => {
    if (key) await getApi().cancelAccountKey({ ceremonyId: key.ceremonyId })
    setKey(undefined)
    setWords(undefined)
    await start()
  }
  const refusePaste = (e: ClipboardEvent<HTMLInputElement>): void => {
    e.preventDefault()
    setPasteRefused(true)
  }
  const confirm = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    if (!key) return
    const r = await getApi().confirmAccountKey({
      ceremonyId: key.ceremonyId,
      answers: key.checkPositions.map((position) => ({ position, word: answers[position] ?? '' })),
      keep,
      ...(profileId !== undefined ? { profileId } : {}),
    })
    if (r.ok) {
      setKey(undefined)
      setAnswers({})
      onDone(r.value)
    } else {
      setError(r.error)
      if (r.error.code === 'NOT_FOUND') setKey(undefined)
    }
  }

  if (!key) {
    return (
      <div className="create-intro">
        <p>{t('keysUi.create.intro')}</p>
        <button type="button" onClick={() => void start()}>
          {t('keysUi.create.start')}
        </button>
        {error && <KeyError error={error} />}
      </div>
    )
  }
  if (words) {
    return (
      <div className="words-shown">
        <div className="banner banner-warning" role="note">
          <p>{t('keysUi.create.why')}</p>
          <p>{t('keysUi.create.once')}</p>
        </div>
        <ol className="word-grid" aria-label={t('keysUi.create.wordsLabel')}>
          {words.map((w, i) => (
            <li key={i}>
              <span className="word">{w}</span>
            </li>
          ))}
        </ol>
        <label>
          <input type="checkbox" checked={noted} onChange={(e) => setNoted(e.target.checked)} />
          {t('keysUi.create.noted')}
        </label>
        <button type="button" disabled={!noted} onClick={() => setWords(undefined)}>
          {t('keysUi.create.continue')}
        </button>
      </div>
    )
  }
  return (
    <form className="words-check" onSubmit={(e) => void confirm(e)}>
      <p>{t('keysUi.create.checkIntro')}</p>
      {key.checkPositions.map((position) => (
        <div key={position} className="field">
          <label>
            {t('keysUi.create.wordN', { n: position })}
            <input
              autoComplete="off"
              spellCheck={false}
              value={answers[position] ?? ''}
              onPaste={refusePaste}
              onDrop={(e) => e.preventDefault()}
              aria-invalid={error?.fields?.[`answers.${position}`] !== undefined}
              onChange={(e) => setAnswers({ ...answers, [position]: e.target.value })}
            />
          </label>
          {error?.fields?.[`answers.${position}`] !== undefined && (
            <p className="field-error">{t('keysUi.create.wrongWord', { n: position })}</p>
          )}
        </div>
      ))}
      {pasteRefused && (
        <p className="help" role="status">
          {t('keysUi.create.pasteRefused')}
        </p>
      )}
      <KeepOption keep={keep} setKeep={setKeep} />
      <button type="submit">{t('keysUi.create.confirm')}</button>
      <button type="button" onClick={() => void startOver()}>
        {t('keysUi.create.startOver')}
      </button>
      {error && !error.fields && <KeyError error={error} />}
    </form>
  )
}

/** Import by public key (nothing secret) or by the 24 words. */
function ImportKey({ onDone, profileId }: { onDone: (r: AccountKeyResult) => void; profileId?: string }) {
  const { t } = useTranslation()
  const [by, setBy] = useState<'pubkey' | 'mnemonic'>('pubkey')
  const [text, setText] = useState('')
  const [keep, setKeep] = useState(false)
  const [error, setError] = useState<AppError>()
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    const target = profileId !== undefined ? { profileId } : {}
    const r = await getApi().importAccountKey(
      by === 'pubkey' ? { pubkey: text, ...target } : { mnemonic: text, keep, ...target },
    )
    if (by === 'mnemonic') setText('')
    if (r.ok) onDone(r.value)
    else setError(r.error)
  }
  return (
    <form className="import-key" onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend>{t('keysUi.import.by')}</legend>
        <label>
          <input type="radio" name="import-by" checked={by === 'pubkey'} onChange={() => setBy('pubkey')} />
          {t('keysUi.import.byPubkey')}
        </label>
        <label>
          <input
            type="radio"
            name="import-by"
            checked={by === 'mnemonic'}
            onChange={() => setBy('mnemonic')}
          />
          {t('keysUi.import.byWords')}
        </label>
      </fieldset>
      {by === 'pubkey' ? (
        <label>
          {t('keysUi.import.pubkey')}
          <input value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} />
          <span className="help">{t('keysUi.import.pubkeyHelp')}</span>
        </label>
      ) : (
        <>
          <label>
            {t('keysUi.import.words')}
            <textarea
              value={text}
              rows={4}
              spellCheck={false}
              autoComplete="off"
              onChange={(e) => setText(e.target.value)}
            />
          </label>
          <KeepOption keep={keep} setKeep={setKeep} />
        </>
      )}
      <button type="submit" disabled={text.trim() === ''}>
        {t('keysUi.import.submit')}
      </button>
      {error && <KeyError error={error} />}
    </form>
  )
}

/** "Forget all secrets": the kept ones on disk and the SSH passwords held this session. */
function ForgetSecrets() {
  const { t } = useTranslation()
  const [done, setDone] = useState(false)
  const [error, setError] = useState<AppError>()
  const forget = async (): Promise<void> => {
    if (!window.confirm(t('keysUi.secrets.forgetConfirm'))) return
    const r = await getApi().forgetAllSecrets({})
    if (r.ok) setDone(true)
    else setError(r.error)
  }
  return (
    <section className="forget-secrets" aria-labelledby="forget-title">
      <h2 id="forget-title">{t('keysUi.secrets.title')}</h2>
      <p>{t('keysUi.secrets.help')}</p>
      <button type="button" onClick={() => void forget()}>
        {t('keysUi.secrets.forget')}
      </button>
      <span role="status">{done && t('keysUi.secrets.forgotten')}</span>
      {error && <ErrorText error={error} />}
    </section>
  )
}

/** Step 3: the account (cold) key, made or read on this computer only. */
export function KeysStep() {
  const { t } = useTranslation()
  const [mode, setMode] = useState<Mode>('choose')
  const [result, setResult] = useState<AccountKeyResult>()
  const profileId = useStore((s) => s.profile?.id)
  const hasNetwork = useStore((s) => s.profile?.servers.some((x) => x.role !== 'ml') ?? false)
  const reloadProfile = useStore((s) => s.profileChosen)
  // The back end wrote ACCOUNT_PUBKEY into the profile: read it again so a later save keeps it.
  const done = (r: AccountKeyResult): void => {
    setResult(r)
    if (r.savedTo !== undefined) void reloadProfile(r.savedTo)
  }
  return (
    <section className="step step-keys" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.keys.title')}</h1>
      <p className="lead">{t('keysUi.lead')}</p>
      {result ? (
        <>
          <KeyResult result={result} />
          <button type="button" onClick={() => (setResult(undefined), setMode('choose'))}>
            {t('keysUi.another')}
          </button>
        </>
      ) : (
        <>
          <div className="mode-choice" role="group" aria-label={t('keysUi.modeLabel')}>
            <button type="button" aria-pressed={mode === 'create'} onClick={() => setMode('create')}>
              {t('keysUi.mode.create')}
            </button>
            <button type="button" aria-pressed={mode === 'import'} onClick={() => setMode('import')}>
              {t('keysUi.mode.import')}
            </button>
          </div>
          {mode === 'create' && <CreateKey onDone={done} profileId={profileId} />}
          {mode === 'import' && <ImportKey onDone={done} profileId={profileId} />}
        </>
      )}
      {profileId !== undefined && hasNetwork && <ServerKeys profileId={profileId} />}
      <ForgetSecrets />
    </section>
  )
}
