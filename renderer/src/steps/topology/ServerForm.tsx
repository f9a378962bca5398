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

  /** One text field with its label, help line and (after a submit) its problem. */
  const textField = (
    field: Field,
    value: string,
    extra: { narrow?: boolean; autoFocus?: boolean; code?: boolean; numeric?: boolean } = {},
  ) => {
    const fieldId = `${id}-${field}`
    const problem = errors[field]
    return (
      <div className={extra.narrow ? 'field field-narrow' : 'field'}>
        <label htmlFor={fieldId}>{t(`server.${field}`)}</label>
        <input
          id={fieldId}
          value={value}
          aria-invalid={problem !== undefined}
          aria-describedby={problem ? `${fieldId}-err` : `${fieldId}-help`}
          // The form opens because the user asked for it: put them straight into the first field.
          autoFocus={extra.autoFocus}
          spellCheck={extra.code ? false : undefined}
          autoCapitalize={extra.code ? 'off' : undefined}
          inputMode={extra.numeric ? 'numeric' : undefined}
          onChange={(e) => change(field, e.target.value)}
        />
        <p id={`${fieldId}-help`} className="help">
          {t(`server.${field}Help`)}
        </p>
        {problem && (
          <p id={`${fieldId}-err`} className="field-error">
            {t(`validation.${problem}`)}
          </p>
        )}
      </div>
    )
  }

  return (
    <form
      className="server-form"
      aria-label={props.initial ? t('servers.editTitle') : t('servers.addTitle')}
      noValidate
      onSubmit={(e) => void onSubmit(e)}
    >
      <h3>{props.initial ? t('servers.editTitle') : t('servers.addTitle')}</h3>
      <div className="grid">
        {textField('name', draft.name, { autoFocus: true })}
        {textField('address', draft.address, { code: true })}
        {textField('port', String(draft.port), { narrow: true, numeric: true })}
        {textField('user', draft.user, { code: true })}
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

      {draft.auth === 'key' && textField('keyPath', draft.keyPath ?? '', { code: true })}

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
