import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { LANGUAGES } from '../shared/settings'
import { aboutContent, menuTemplate } from './menu'

vi.mock('electron', async () => (await import('../test-support/fake-electron')).fakeElectron)

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ])
}

/** Every item with its label (separators left out). */
function items(list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return list.flatMap((item) => [
    ...(item.type === 'separator' ? [] : [item]),
    ...(Array.isArray(item.submenu) ? items(item.submenu) : []),
  ])
}

const PLATFORMS = ['linux', 'darwin', 'win32'] as const

describe('the application menu', () => {
  it('has no reload or DevTools in a packaged build', () => {
    for (const platform of PLATFORMS) {
      const found = roles(menuTemplate('/data', 'en', { packaged: true, platform }))
      expect(found).not.toContain('toggleDevTools')
      expect(found).not.toContain('reload')
      expect(found).not.toContain('forceReload')
      expect(found).toContain('zoomIn')
    }
  })

  it('has them while developing', () => {
    const found = roles(menuTemplate('/data', 'zh-CN', { packaged: false, platform: 'linux' }))
    expect(found).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']))
  })

  it("labels every item in the user's language, on every platform", () => {
    for (const platform of PLATFORMS) {
      const english = items(menuTemplate('/data', 'en', { packaged: false, platform }))
      for (const language of LANGUAGES) {
        const menu = items(menuTemplate('/data', language, { packaged: false, platform }))
        for (const item of menu) {
          expect(item.label, `${language} ${platform} ${item.role ?? ''}`).toBeTruthy()
          expect(item.label).not.toMatch(/\{\{|menu\./)
        }
        // Only the product name (macOS's app menu) is the same in every language.
        if (language !== 'en')
          expect(
            menu
              .filter((item, i) => item.label === english[i]?.label && item.label !== 'Gonka Host Wizard')
              .map((i) => i.label),
          ).toEqual([])
      }
    }
    const russian = items(menuTemplate('/data', 'ru', { packaged: true, platform: 'linux' })).map(
      (i) => i.label,
    )
    expect(russian).toEqual(
      expect.arrayContaining(['Файл', 'Открыть папку данных', 'Правка', 'Вид', 'Окно', 'Справка']),
    )
    expect(russian).toContain('О программе Gonka Host Wizard')
  })

  it('opens About from Help', () => {
    const onAbout = vi.fn()
    for (const platform of PLATFORMS) {
      const about = items(menuTemplate('/data', 'ru', { packaged: true, platform, onAbout })).filter(
        (i) => i.label === 'О программе Gonka Host Wizard',
      )
      expect(about.length).toBeGreaterThan(0)
      for (const item of about) (item.click as () => void)()
    }
    expect(onAbout).toHaveBeenCalled()
  })
})

describe('the About box', () => {
  const info = {
    name: 'Gonka Host Wizard',
    version: '0.1.0',
    dataDir: '/home/u/.config/gonka-host-wizard',
    electron: '45.5.0',
    platform: 'linux x64',
  }

  it('shows the version and the data folder in the chosen language', () => {
    expect(aboutContent('en', info)).toEqual({
      title: 'About Gonka Host Wizard',
      message: 'Gonka Host Wizard',
      detail: 'Version 0.1.0\nData folder: /home/u/.config/gonka-host-wizard\nElectron 45.5.0, linux x64',
      buttons: ['OK', 'Open Data Folder'],
    })
    const ru = aboutContent('ru', info)
    expect(ru.detail).toContain('Версия 0.1.0')
    expect(ru.detail).toContain('Папка данных: /home/u/.config/gonka-host-wizard')
    expect(ru.buttons).toEqual(['ОК', 'Открыть папку данных'])
    expect(aboutContent('zh-CN', info).detail).toContain('版本 0.1.0')
  })
})
