import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Language } from '../../../electron/shared/settings'
import { UI_LANGUAGES } from '../i18n'
import { useStore } from '../store'

/** Top bar: product name, profile picker, language switch, version. */
export function Header() {
  const { t } = useTranslation()
  const languageId = useId()
  const profileId = useId()
  const language = useStore((s) => s.language)
  const languageChosen = useStore((s) => s.languageChosen)
  const profiles = useStore((s) => s.profiles)
  const profile = useStore((s) => s.profile)
  const profileChosen = useStore((s) => s.profileChosen)
  const profileCreated = useStore((s) => s.profileCreated)
  const profileDeleted = useStore((s) => s.profileDeleted)
  const info = useStore((s) => s.info)
  const [confirmDelete, setConfirmDelete] = useState(false)
  const saved = profile !== undefined && profiles.some((p) => p.id === profile.id)

  return (
    <header className="header">
      <div className="brand">
        <span className="brand-name">{t('app.name')}</span>
        {info && <span className="muted small">{t('app.version', { version: info.version })}</span>}
      </div>
      <div className="header-controls">
        <label htmlFor={profileId}>{t('profile.picker')}</label>
        <select
          id={profileId}
          value={saved ? profile.id : ''}
          onChange={(e) => void profileChosen(e.target.value)}
        >
          {!saved && <option value="">{profile?.name || t('profile.unsaved')}</option>}
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void profileCreated(t('profile.defaultName'))}>
          {t('profile.new')}
        </button>
        {saved &&
          (confirmDelete ? (
            <span
              className="confirm"
              role="group"
              aria-label={t('profile.deleteConfirm', { name: profile.name })}
            >
              <span>{t('profile.deleteConfirm', { name: profile.name })}</span>
              <button
                type="button"
                className="danger"
                onClick={() => {
                  setConfirmDelete(false)
                  void profileDeleted(profile.id)
                }}
              >
                {t('profile.deleteYes')}
              </button>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                {t('common.cancel')}
              </button>
            </span>
          ) : (
            <button type="button" onClick={() => setConfirmDelete(true)}>
              {t('profile.delete')}
            </button>
          ))}
        <label htmlFor={languageId}>{t('app.language')}</label>
        <select
          id={languageId}
          value={language}
          onChange={(e) => void languageChosen(e.target.value as Language)}
        >
          {UI_LANGUAGES.map((l) => (
            <option key={l.code} value={l.code}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
    </header>
  )
}
