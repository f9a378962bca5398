import type { StateCreator } from 'zustand'
import type { AppInfo, Language } from '../../../electron/shared/settings'
import type { AppError } from '../../../electron/shared/result'
import { getApi } from '../api'
import { applyLanguage } from '../i18n'
import type { RootState } from '.'

/** App-wide state: who we are, the language, and whether start-up has finished. */
export interface AppSlice {
  info: AppInfo | undefined
  language: Language
  ready: boolean
  /** A failure that concerns the whole app (e.g. the data folder is not writable). */
  appError: AppError | undefined
  appStarted: () => Promise<void>
  languageChosen: (language: Language) => Promise<void>
  appErrorDismissed: () => void
}

export const createAppSlice: StateCreator<RootState, [], [], AppSlice> = (set, get) => ({
  info: undefined,
  language: 'en',
  ready: false,
  appError: undefined,
  async appStarted() {
    const api = getApi()
    // One root subscription to everything the back end pushes.
    api.onEvent((event) => get().eventReceived(event))
    const [info, settings] = await Promise.all([api.getAppInfo({}), api.getSettings({})])
    if (settings.ok) {
      await applyLanguage(settings.value.language)
      set({ language: settings.value.language })
    }
    set({ info: info.ok ? info.value : undefined, appError: info.ok ? undefined : info.error })
    await get().profilesRequested()
    set({ ready: true })
  },
  async languageChosen(language) {
    await applyLanguage(language)
    set({ language })
    const result = await getApi().setLanguage({ language })
    if (!result.ok) set({ appError: result.error })
  },
  appErrorDismissed() {
    set({ appError: undefined })
  },
})
