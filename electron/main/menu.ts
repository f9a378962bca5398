import { Menu, shell, type MenuItemConstructorOptions } from 'electron'
import type { Language } from '../shared/settings'
import { menuText } from './menu-texts'

/** What the menu and the About box need to know about the app. */
export interface MenuOptions {
  readonly packaged: boolean
  readonly platform: NodeJS.Platform
  /** The product name shown in "About …", "Quit …" (default Gonka Host Wizard). */
  readonly appName?: string
  /** Opens the About box (Help → About; on macOS also the app menu). */
  readonly onAbout?: () => void
}

/**
 * The application menu's template in `language`: every item carries its label in that language
 * (Electron's own role labels are English on Linux and Windows), plus opening the data folder and
 * the About box. Reload and DevTools are there only in an unpackaged (development) build.
 */
export function menuTemplate(
  dataDir: string,
  language: Language,
  options: MenuOptions,
): MenuItemConstructorOptions[] {
  const name = options.appName ?? 'Gonka Host Wizard'
  const t = (key: string): string => menuText(language, key, { name })
  const isMac = options.platform === 'darwin'
  const about: MenuItemConstructorOptions = { label: t('about'), click: () => options.onAbout?.() }
  const developer: MenuItemConstructorOptions[] = options.packaged
    ? []
    : [
        { role: 'reload', label: t('reload') },
        { role: 'toggleDevTools', label: t('toggleDevTools') },
        { type: 'separator' },
      ]
  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: name,
          submenu: [
            about,
            { type: 'separator' },
            { role: 'services', label: t('services') },
            { type: 'separator' },
            { role: 'hide', label: t('hide') },
            { role: 'hideOthers', label: t('hideOthers') },
            { role: 'unhide', label: t('unhide') },
            { type: 'separator' },
            { role: 'quit', label: t('quit') },
          ],
        },
      ]
    : []
  return [
    ...appMenu,
    {
      label: t('file'),
      submenu: [
        { label: t('openData'), click: () => void shell.openPath(dataDir) },
        { type: 'separator' },
        isMac ? { role: 'close', label: t('close') } : { role: 'quit', label: t('quit') },
      ],
    },
    {
      label: t('edit'),
      submenu: [
        { role: 'undo', label: t('undo') },
        { role: 'redo', label: t('redo') },
        { type: 'separator' },
        { role: 'cut', label: t('cut') },
        { role: 'copy', label: t('copy') },
        { role: 'paste', label: t('paste') },
        { role: 'selectAll', label: t('selectAll') },
      ],
    },
    {
      label: t('view'),
      submenu: [
        ...developer,
        { role: 'resetZoom', label: t('resetZoom') },
        { role: 'zoomIn', label: t('zoomIn') },
        { role: 'zoomOut', label: t('zoomOut') },
        { type: 'separator' },
        { role: 'togglefullscreen', label: t('fullscreen') },
      ],
    },
    {
      label: t('window'),
      role: 'window',
      submenu: [
        { role: 'minimize', label: t('minimize') },
        ...(isMac
          ? [
              { role: 'zoom' as const, label: t('zoom') },
              { type: 'separator' as const },
              { role: 'front' as const, label: t('front') },
            ]
          : [{ role: 'close' as const, label: t('close') }]),
      ],
    },
    { label: t('help'), role: 'help', submenu: [about] },
  ]
}

/** The application menu in `language` (see {@link menuTemplate}). */
export function buildMenu(dataDir: string, language: Language, options: Omit<MenuOptions, 'platform'>): Menu {
  return Menu.buildFromTemplate(menuTemplate(dataDir, language, { ...options, platform: process.platform }))
}

/** What the About box shows: name, version, data folder, runtime; buttons OK and Open Data Folder. */
export function aboutContent(
  language: Language,
  info: {
    readonly name: string
    readonly version: string
    readonly dataDir: string
    readonly electron: string
    readonly platform: string
  },
): { title: string; message: string; detail: string; buttons: [string, string] } {
  const t = (key: string, values: Record<string, string> = {}): string =>
    menuText(language, key, { name: info.name, ...values })
  return {
    title: t('about'),
    message: info.name,
    detail: [
      t('aboutDialog.version', { version: info.version }),
      t('aboutDialog.dataDir', { dataDir: info.dataDir }),
      t('aboutDialog.runtime', { electron: info.electron, platform: info.platform }),
    ].join('\n'),
    buttons: [t('aboutDialog.ok'), t('aboutDialog.openData')],
  }
}
