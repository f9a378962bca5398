import { BrowserWindow, shell } from 'electron'
import { isAllowedExternalUrl } from './external-links'
import { isAppUrl, secureWebPreferences } from './security'

/** Where the main window's page comes from and whether this is a packaged build. */
export interface MainWindowOptions {
  readonly preload: string
  readonly rendererFile: string
  /** The dev server (see `devServerUrl`); undefined in a packaged build. */
  readonly devServerUrl: string | undefined
  readonly packaged: boolean
}

/**
 * Opens the wizard's window: isolated and sandboxed, DevTools only when unpackaged. Navigation away
 * from our renderer and new windows are refused; allow-listed documentation links open in the
 * user's browser instead.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Gonka Host Wizard',
    webPreferences: secureWebPreferences(options.preload, { devTools: !options.packaged }),
  })
  window.once('ready-to-show', () => window.show())
  const openOutside = (url: string): void => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url)
  }
  const blockForeign = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url, options.rendererFile, options.devServerUrl)) return
    event.preventDefault()
    openOutside(url)
  }
  window.webContents.on('will-navigate', blockForeign)
  window.webContents.on('will-redirect', blockForeign)
  window.webContents.setWindowOpenHandler(({ url }) => {
    openOutside(url)
    return { action: 'deny' }
  })
  if (options.devServerUrl) void window.loadURL(options.devServerUrl)
  else void window.loadFile(options.rendererFile)
  return window
}
