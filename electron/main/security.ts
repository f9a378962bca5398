import { pathToFileURL } from 'node:url'

/**
 * Decides whether a URL belongs to our own renderer: the packaged `index.html` (file://, on this
 * machine: a `file://server/share/...` UNC path names another computer and is refused) or, in
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
    return parsed.host === expected.host && parsed.pathname === expected.pathname
  }
  if (devServerUrl) {
    const dev = new URL(devServerUrl)
    return parsed.origin === dev.origin
  }
  return false
}

/**
 * The dev server the window loads instead of the packaged renderer: `ELECTRON_RENDERER_URL` (set by
 * `electron-vite dev`), honoured only in an unpackaged app and only on loopback over http(s). A
 * packaged app always shows its own files, whatever the environment says.
 */
export function devServerUrl(isPackaged: boolean, env: NodeJS.ProcessEnv): string | undefined {
  const given = env.ELECTRON_RENDERER_URL
  if (isPackaged || !given) return undefined
  let parsed: URL
  try {
    parsed = new URL(given)
  } catch {
    return undefined
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname)
  return loopback && (parsed.protocol === 'http:' || parsed.protocol === 'https:') ? given : undefined
}

/** The web preferences of every window: isolated, sandboxed, no Node in the page; DevTools only unpackaged. */
export function secureWebPreferences(preload: string, options: { readonly devTools: boolean }) {
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
    devTools: options.devTools,
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

/** What an IPC message says about who sent it (read from the Electron event by {@link senderOf}). */
export interface SenderFacts {
  /** `webContents.id` of the sender. */
  readonly webContentsId: number
  /** The frame that sent it; null when it is gone (navigated away or destroyed). */
  readonly frame: { readonly url: string; readonly isMainFrame: boolean } | null
}

/**
 * Decides whether an IPC message may reach the service: it must come from our own window's
 * webContents, from its main frame (never a subframe), showing our own renderer URL.
 */
export function isTrustedSender(
  sender: SenderFacts,
  windowWebContentsId: number | undefined,
  isOwnUrl: (url: string) => boolean,
): boolean {
  return (
    windowWebContentsId !== undefined &&
    sender.webContentsId === windowWebContentsId &&
    sender.frame !== null &&
    sender.frame.isMainFrame &&
    isOwnUrl(sender.frame.url)
  )
}
