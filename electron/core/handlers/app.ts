import type { Handlers, ServiceEnvironment } from '../handler-types'
import type { SettingsStore } from '../storage/settings-store'

/** Handlers for app info and settings. */
export function createAppHandlers(deps: {
  env: ServiceEnvironment
  settings: SettingsStore
}): Handlers<'getAppInfo' | 'getSettings' | 'setLanguage'> {
  const { env, settings } = deps
  return {
    async getAppInfo() {
      await settings.get()
      return {
        name: env.appName,
        version: env.appVersion,
        dataDir: env.dataDir,
        platform: env.platform,
        runtime: env.runtime,
        ...(settings.problem ? { settingsProblem: settings.problem } : {}),
      }
    },
    getSettings: () => settings.get(),
    setLanguage: ({ language }) => settings.update({ language }),
  }
}
