import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { menuTemplate } from './menu'

vi.mock('electron', async () => (await import('../test-support/fake-electron')).fakeElectron)

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ])
}

describe('the application menu', () => {
  it('has no reload or DevTools in a packaged build', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
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
})
