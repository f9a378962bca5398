import { pathToFileURL } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { FakeBrowserWindow, navigationEvent, shell } from '../test-support/fake-electron'
import { devServerUrl, isAppUrl, isPermissionAllowed, isTrustedSender } from './security'
import { createMainWindow } from './window'

// Electron cannot run here: main's window wiring runs against a recording stand-in.
vi.mock('electron', async () => (await import('../test-support/fake-electron')).fakeElectron)

const renderer = '/opt/Gonka Host Wizard/resources/app.asar/out/renderer/index.html'
const page = pathToFileURL(renderer).href

function openWindow(options: { packaged: boolean; dev?: string }): FakeBrowserWindow {
  createMainWindow({
    preload: '/opt/app/out/preload/index.js',
    rendererFile: renderer,
    devServerUrl: options.dev,
    packaged: options.packaged,
  })
  const window = FakeBrowserWindow.created.at(-1)
  if (!window) throw new Error('no window was created')
  return window
}

beforeEach(() => {
  shell.openedExternal.length = 0
})

describe('the main window', () => {
  it('gets an isolated, sandboxed page without Node, and no DevTools when packaged', () => {
    const prefs = openWindow({ packaged: true }).options.webPreferences
    expect(prefs).toMatchObject({
      preload: '/opt/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    })
    expect(openWindow({ packaged: false }).options.webPreferences?.devTools).toBe(true)
  })

  it('shows the packaged renderer file, or the dev server only when one is given', () => {
    expect(openWindow({ packaged: true }).loaded).toEqual({ file: renderer })
    expect(openWindow({ packaged: false, dev: 'http://localhost:5173' }).loaded).toEqual({
      url: 'http://localhost:5173',
    })
  })

  it('prevents navigation to another origin, another file or a file on another computer', () => {
    const { webContents } = openWindow({ packaged: true })
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:5173/',
      'file:///etc/passwd',
      `file://server${pathToFileURL(renderer).pathname}`,
    ]) {
      for (const kind of ['will-navigate', 'will-redirect']) {
        const event = navigationEvent()
        webContents.emit(kind, event, url)
        expect(event.defaultPrevented, `${kind} ${url}`).toBe(true)
      }
    }
    expect(shell.openedExternal).toEqual([])
  })

  it('lets our own page navigate within itself', () => {
    const { webContents } = openWindow({ packaged: true })
    const event = navigationEvent()
    webContents.emit('will-navigate', event, `${page}#/checks`)
    expect(event.defaultPrevented).toBe(false)
  })

  it('opens no new window; only allow-listed documentation goes to the browser', () => {
    const { webContents } = openWindow({ packaged: true })
    const open = (url: string) => webContents.openHandler?.({ url })
    expect(open('https://gonka.ai/host/quickstart/')).toEqual({ action: 'deny' })
    expect(open('https://evil.example/phish')).toEqual({ action: 'deny' })
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' })
    expect(shell.openedExternal).toEqual(['https://gonka.ai/host/quickstart/'])
  })

  it('sends a link that navigates away to the browser only when allow-listed', () => {
    const { webContents } = openWindow({ packaged: true })
    webContents.emit('will-navigate', navigationEvent(), 'https://github.com/gonka-ai/gonka')
    webContents.emit('will-navigate', navigationEvent(), 'https://github.com/someone-else/gonka')
    expect(shell.openedExternal).toEqual(['https://github.com/gonka-ai/gonka'])
  })
})

describe('isAppUrl', () => {
  it('accepts our packaged renderer page', () => {
    expect(isAppUrl(page, renderer, undefined)).toBe(true)
    expect(isAppUrl(page + '#/step', renderer, undefined)).toBe(true)
  })

  it('refuses other local files, a UNC path to another computer and any web page', () => {
    expect(isAppUrl('file:///etc/passwd', renderer, undefined)).toBe(false)
    expect(isAppUrl(`file://server${pathToFileURL(renderer).pathname}`, renderer, undefined)).toBe(false)
    expect(isAppUrl('file://attacker.example/share/index.html', renderer, undefined)).toBe(false)
    expect(isAppUrl('https://example.com/', renderer, undefined)).toBe(false)
    expect(isAppUrl('http://127.0.0.1:5173/', renderer, undefined)).toBe(false)
    expect(isAppUrl('not a url', renderer, undefined)).toBe(false)
  })

  it('refuses a UNC path on Windows too', () => {
    const windowsRenderer =
      'C:\\Program Files\\Gonka Host Wizard\\resources\\app.asar\\out\\renderer\\index.html'
    const own = pathToFileURL(windowsRenderer, { windows: true }).href
    expect(isAppUrl(own, windowsRenderer, undefined)).toBe(process.platform === 'win32')
    expect(isAppUrl('file://server/share/index.html', windowsRenderer, undefined)).toBe(false)
  })

  it('accepts the dev server only when one is configured, and only its origin', () => {
    expect(isAppUrl('http://localhost:5173/index.html', renderer, 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:5174/index.html', renderer, 'http://localhost:5173')).toBe(false)
  })
})

describe('devServerUrl (ELECTRON_RENDERER_URL)', () => {
  const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' }

  it('is ignored by a packaged app', () => {
    expect(devServerUrl(true, env)).toBeUndefined()
  })

  it('is honoured unpackaged, on loopback only', () => {
    expect(devServerUrl(false, env)).toBe('http://localhost:5173')
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/' })).toBe(
      'http://127.0.0.1:5173/',
    )
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'https://evil.example/' })).toBeUndefined()
    expect(devServerUrl(false, { ELECTRON_RENDERER_URL: 'file:///tmp/x.html' })).toBeUndefined()
    expect(devServerUrl(false, {})).toBeUndefined()
  })
})

describe('isTrustedSender (the IPC sender check)', () => {
  const own = (url: string) => isAppUrl(url, renderer, undefined)
  const windowId = 7
  const main = { url: page, isMainFrame: true }

  it('accepts our window main frame showing our page', () => {
    expect(isTrustedSender({ webContentsId: windowId, frame: main }, windowId, own)).toBe(true)
  })

  it('refuses another origin, a subframe, another webContents, a gone frame or no window', () => {
    const refused = [
      { webContentsId: windowId, frame: { url: 'https://evil.example/', isMainFrame: true } },
      { webContentsId: windowId, frame: { url: page, isMainFrame: false } },
      { webContentsId: windowId + 1, frame: main },
      { webContentsId: windowId, frame: null },
    ]
    for (const sender of refused)
      expect(isTrustedSender(sender, windowId, own), JSON.stringify(sender)).toBe(false)
    expect(isTrustedSender({ webContentsId: windowId, frame: main }, undefined, own)).toBe(false)
  })
})

describe('isPermissionAllowed', () => {
  const own = (url: string) => isAppUrl(url, renderer, undefined)

  it('lets our page write to the clipboard and nothing else', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', page, own)).toBe(true)
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(isPermissionAllowed(p, page, own)).toBe(false)
    }
  })

  it('refuses even the clipboard to any other page', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://example.com/', own)).toBe(false)
  })
})
