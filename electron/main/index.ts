import { app, BrowserWindow, Menu, session, shell, type IpcMainInvokeEvent } from 'electron'
import { createService, type AppService } from '../core/service'
import { registerIpc } from './ipc'
import { buildMenu } from './menu'
import { resolveUserDataDir } from '../core/storage/user-data-dir'
import { preloadScript, rendererIndex } from './paths'
import { isAppUrl, isPermissionAllowed, secureWebPreferences } from './security'

// One data folder for the app, the browser harness and the CLI (GHW_USER_DATA_DIR overrides it, for
// tests and portable installs); Electron's own default would use the product name. Before 'ready'.
app.setPath('userData', resolveUserDataDir(process.platform, process.env, app.getPath('home')))

const devServerUrl = process.env.ELECTRON_RENDERER_URL
const rendererFile = rendererIndex(__dirname)
let mainWindow: BrowserWindow | undefined
let service: AppService | undefined

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Gonka Host Wizard',
    webPreferences: secureWebPreferences(preloadScript(__dirname)),
  })
  window.once('ready-to-show', () => window.show())
  // Navigation away from our renderer and new windows are refused; http(s) links open in the browser.
  const blockForeign = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url, rendererFile, devServerUrl)) event.preventDefault()
  }
  window.webContents.on('will-navigate', blockForeign)
  window.webContents.on('will-redirect', blockForeign)
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  if (devServerUrl) void window.loadURL(devServerUrl)
  else void window.loadFile(rendererFile)
  return window
}

function isTrusted(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  return (
    mainWindow !== undefined &&
    event.sender === mainWindow.webContents &&
    frame !== null &&
    frame === event.sender.mainFrame &&
    isAppUrl(frame.url, rendererFile, devServerUrl)
  )
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.focus()
    }
  })

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })

  void app.whenReady().then(() => {
    // Only clipboard writes (the Copy buttons) from our own page; camera, notifications, geolocation
    // and everything else are refused.
    const own = (url: string): boolean => isAppUrl(url, rendererFile, devServerUrl)
    session.defaultSession.setPermissionRequestHandler((wc, permission, callback) =>
      callback(isPermissionAllowed(permission, wc.getURL(), own)),
    )
    // A file:// page's origin is opaque, so judge by the page's own URL.
    session.defaultSession.setPermissionCheckHandler((wc, permission, origin, details) =>
      isPermissionAllowed(permission, details.requestingUrl ?? wc?.getURL() ?? origin, own),
    )

    service = createService({
      dataDir: app.getPath('userData'),
      appName: app.getName(),
      appVersion: app.getVersion(),
      platform: process.platform,
      runtime: 'electron',
      homeDir: app.getPath('home'),
    })
    const dataDir = app.getPath('userData')
    const applyMenu = async (): Promise<void> => {
      const settings = await service?.invoke('getSettings', {})
      Menu.setApplicationMenu(buildMenu(dataDir, settings?.ok ? settings.value.language : 'en'))
    }
    registerIpc(
      service,
      isTrusted,
      () => mainWindow?.webContents,
      (op) => {
        if (op === 'setLanguage') void applyMenu()
      },
    )
    void applyMenu()
    mainWindow = createWindow()
    mainWindow.on('closed', () => {
      mainWindow = undefined
    })

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  app.on('before-quit', () => {
    void service?.dispose()
  })
}
