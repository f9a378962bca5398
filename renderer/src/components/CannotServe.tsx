import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { I18nText } from '../../../electron/shared/deploy'
import { getApi } from '../api'

/** "The host cannot serve yet" with the reasons (texts from the back end), or nothing once it can. */
export function CannotServeBanner({ why }: { why: readonly I18nText[] }) {
  const { t } = useTranslation()
  if (why.length === 0) return null
  return (
    <div className="banner banner-warning cannot-serve" role="note" data-testid="cannot-serve">
      <strong>{t('deploy.keys.cannotServe.title')}</strong>
      <ul>
        {why.map((w, i) => (
          <li key={i}>{t(w.key, { ...(w.params ?? {}) })}</li>
        ))}
      </ul>
    </div>
  )
}

/** Reads step 3's server state for a profile and shows the banner until the grants are seen on chain. */
export function CannotServe({ profileId }: { profileId: string | undefined }) {
  const [why, setWhy] = useState<readonly I18nText[]>([])
  useEffect(() => {
    if (profileId === undefined) return
    let live = true
    void getApi()
      .getServerKeysStatus({ profileId })
      .then((r) => {
        // Only once the network server is deployed and readable (before that, step 6 says what to do).
        if (live && r.ok && r.value.warm.state !== 'unknown') setWhy(r.value.cannotServeWhy)
      })
    return () => {
      live = false
    }
  }, [profileId])
  return <CannotServeBanner why={why} />
}
