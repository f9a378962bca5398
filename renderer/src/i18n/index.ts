import i18next from 'i18next'
import { initReactI18next } from 'react-i18next'
import type { Language } from '../../../electron/shared/settings'

/** Every language the UI ships, with its own name (shown in the switcher as is, never translated). */
export const UI_LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
  { code: 'ru', label: 'Русский' },
] as const satisfies readonly { code: Language; label: string }[]

type Tree = { [key: string]: string | Tree }

// One file per feature and language (locales/<lang>/<feature>.json), so features never edit the same
// file; they are merged into one translation tree per language.
const files = import.meta.glob<Tree>('./locales/*/*.json', { eager: true, import: 'default' })
// Texts shared with the back end (e.g. the check catalogue): electron/shared/locales/<feature>/<lang>.json.
// The CLI's help (cli-help) is the CLI's alone and stays out of the app's bundle.
const sharedFiles = import.meta.glob<Tree>(
  ['../../../electron/shared/locales/*/*.json', '!../../../electron/shared/locales/cli-help/*.json'],
  { eager: true, import: 'default' },
)

function merge(into: Tree, from: Tree): Tree {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key]
    into[key] =
      typeof value === 'object' && typeof existing === 'object' ? merge({ ...existing }, value) : value
  }
  return into
}

/** The merged translation tree of each language. */
export const resources: Record<Language, { translation: Tree }> = {
  en: { translation: {} },
  'zh-CN': { translation: {} },
  ru: { translation: {} },
}
for (const [path, tree] of Object.entries(files)) {
  const language = path.split('/')[2] as Language
  const target = resources[language]
  if (target) merge(target.translation, tree)
}
for (const [path, tree] of Object.entries(sharedFiles)) {
  const language = (path.split('/').pop() ?? '').replace(/\.json$/, '') as Language
  const target = resources[language]
  if (target) merge(target.translation, tree)
}

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
