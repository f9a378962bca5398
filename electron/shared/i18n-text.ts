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

/** The string at a dotted key (`deploy.notice.noKeys`) or key path in a locale tree, or undefined. */
export function lookupKey(tree: unknown, key: string | readonly string[]): string | undefined {
  let node: unknown = tree
  for (const part of typeof key === 'string' ? key.split('.') : key) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return typeof node === 'string' ? node : undefined
}

/** Fills i18next-style `{{name}}` placeholders from `values`; a placeholder without a value stays as it is. */
export function fillPlaceholders(
  template: string,
  values: Readonly<Record<string, string | number | undefined>>,
): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    const value = values[name]
    return value === undefined ? whole : String(value)
  })
}
