import type { Language } from '../shared/settings'
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
  const lookup = (tree: unknown): string | undefined => {
    let node: unknown = tree
    for (const part of `menu.${key}`.split('.')) {
      if (node === null || typeof node !== 'object') return undefined
      node = (node as Record<string, unknown>)[part]
    }
    return typeof node === 'string' ? node : undefined
  }
  const template = lookup(MENU_TEXT_LOCALES[language]) ?? lookup(MENU_TEXT_LOCALES.en) ?? key
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole)
}
