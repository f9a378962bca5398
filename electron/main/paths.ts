import { join } from 'node:path'

/** The renderer entry inside the packaged app. */
export function rendererIndex(mainDir: string): string {
  return join(mainDir, '../renderer/index.html')
}

/** The preload script inside the packaged app. */
export function preloadScript(mainDir: string): string {
  return join(mainDir, '../preload/index.js')
}
