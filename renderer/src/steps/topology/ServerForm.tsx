import { useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type {
  AuthMethod,
  Server,
  ServerDraft,
  ServerFieldErrors,
  ServerRole,
  Topology,
} from '../../../../electron/shared/profile'
import { getApi } from '../../api'

const AUTH_CHOICES = ['agent', 'key', 'password'] as const satisfies readonly AuthMethod[]
const SPLIT_ROLES = ['network', 'ml'] as const satisfies readonly ServerRole[]

type Field = keyof ServerFieldErrors

/** Adds or edits one server; the back end validates, the form shows each problem beside its field. */
export function ServerForm(props: {
  initial?: Server
  topology: Topology
  others: readonly Server[]
  onSubmit: (server: Server) => Promise<void>
  onCancel: () => void
}) {
  const { t } = useTranslation()
  const id = useId()
  const defaultRole: ServerRole =
    props.topology === 'single'
      ? 'combined'
      : props.others.some((s) => s.role === 'network')
        ? 'ml'
        : 'network'
  const [draft, setDraft] = useState<ServerDraft>(
    () =>
      props.initial ?? {
        id: crypto.randomUUID(),
        name: '',
        address: '',
        port: '22',
        user: '',
        auth: 'agent',
        keyPath: '',
        role: defaultRole,
      },
  )
  const [errors, setErrors] = useState<ServerFieldErrors>({})
  const [submitted, setSubmitted] = useState(false)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | undefined>(undefined)

  async function validate(next: ServerDraft): Promise<ServerFieldErrors | undefined> {
    const result = await getApi().validateServer({
      server: { ...next, port: String(next.port) },
      others: [...props.others],
    })
    if (!result.ok) {
      setFailure(t(`errors.${result.error.code}.message`))
      return undefined
    }
    setFailure(undefined)
    return result.value
  }

  function change<K extends keyof ServerDraft>(key: K, value: ServerDraft[K]): void {
    const next = { ...draft, [key]: value }
    setDraft(next)
    // After the first submit, re-check as the user types so a fixed field clears its message.
    if (submitted) void validate(next).then((e) => e && setErrors(e))
  }

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault()
    setSubmitted(true)
    setBusy(true)
    try {
      const found = await validate(draft)
      if (!found) return
      setErrors(found)
      if (Object.keys(found).length > 0) return
      const port = Number(String(draft.port).trim())
      const keyPath = draft.auth === 'key' ? draft.keyPath?.trim() : undefined
      await props.onSubmit({
        id: draft.id,
        name: draft.name.trim(),
        address: draft.address.trim(),
        port,
        user: draft.user.trim(),
        auth: draft.auth,
        role: draft.role,
        ...(keyPath ? { keyPath } : {}),
        ...(draft.jumpHostId ? { jumpHostId: draft.jumpHostId } : {}),
      })
    } finally {
      setBusy(false)
    }
  }

  const fieldProps = (field: Field) => ({
    id: `${id}-${field}`,
    'aria-invalid': errors[field] !== undefined,
    'aria-describedby': errors[field] ? `${id}-${field}-err` : `${id}-${field}-help`,
  })
  const fieldError = (field: Field) =>
    errors[field] ? (
      <p id={`${id}-${field}-err`} className="field-error">
        {t(`validation.${errors[field]}`)}
      </p>
    ) : null

  return (
    <form
      className="server-form"
      aria-label={props.initial ? t('servers.editTitle') : t('servers.addTitle')}
      noValidate
      onSubmit={(e) => void onSubmit(e)}
    >
      <h3>{props.initial ? t('servers.editTitle') : t('servers.addTitle')}</h3>
      <div className="grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('server.name')}</label>
          <input
            {...fieldProps('name')}
            // The form opens because the user asked for it: put them straight into the first field.
            autoFocus
            value={draft.name}
            onChange={(e) => change('name', e.target.value)}
          />
          <p id={`${id}-name-help`} className="help">
            {t('server.nameHelp')}
          </p>
          {fieldError('name')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-address`}>{t('server.address')}</label>
          <input
            {...fieldProps('address')}
            value={draft.address}
            spellCheck={false}
            autoCapitalize="off"
            onChange={(e) => change('address', e.target.value)}
          />
          <p id={`${id}-address-help`} className="help">
            {t('server.addressHelp')}
          </p>
          {fieldError('address')}
        </div>
        <div className="field field-narrow">
          <label htmlFor={`${id}-port`}>{t('server.port')}</label>
          <input
            {...fieldProps('port')}
            value={draft.port}
            inputMode="numeric"
            onChange={(e) => change('port', e.target.value)}
          />
          <p id={`${id}-port-help`} className="help">
            {t('server.portHelp')}
          </p>
          {fieldError('port')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-user`}>{t('server.user')}</label>
          <input
            {...fieldProps('user')}
            value={draft.user}
            spellCheck={false}
            autoCapitalize="off"
            onChange={(e) => change('user', e.target.value)}
          />
          <p id={`${id}-user-help`} className="help">
            {t('server.userHelp')}
          </p>
          {fieldError('user')}
        </div>
      </div>

      {props.topology === 'split' && (
        <fieldset className="inline-choice">
          <legend>{t('server.role')}</legend>
          {SPLIT_ROLES.map((role) => (
            <label key={role}>
              <input
                type="radio"
                name={`${id}-role`}
                value={role}
                checked={draft.role === role}
                onChange={() => change('role', role)}
              />
              {t(`roles.${role}`)}
            </label>
          ))}
        </fieldset>
      )}

      <fieldset className="inline-choice">
        <legend>{t('server.auth')}</legend>
        {AUTH_CHOICES.map((auth) => (
          <label key={auth}>
            <input
              type="radio"
              name={`${id}-auth`}
              value={auth}
              checked={draft.auth === auth}
              onChange={() => change('auth', auth)}
            />
            {t(`auth.${auth}`)}
          </label>
        ))}
        <p className="help">{t(`auth.${draft.auth}Help`)}</p>
      </fieldset>

      {draft.auth === 'key' && (
        <div className="field">
          <label htmlFor={`${id}-keyPath`}>{t('server.keyPath')}</label>
          <input
            {...fieldProps('keyPath')}
            value={draft.keyPath ?? ''}
            spellCheck={false}
            onChange={(e) => change('keyPath', e.target.value)}
          />
          <p id={`${id}-keyPath-help`} className="help">
            {t('server.keyPathHelp')}
          </p>
          {fieldError('keyPath')}
        </div>
      )}

      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {props.initial ? t('servers.saveChanges') : t('servers.addSubmit')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  )
}
