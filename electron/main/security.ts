import { pathToFileURL } from 'node:url'

/**
 * Decides whether a URL belongs to our own renderer: the packaged `index.html` (file://) or, in
 * development, the electron-vite dev server. Anything else is foreign and gets no IPC and no navigation.
 */
export function isAppUrl(url: string, rendererFile: string, devServerUrl: string | undefined): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol === 'file:') {
    const expected = pathToFileURL(rendererFile)
    return parsed.pathname === expected.pathname
  }
  if (devServerUrl) {
    const dev = new URL(devServerUrl)
    return parsed.origin === dev.origin
  }
  return false
}
