import { Menu, shell, type MenuItemConstructorOptions } from 'electron'
import type { Language } from '../shared/settings'

/** Menu labels the app defines itself (standard roles are translated by the OS / Electron). */
const MENU_TEXT: Record<Language, { file: string; openData: string; view: string }> = {
  en: { file: 'File', openData: 'Open Data Folder', view: 'View' },
  'zh-CN': { file: '文件', openData: '打开数据文件夹', view: '视图' },
}

/**
 * The application menu's template in `language`: standard roles, plus opening the data folder.
 * Reload and DevTools are there only in an unpackaged (development) build.
 */
export function menuTemplate(
  dataDir: string,
  language: Language,
  options: { readonly packaged: boolean; readonly platform: NodeJS.Platform },
): MenuItemConstructorOptions[] {
  const text = MENU_TEXT[language]
  const isMac = options.platform === 'darwin'
  const developer: MenuItemConstructorOptions[] = options.packaged
    ? []
    : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }]
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: text.file,
      submenu: [
        { label: text.openData, click: () => void shell.openPath(dataDir) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: text.view,
      submenu: [
        ...developer,
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ]
}

/** The application menu in `language` (see {@link menuTemplate}). */
export function buildMenu(dataDir: string, language: Language, packaged: boolean): Menu {
  return Menu.buildFromTemplate(menuTemplate(dataDir, language, { packaged, platform: process.platform }))
}
