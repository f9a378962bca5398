import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PickFileRequest } from '../../../../electron/shared/desktop'
import { MIN_PASSPHRASE, passphraseProblem } from './passphrase'

/** The second typing of a new passphrase, and whether to say what is wrong (after the user tried). */
export interface PassphraseRepeat {
  readonly label: string
  readonly value: string
  readonly onChange: (value: string) => void
  readonly showProblem: boolean
}

/** The native file dialog a path field offers in the desktop app: save a new file or open one. */
export type PathPick = Pick<PickFileRequest, 'mode' | 'filters'>

/** The bundles step 9 writes and reads. */
export const ZIP_FILTERS: PickFileRequest['filters'] = [{ name: 'ZIP', extensions: ['zip'] }]

/**
 * A labelled input of step 9: a file path (text, no spell check) or a passphrase (hidden). A path
 * field with `pick` has a Browse button in the desktop app (the native dialog, starting at what the
 * field holds); the browser harness has no native dialog, so there the path is typed.
 */
export function ExportField({
  label,
  value,
  onChange,
  autoComplete,
  pick,
}: {
  label: string
  value: string
  onChange: (value: string) => void
  /** For a passphrase: how the browser may fill it. Without it the field is a path. */
  autoComplete?: 'new-password' | 'current-password'
  pick?: PathPick
}) {
  const { t } = useTranslation()
  const id = useId()
  const [picking, setPicking] = useState(false)
  const desktop = window.desktop
  const browse = async (): Promise<void> => {
    if (!desktop || !pick) return
    setPicking(true)
    try {
      const chosen = await desktop.pickFile({
        ...pick,
        title: label,
        ...(value.trim() !== '' ? { defaultPath: value.trim() } : {}),
      })
      if (chosen !== undefined) onChange(chosen)
    } finally {
      setPicking(false)
    }
  }
  const input = (
    <input
      id={id}
      type={autoComplete ? 'password' : 'text'}
      value={value}
      {...(autoComplete ? { autoComplete } : { spellCheck: false })}
      onChange={(e) => onChange(e.target.value)}
    />
  )
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {desktop && pick && !autoComplete ? (
        <div className="field-with-button">
          {input}
          <button type="button" onClick={() => void browse()} disabled={picking}>
            {t('exportUi.browse')}
          </button>
        </div>
      ) : (
        input
      )}
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
