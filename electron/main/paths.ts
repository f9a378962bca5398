import { join } from 'node:path'

/** The environment variable that overrides the user-data folder (tests, portable installs). */
export const USER_DATA_ENV = 'GHW_USER_DATA_DIR'

/** The renderer entry inside the packaged app. */
export function rendererIndex(mainDir: string): string {
  return join(mainDir, '../renderer/index.html')
}

/** The preload script inside the packaged app. */
export function preloadScript(mainDir: string): string {
  return join(mainDir, '../preload/index.js')
}
