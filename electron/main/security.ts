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

/** The web preferences of every window: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  } as const
}

/** The only web permission the app uses: writing sanitized text to the clipboard (Copy buttons). */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

/** Decides a permission request: only allowed permissions, and only for our own renderer page. */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  isOwnUrl: (url: string) => boolean,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isOwnUrl(requestingUrl)
}
