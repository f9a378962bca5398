import { Menu, shell, type MenuItemConstructorOptions } from 'electron'
import type { Language } from '../shared/settings'

/** Menu labels the app defines itself (standard roles are translated by the OS / Electron). */
const MENU_TEXT: Record<Language, { file: string; openData: string; view: string }> = {
  en: { file: 'File', openData: 'Open Data Folder', view: 'View' },
  'zh-CN': { file: '文件', openData: '打开数据文件夹', view: '视图' },
}

/** The application menu in `language`: standard roles, plus opening the data folder. */
export function buildMenu(dataDir: string, language: Language): Menu {
  const text = MENU_TEXT[language]
  const isMac = process.platform === 'darwin'
  const template: MenuItemConstructorOptions[] = [
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
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ]
  return Menu.buildFromTemplate(template)
}
