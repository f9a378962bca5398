import { fillPlaceholders, lookupKey } from '../../shared/i18n-text'
import en from '../../shared/locales/checks/en.json'
import zhCN from '../../shared/locales/checks/zh-CN.json'
import ru from '../../shared/locales/checks/ru.json'

/** Locales the check texts exist in (the renderer merges these files into its own i18n resources). */
export const CHECK_TEXT_LOCALES = { en, 'zh-CN': zhCN, ru } as const
/** One of the locales in {@link CHECK_TEXT_LOCALES}. */
export type CheckTextLocale = keyof typeof CHECK_TEXT_LOCALES

/** The string at a dotted key (`checks.docker.engine.title`), or undefined. */
export function lookupText(locale: CheckTextLocale, key: string): string | undefined {
  return lookupKey(CHECK_TEXT_LOCALES[locale], key)
}

/** Renders a message with i18next-style `{{name}}` placeholders; a missing key renders as the key. */
export function renderText(
  locale: CheckTextLocale,
  key: string,
  values: Readonly<Record<string, string | number>> = {},
): string {
  const template = lookupText(locale, key) ?? key
  return fillPlaceholders(template, values)
}

/** Every leaf key of a locale's texts, dotted (for the locale completeness test). */
export function allTextKeys(locale: CheckTextLocale): string[] {
  const out: string[] = []
  const walk = (node: unknown, prefix: string): void => {
    if (typeof node === 'string') out.push(prefix)
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k)
  }
  walk(CHECK_TEXT_LOCALES[locale], '')
  return out.sort()
}
