import type { I18nText } from '../../shared/deploy'
import en from '../../shared/locales/deploy/en.json'
import zhCN from '../../shared/locales/deploy/zh-CN.json'
import ru from '../../shared/locales/deploy/ru.json'
import nodesEn from '../../shared/locales/nodes-plan/en.json'
import nodesZhCN from '../../shared/locales/nodes-plan/zh-CN.json'
import nodesRu from '../../shared/locales/nodes-plan/ru.json'
import bundleEn from '../../shared/locales/bundle/en.json'
import bundleZhCN from '../../shared/locales/bundle/zh-CN.json'
import bundleRu from '../../shared/locales/bundle/ru.json'
import keysEn from '../../shared/locales/server-keys/en.json'
import keysZhCN from '../../shared/locales/server-keys/zh-CN.json'
import keysRu from '../../shared/locales/server-keys/ru.json'

/** The deploy texts per locale (the renderer loads the same files). */
export const DEPLOY_TEXT_LOCALES = { en, 'zh-CN': zhCN, ru } as const
/** The ML node plan texts (`deploy.node.*`, electron/shared/locales/nodes-plan), looked up after the deploy ones. */
const NODE_TEXT_LOCALES = { en: nodesEn, 'zh-CN': nodesZhCN, ru: nodesRu } as const
/** The restore texts (`deploy.restore.*`, electron/shared/locales/bundle). */
const BUNDLE_TEXT_LOCALES = { en: bundleEn, 'zh-CN': bundleZhCN, ru: bundleRu } as const
/** Step 3's server-side texts (`deploy.keys.*`, electron/shared/locales/server-keys). */
const KEY_TEXT_LOCALES = { en: keysEn, 'zh-CN': keysZhCN, ru: keysRu } as const

/** Renders a deploy text (`deploy.*` key with `{{name}}` params); a param that is itself a key is rendered too. */
export function renderDeployText(text: I18nText, locale: keyof typeof DEPLOY_TEXT_LOCALES = 'en'): string {
  const lookupIn = (tree: unknown, key: string): string | undefined => {
    let node: unknown = tree
    for (const part of key.split('.')) {
      if (node === null || typeof node !== 'object') return undefined
      node = (node as Record<string, unknown>)[part]
    }
    return typeof node === 'string' ? node : undefined
  }
  const lookup = (key: string): string | undefined =>
    lookupIn(DEPLOY_TEXT_LOCALES[locale], key) ??
    lookupIn(NODE_TEXT_LOCALES[locale], key) ??
    lookupIn(BUNDLE_TEXT_LOCALES[locale], key) ??
    lookupIn(KEY_TEXT_LOCALES[locale], key)
  const template = lookup(text.key) ?? text.key
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    const value = text.params?.[name]
    if (value === undefined) return whole
    const asKey = typeof value === 'string' && value.startsWith('deploy.') ? lookup(value) : undefined
    return asKey ?? String(value)
  })
}
