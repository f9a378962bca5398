import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'

/**
 * Copies a command with one click. When the clipboard is refused (a denied permission), the command
 * text is selected instead so the user can copy it with the keyboard.
 */
export function CopyButton({ text, label, codeId }: { text: string; label: string; codeId: string }) {
  const { t } = useTranslation()
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle')
  useEffect(() => {
    if (state !== 'copied') return
    const timer = setTimeout(() => setState('idle'), 2500)
    return () => clearTimeout(timer)
  }, [state])

  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text)
      setState('copied')
    } catch {
      const code = document.getElementById(codeId)
      const selection = window.getSelection()
      if (code && selection) {
        const range = document.createRange()
        range.selectNodeContents(code)
        selection.removeAllRanges()
        selection.addRange(range)
      }
      setState('failed')
    }
  }

  return (
    <span className="copy">
      <button type="button" className="copy-button" aria-label={label} onClick={() => void copy()}>
        {t('checksUi.copy.button')}
      </button>
      <span className="copy-state" role="status">
        {state === 'copied' && t('checksUi.copy.copied')}
        {state === 'failed' && t('checksUi.copy.failed')}
      </span>
    </span>
  )
}
