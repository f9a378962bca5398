import type { I18nText } from './deploy'

/**
 * Renders a back-end text (a message key and its `{{name}}` parameters) with any translator. A
 * parameter whose value is itself a message key the translator knows (`deploy.notice.noKeys`,
 * `config.validation.passwordMissing`…) is translated first, with the same parameters, so a raw key is
 * never shown; other values are inserted as they are. The renderer passes i18next, the CLI the
 * English locale files.
 */
export function translateI18nText(
  translate: (key: string, params: Record<string, string | number>) => string,
  exists: (key: string) => boolean,
  text: I18nText,
): string {
  const params: Record<string, string | number> = { ...(text.params ?? {}) }
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && looksLikeKey(value) && exists(value))
      params[name] = translate(value, text.params ?? {})
  }
  return translate(text.key, params)
}

/** True for a dotted message key such as `config.validation.portRange` (no spaces, at least one dot). */
export function looksLikeKey(value: string): boolean {
  return /^[a-z][A-Za-z0-9-]*(\.[A-Za-z0-9_-]+)+$/.test(value)
}
