import { _electron as electron, test, expect } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findElectronBinary } from '../electron-binary'

const binary = findElectronBinary()

test.describe('desktop app (Electron)', () => {
  test.skip(
    binary === undefined,
    'Electron binary not installed (node_modules/electron/dist is missing and it cannot be downloaded on this machine); the renderer is tested in Chromium through the harness instead',
  )

  test('the window opens securely with the wizard', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ghw-electron-'))
    const app = await electron.launch({
      executablePath: binary,
      args: ['.', '--no-sandbox'],
      env: { ...process.env, GHW_USER_DATA_DIR: dataDir },
    })
    try {
      const window = await app.firstWindow()
      await expect(window.getByRole('navigation', { name: 'Setup steps' })).toBeVisible()
      const prefs = await app.evaluate((electronModule: unknown) => {
        type Prefs = { contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean }
        const { BrowserWindow } = electronModule as {
          BrowserWindow: { getAllWindows(): { webContents: { getLastWebPreferences(): Prefs | null } }[] }
        }
        const p = BrowserWindow.getAllWindows()[0]?.webContents.getLastWebPreferences()
        return {
          contextIsolation: p?.contextIsolation,
          sandbox: p?.sandbox,
          nodeIntegration: p?.nodeIntegration,
        }
      })
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false })
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      )
    } finally {
      await app.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
