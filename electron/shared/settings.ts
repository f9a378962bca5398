import { z } from 'zod'

/** Languages the UI is complete in. */
export const LANGUAGES = ['en', 'zh-CN', 'ru'] as const
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number]

/**
 * The language to start in for the system's preferred languages (BCP 47 tags such as `ru-RU`, or
 * POSIX locales such as `ru_RU.UTF-8`, best first): the first one the app ships, else English.
 * Traditional Chinese (zh-TW, zh-HK, zh-Hant) is not matched to Simplified Chinese.
 */
export function matchLanguage(preferred: readonly string[]): Language {
  for (const raw of preferred) {
    const tag = (raw.split(/[.@]/)[0] ?? '').replace(/_/g, '-').toLowerCase()
    const [base, ...rest] = tag.split('-')
    if (base === 'en') return 'en'
    if (base === 'ru') return 'ru'
    if (base === 'zh') {
      const traditional = rest.some((part) => ['hant', 'tw', 'hk', 'mo'].includes(part))
      const simplified = rest.some((part) => ['hans', 'cn', 'sg', 'my'].includes(part))
      if (simplified || !traditional) return 'zh-CN'
    }
  }
  return 'en'
}

/** App-wide settings, stored beside the profiles. */
export const settingsSchema = z.object({
  language: z.enum(LANGUAGES).default('en'),
  lastProfileId: z.string().max(64).optional(),
})
/** App-wide settings, stored beside the profiles. */
export type Settings = z.infer<typeof settingsSchema>

/** What the app says about itself (About box, support bundle). */
export interface AppInfo {
  readonly name: string
  readonly version: string
  /** Where profiles, settings and pinned host keys live. */
  readonly dataDir: string
  readonly platform: string
  /** 'electron' in the desktop app, 'browser-harness' in e2e, 'cli' headless. */
  readonly runtime: 'electron' | 'browser-harness' | 'cli'
  /** Settings files that were unreadable and set aside at start (the user is told). */
  readonly settingsProblem?: string
}
