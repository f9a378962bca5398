import { z } from 'zod'
import { op } from '../op'
import { LANGUAGES, type AppInfo, type Settings } from '../settings'

/** Application-level operations: version and paths, settings, language. */
export const appOps = {
  getAppInfo: op<AppInfo>()(z.object({}).strict()),
  getSettings: op<Settings>()(z.object({}).strict()),
  setLanguage: op<Settings>()(z.object({ language: z.enum(LANGUAGES) }).strict()),
} as const
