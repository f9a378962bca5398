import { z } from 'zod'

/** Languages the UI is complete in. */
export const LANGUAGES = ['en', 'zh-CN'] as const
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number]

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
