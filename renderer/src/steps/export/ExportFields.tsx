import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { MIN_PASSPHRASE, passphraseProblem } from './passphrase'

/** The second typing of a new passphrase, and whether to say what is wrong (after the user tried). */
export interface PassphraseRepeat {
  readonly label: string
  readonly value: string
  readonly onChange: (value: string) => void
  readonly showProblem: boolean
}

/** A labelled input of step 9: a file path (text, no spell check) or a passphrase (hidden). */
export function ExportField({
  label,
  value,
  onChange,
  autoComplete,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  /** For a passphrase: how the browser may fill it. Without it the field is a path. */
  autoComplete?: 'new-password' | 'current-password'
}) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={autoComplete ? 'password' : 'text'}
        value={value}
        {...(autoComplete ? { autoComplete } : { spellCheck: false })}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  )
}

/**
 * A bundle's passphrase. Without `repeat` it is the one that opens a bundle (typed once); with it, a
 * new one typed twice, and what is wrong with it (empty, too short, the two differ) said in an alert.
 */
export function BundlePassphrase({
  label,
  value,
  onChange,
  repeat,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  repeat?: PassphraseRepeat
}) {
  const { t } = useTranslation()
  if (!repeat)
    return <ExportField label={label} value={value} onChange={onChange} autoComplete="current-password" />
  const problem = passphraseProblem(value, repeat.value)
  return (
    <>
      <ExportField label={label} value={value} onChange={onChange} autoComplete="new-password" />
      <ExportField
        label={repeat.label}
        value={repeat.value}
        onChange={repeat.onChange}
        autoComplete="new-password"
      />
      {repeat.showProblem && problem && (
        <p className="field-error" role="alert">
          {t(`exportUi.passphrase.${problem}`, { min: MIN_PASSPHRASE })}
        </p>
      )}
    </>
  )
}
