import { app, BrowserWindow, Menu, session } from 'electron'
import { createService, type AppService } from '../core/service'
import { registerIpc } from './ipc'
import { buildMenu } from './menu'
import { resolveUserDataDir } from '../core/storage/user-data-dir'
import { preloadScript, rendererIndex } from './paths'
import { devServerUrl, isAppUrl, isPermissionAllowed } from './security'
import { createMainWindow } from './window'
import { chooseDesktopSealer } from './safe-storage-sealer'

// One data folder for the app, the browser harness and the CLI (GHW_USER_DATA_DIR overrides it, for
// tests and portable installs); Electron's own default would use the product name. Before 'ready'.
app.setPath('userData', resolveUserDataDir(process.platform, process.env, app.getPath('home')))

// A packaged app never loads a page named by the environment (see devServerUrl).
const devServer = devServerUrl(app.isPackaged, process.env)
const rendererFile = rendererIndex(__dirname)
const isOwnUrl = (url: string): boolean => isAppUrl(url, rendererFile, devServer)
let mainWindow: BrowserWindow | undefined
let service: AppService | undefined

function createWindow(): BrowserWindow {
  return createMainWindow({
    preload: preloadScript(__dirname),
    rendererFile,
    devServerUrl: devServer,
    packaged: app.isPackaged,
  })
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

  void app.whenReady().then(async () => {
    // Secrets at rest: the OS keychain when it protects them, else a passphrase the user gives.
    const secretSealer = await chooseDesktopSealer()
    // Only clipboard writes (the Copy buttons) from our own page; camera, notifications, geolocation
    // and everything else are refused.
    session.defaultSession.setPermissionRequestHandler((wc, permission, callback) =>
      callback(isPermissionAllowed(permission, wc.getURL(), isOwnUrl)),
    )
    // A file:// page's origin is opaque, so judge by the page's own URL.
    session.defaultSession.setPermissionCheckHandler((wc, permission, origin, details) =>
      isPermissionAllowed(permission, details.requestingUrl ?? wc?.getURL() ?? origin, isOwnUrl),
    )

    service = createService({
      dataDir: app.getPath('userData'),
      appName: app.getName(),
      appVersion: app.getVersion(),
      platform: process.platform,
      runtime: 'electron',
      homeDir: app.getPath('home'),
      secretSealer,
    })
    const dataDir = app.getPath('userData')
    const applyMenu = async (): Promise<void> => {
      const settings = await service?.invoke('getSettings', {})
      Menu.setApplicationMenu(
        buildMenu(dataDir, settings?.ok ? settings.value.language : 'en', app.isPackaged),
      )
    }
    registerIpc(
      service,
      () => mainWindow?.webContents,
      isOwnUrl,
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
