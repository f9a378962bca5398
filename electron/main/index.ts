import { app, BrowserWindow, dialog, Menu, session, shell } from 'electron'
import { createService, type AppService } from '../core/service'
import { registerDesktopIpc, registerIpc } from './ipc'
import { showNativeFileDialog } from './file-dialog'
import { aboutContent, buildMenu } from './menu'
import type { Language } from '../shared/settings'
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
      systemLanguages: app.getPreferredSystemLanguages(),
    })
    const dataDir = app.getPath('userData')
    const currentLanguage = async (): Promise<Language> => {
      const settings = await service?.invoke('getSettings', {})
      return settings?.ok ? settings.value.language : 'en'
    }
    // About: version and data folder, in the user's language, with a button that opens the folder.
    const showAbout = async (): Promise<void> => {
      const content = aboutContent(await currentLanguage(), {
        name: app.getName(),
        version: app.getVersion(),
        dataDir,
        electron: process.versions.electron ?? '',
        platform: `${process.platform} ${process.arch}`,
      })
      const options = { type: 'info' as const, ...content, defaultId: 0, cancelId: 0, noLink: true }
      const { response } = mainWindow
        ? await dialog.showMessageBox(mainWindow, options)
        : await dialog.showMessageBox(options)
      if (response === 1) await shell.openPath(dataDir)
    }
    const applyMenu = async (): Promise<void> => {
      Menu.setApplicationMenu(
        buildMenu(dataDir, await currentLanguage(), {
          packaged: app.isPackaged,
          appName: app.getName(),
          onAbout: () => void showAbout(),
        }),
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
    registerDesktopIpc(
      () => mainWindow?.webContents,
      isOwnUrl,
      (request) => showNativeFileDialog(dialog, mainWindow, request),
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
