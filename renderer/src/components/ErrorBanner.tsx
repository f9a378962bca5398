import { useStore } from '../store'
import { ErrorText } from './ErrorText'
import { useTranslation } from 'react-i18next'

/** Shows an app-wide failure with what to do, until dismissed. */
export function ErrorBanner() {
  const { t } = useTranslation()
  const error = useStore((s) => s.appError)
  const dismissed = useStore((s) => s.appErrorDismissed)
  if (!error) return null
  return (
    <section className="banner banner-error" role="alert">
      <ErrorText error={error} />
      <button type="button" onClick={dismissed}>
        {t('common.dismiss')}
      </button>
    </section>
  )
}
