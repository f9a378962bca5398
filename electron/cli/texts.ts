// The CLI's own messages (the plan question, "nothing to change", apply outcomes, `keys backup`) in the
// CLI's language (./language): the back end's locale files electron/shared/locales/cli/<lang>.json,
// rendered with the same `{{name}}` filling as the deploy texts. `--json` never uses these.
import en from '../shared/locales/cli/en.json'
import zhCN from '../shared/locales/cli/zh-CN.json'
import ru from '../shared/locales/cli/ru.json'
import type { Language } from '../shared/settings'
import { fillPlaceholders, lookupKey, translateI18nText } from '../shared/i18n-text'
import { cliLanguage } from './language'

const LOCALES: Record<Language, unknown> = { en, 'zh-CN': zhCN, ru }

/** Every key of the CLI namespace (`cli.plan.question`, …), from the English file. */
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>
}[keyof T & string]
export type CliTextKey = Leaves<typeof en>

/** A CLI message in `language` (English when a language lacks the key), `{{name}}` filled from `params`. */
export function cliText(
  language: Language,
  key: CliTextKey,
  params: Record<string, string | number> = {},
): string {
  const lookup = (k: string): string | undefined => lookupKey(LOCALES[language], k) ?? lookupKey(en, k)
  const fill = (k: string, p: Record<string, string | number>): string => fillPlaceholders(lookup(k) ?? k, p)
  return translateI18nText(fill, (k) => lookup(k) !== undefined, { key, params })
}

/** {@link cliText} in the language of a command's environment (GHW_LANG, else the locale). */
export function textsFor(
  env: NodeJS.ProcessEnv,
): (key: CliTextKey, params?: Record<string, string | number>) => string {
  const language = cliLanguage(env)
  return (key, params) => cliText(language, key, params)
}

/**
 * True when a confirmation answer means yes: y or yes in any case (whatever the language), and the
 * Chinese 是 and the Russian да (also д). Anything else, an empty line included, is no.
 */
export function isYes(answer: string): boolean {
  const a = answer.trim().toLowerCase()
  return /^(y|yes|是|是的|да|д)$/.test(a)
}
