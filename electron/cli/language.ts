import { LANGUAGES, matchLanguage, type Language } from '../shared/settings'

/**
 * The language of the CLI's human-readable output (tables, plans, check messages; `--json` stays
 * English): GHW_LANG (en, zh-CN or ru) when set, else the locale of LC_ALL, LC_MESSAGES or LANG
 * (ru_RU.UTF-8 → ru, zh_CN.UTF-8 → zh-CN), else English.
 */
export function cliLanguage(env: NodeJS.ProcessEnv): Language {
  const explicit = env.GHW_LANG
  if (explicit && (LANGUAGES as readonly string[]).includes(explicit)) return explicit as Language
  // POSIX precedence: the first of LC_ALL, LC_MESSAGES, LANG that is set decides (LC_ALL=C is English).
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((tag) => tag !== undefined && tag !== '')
  const tags = [explicit, locale].filter((tag): tag is string => tag !== undefined && tag !== '')
  return matchLanguage(tags)
}
