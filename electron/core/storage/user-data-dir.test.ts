import { describe, expect, it } from 'vitest'
import { defaultUserDataDir, resolveUserDataDir } from './user-data-dir'

describe('the data folder shared by the app, the browser harness and the CLI', () => {
  it('is the per-user configuration folder of each platform', () => {
    expect(defaultUserDataDir('linux', {}, '/home/ann')).toBe('/home/ann/.config/gonka-host-wizard')
    expect(defaultUserDataDir('linux', { XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe(
      '/cfg/gonka-host-wizard',
    )
    // A relative XDG_CONFIG_HOME is invalid by the XDG spec and ignored.
    expect(defaultUserDataDir('linux', { XDG_CONFIG_HOME: 'cfg' }, '/home/ann')).toBe(
      '/home/ann/.config/gonka-host-wizard',
    )
    expect(defaultUserDataDir('darwin', {}, '/Users/ann')).toBe(
      '/Users/ann/Library/Application Support/gonka-host-wizard',
    )
    expect(
      defaultUserDataDir('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann'),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\gonka-host-wizard')
    expect(defaultUserDataDir('win32', {}, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\gonka-host-wizard',
    )
  })

  it('is GHW_USER_DATA_DIR when that is set and not empty', () => {
    expect(resolveUserDataDir('linux', { GHW_USER_DATA_DIR: '/tmp/x' }, '/home/ann')).toBe('/tmp/x')
    expect(resolveUserDataDir('linux', { GHW_USER_DATA_DIR: ' ' }, '/home/ann')).toBe(
      '/home/ann/.config/gonka-host-wizard',
    )
  })
})
