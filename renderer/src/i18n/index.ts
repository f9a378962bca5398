import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import type { Language } from '../../../electron/shared/settings'
import en from './locales/en.json'
import zhCN from './locales/zh-CN.json'

/** Every language the UI ships, with its own name (shown in the switcher as is, never translated). */
export const UI_LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const satisfies readonly { code: Language; label: string }[]

/** The locale resources, by language code. */
export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const

/** Initialises i18next once; the language is switched later from the stored setting. */
export function initI18n(language: Language = 'en'): typeof i18next {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources,
      lng: language,
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      returnNull: false,
    })
  }
  return i18next
}

/** Switches the UI language and the document's `lang`. */
export async function applyLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language)
  document.documentElement.lang = language
}
