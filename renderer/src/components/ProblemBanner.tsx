import { useTranslation } from 'react-i18next'
import { useStore } from '../store'

/** Tells the user about profile files that could not be read and were set aside at start. */
export function ProblemBanner() {
  const { t } = useTranslation()
  const problems = useStore((s) => s.problems)
  const dismissed = useStore((s) => s.problemsDismissed)
  const acknowledged = useStore((s) => s.problemsAcknowledged)
  if (problems.length === 0 || dismissed) return null
  return (
    <section className="banner banner-warning" role="alert" aria-label={t('problems.title')}>
      <h2>{t('problems.title')}</h2>
      <ul>
        {problems.map((p) => (
          <li key={p.movedTo}>
            {t(`problems.${p.reason === 'corrupt' ? 'corrupt' : 'newer'}`, {
              file: p.file,
              movedTo: p.movedTo,
            })}
          </li>
        ))}
      </ul>
      <p>{t('problems.nothingLost')}</p>
      <button type="button" onClick={acknowledged}>
        {t('common.dismiss')}
      </button>
    </section>
  )
}
