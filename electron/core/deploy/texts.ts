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
import configEn from '../../shared/locales/config/en.json'
import configZhCN from '../../shared/locales/config/zh-CN.json'
import configRu from '../../shared/locales/config/ru.json'
import { fillPlaceholders, lookupKey, translateI18nText } from '../../shared/i18n-text'

/** The deploy texts per locale (the renderer loads the same files). */
export const DEPLOY_TEXT_LOCALES = { en, 'zh-CN': zhCN, ru } as const
/** The ML node plan texts (`deploy.node.*`, electron/shared/locales/nodes-plan), looked up after the deploy ones. */
const NODE_TEXT_LOCALES = { en: nodesEn, 'zh-CN': nodesZhCN, ru: nodesRu } as const
/** The restore texts (`deploy.restore.*`, electron/shared/locales/bundle). */
const BUNDLE_TEXT_LOCALES = { en: bundleEn, 'zh-CN': bundleZhCN, ru: bundleRu } as const
/** Step 3's server-side texts (`deploy.keys.*`, electron/shared/locales/server-keys). */
const KEY_TEXT_LOCALES = { en: keysEn, 'zh-CN': keysZhCN, ru: keysRu } as const
/** Step 4's validation texts (`config.validation.*`), which plan texts carry as parameters. */
const CONFIG_TEXT_LOCALES = { en: configEn, 'zh-CN': configZhCN, ru: configRu } as const

/**
 * Renders a deploy text (`deploy.*` key with `{{name}}` params) for the CLI and error messages; a param
 * that is itself a key (`deploy.*`, `config.validation.*`) is rendered too, never shown raw.
 */
export function renderDeployText(text: I18nText, locale: keyof typeof DEPLOY_TEXT_LOCALES = 'en'): string {
  const lookup = (key: string): string | undefined =>
    lookupKey(DEPLOY_TEXT_LOCALES[locale], key) ??
    lookupKey(NODE_TEXT_LOCALES[locale], key) ??
    lookupKey(BUNDLE_TEXT_LOCALES[locale], key) ??
    lookupKey(KEY_TEXT_LOCALES[locale], key) ??
    lookupKey(CONFIG_TEXT_LOCALES[locale], key)
  const fill = (key: string, params: Record<string, string | number>): string =>
    fillPlaceholders(lookup(key) ?? key, params)
  return translateI18nText(fill, (key) => lookup(key) !== undefined, text)
}
