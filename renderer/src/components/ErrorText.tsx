import { useTranslation } from 'react-i18next'
import type { AppError } from '../../../electron/shared/result'

/** An error in the user's language: what went wrong and what to do (translated by code). */
export function ErrorText({ error }: { error: AppError }) {
  const { t } = useTranslation()
  const values = { ...(error.details ?? {}) }
  return (
    <div className="error-text">
      <p className="error-message">{t(`errors.${error.code}.message`, values)}</p>
      <p className="error-hint">{t(`errors.${error.code}.hint`, values)}</p>
    </div>
  )
}
