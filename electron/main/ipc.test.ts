import type { WebContents } from 'electron'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AppService } from '../core/service'
import type { Result } from '../shared/result'
import { FakeWebContents, ipcMain, type FakeFrame } from '../test-support/fake-electron'
import { startTempService } from '../test-support/temp-service'
import { DESKTOP_CHANNELS, type PickFileRequest } from '../shared/desktop'
import { CHANNELS, registerDesktopIpc, registerIpc } from './ipc'
import { isAppUrl } from './security'

// Electron cannot run here: registerIpc runs against a stand-in ipcMain that keeps its handlers, the
// service behind it is the real one over a temporary data folder.
vi.mock('electron', async () => (await import('../test-support/fake-electron')).fakeElectron)

const renderer = '/opt/Gonka Host Wizard/resources/app.asar/out/renderer/index.html'
const page = pathToFileURL(renderer).href
const isOwnUrl = (url: string) => isAppUrl(url, renderer, undefined)

let service: AppService
let stop: () => Promise<void>
let unregister: () => void
let window: FakeWebContents

beforeEach(async () => {
  ;({ service, stop } = await startTempService('ghw-ipc-'))
  window = new FakeWebContents(page)
  unregister = registerIpc(service, () => window as unknown as WebContents, isOwnUrl)
})

afterEach(async () => {
  unregister()
  await stop()
})

/** Invokes the call channel as if `sender`'s `frame` had sent `setLanguage zh-CN`. */
async function setChinese(sender: FakeWebContents, frame: FakeFrame | null): Promise<Result<unknown>> {
  const handler = ipcMain.handlers.get(CHANNELS.call)
  if (!handler) throw new Error('registerIpc did not register the call channel')
  const event = { sender, senderFrame: frame }
  return (await handler(event, { op: 'setLanguage', input: { language: 'zh-CN' } })) as Result<unknown>
}

async function language(): Promise<string> {
  const settings = await service.call('getSettings', {}, {})
  if (!settings.ok) throw new Error(settings.error.message)
  return (settings.value as { language: string }).language
}

describe('registerIpc sender check', () => {
  it('serves our own window main frame showing our page', async () => {
    const result = await setChinese(window, window.mainFrame)
    expect(result.ok).toBe(true)
    expect(await language()).toBe('zh-CN')
  })

  it('refuses a main frame showing another origin', async () => {
    window.mainFrame.url = 'https://evil.example/'
    const result = await setChinese(window, window.mainFrame)
    expect(result).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } })
    expect(await language()).toBe('en')
  })

  it('refuses a subframe, even one showing our page', async () => {
    const subframe: FakeFrame = { url: page, parent: window.mainFrame }
    expect(await setChinese(window, subframe)).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_DENIED' },
    })
    expect(await language()).toBe('en')
  })

  it('refuses another webContents showing our page', async () => {
    const other = new FakeWebContents(page)
    expect(await setChinese(other, other.mainFrame)).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_DENIED' },
    })
    expect(await language()).toBe('en')
  })

  it('refuses a message whose frame is gone', async () => {
    expect(await setChinese(window, null)).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } })
    expect(await language()).toBe('en')
  })
})

describe('registerDesktopIpc: the native file dialog', () => {
  let shown: PickFileRequest[]
  let answer: string | undefined
  let unregisterDesktop: () => void
  beforeEach(() => {
    shown = []
    answer = '/home/user/bundles/lab-2026-12-02.zip'
    unregisterDesktop = registerDesktopIpc(
      () => window as unknown as WebContents,
      isOwnUrl,
      (request) => {
        shown.push(request)
        return Promise.resolve(answer)
      },
    )
  })
  afterEach(() => unregisterDesktop())

  const pick = (
    sender: FakeWebContents,
    frame: FakeFrame | null,
    request: unknown,
  ): Promise<unknown> => {
    const handler = ipcMain.handlers.get(DESKTOP_CHANNELS.pickFile)
    if (!handler) throw new Error('registerDesktopIpc did not register its channel')
    return Promise.resolve(handler({ sender, senderFrame: frame }, request))
  }
  const request: PickFileRequest = {
    mode: 'save',
    title: 'Save the bundle as',
    defaultPath: '/home/user/lab.zip',
    filters: [{ name: 'ZIP', extensions: ['zip'] }],
  }

  it('shows the dialog for our page and answers the chosen path; a cancel answers nothing', async () => {
    expect(await pick(window, window.mainFrame, request)).toBe('/home/user/bundles/lab-2026-12-02.zip')
    expect(shown).toEqual([request])
    answer = undefined
    expect(await pick(window, window.mainFrame, { ...request, mode: 'open' })).toBeUndefined()
    expect(shown).toHaveLength(2)
  })

  it('never shows a dialog for another page, a subframe or a malformed request', async () => {
    const other = new FakeWebContents(page)
    expect(await pick(other, other.mainFrame, request)).toBeUndefined()
    expect(await pick(window, { url: page, parent: window.mainFrame }, request)).toBeUndefined()
    window.mainFrame.url = 'https://evil.example/'
    expect(await pick(window, window.mainFrame, request)).toBeUndefined()
    window.mainFrame.url = page
    for (const bad of [
      { ...request, mode: 'delete' },
      { ...request, filters: [{ name: 'x', extensions: ['../../etc'] }] },
      { ...request, title: '' },
      { ...request, extra: true },
      'save',
    ])
      expect(await pick(window, window.mainFrame, bad)).toBeUndefined()
    expect(shown).toEqual([])
  })
})
