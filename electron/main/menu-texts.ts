import type { Language } from '../shared/settings'
import { fillPlaceholders, lookupKey } from '../shared/i18n-text'
import en from '../shared/locales/menu/en.json'
import zhCN from '../shared/locales/menu/zh-CN.json'
import ru from '../shared/locales/menu/ru.json'

/** The main process's own texts (menu, About box) per language; the renderer loads the same files. */
export const MENU_TEXT_LOCALES: Record<Language, typeof en> = { en, 'zh-CN': zhCN, ru }

/** The text `menu.<key>` in `language` with its `{{name}}` placeholders filled; English when a key is missing. */
export function menuText(
  language: Language,
  key: string,
  values: Readonly<Record<string, string>> = {},
): string {
  const lookup = (tree: unknown): string | undefined => lookupKey(tree, `menu.${key}`)
  const template = lookup(MENU_TEXT_LOCALES[language]) ?? lookup(MENU_TEXT_LOCALES.en) ?? key
  return fillPlaceholders(template, values)
}
