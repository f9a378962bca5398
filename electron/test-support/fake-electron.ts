// Test support: a stand-in for the parts of the `electron` module that electron/main uses. The
// Electron binary cannot run on our machines, so main's wiring is tested against this (installed with
// `vi.mock('electron', ...)`); it records what main asked for instead of opening windows.
import { EventEmitter } from 'node:events'

/** An event as Electron passes it to `will-navigate` and friends. */
export interface FakeNavigationEvent {
  defaultPrevented: boolean
  preventDefault(): void
}

/** A navigation event whose `preventDefault` is recorded. */
export function navigationEvent(): FakeNavigationEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true
    },
  }
}

/** A frame of a page (the main frame has no parent). */
export interface FakeFrame {
  url: string
  parent: FakeFrame | null
}

let nextId = 1

/** The webContents of a fake window: records its window-open handler, loads and pushed messages. */
export class FakeWebContents extends EventEmitter {
  readonly id = nextId++
  readonly mainFrame: FakeFrame
  openHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | undefined
  readonly sent: { channel: string; message: unknown }[] = []

  constructor(url = 'about:blank') {
    super()
    this.mainFrame = { url, parent: null }
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.openHandler = handler
  }
  send(channel: string, message: unknown): void {
    this.sent.push({ channel, message })
  }
  isDestroyed(): boolean {
    return false
  }
}

/** A window that never opens: keeps its constructor options and what it was told to load. */
export class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = []
  readonly webContents = new FakeWebContents()
  loaded: { readonly url?: string; readonly file?: string } | undefined

  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super()
    FakeBrowserWindow.created.push(this)
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url }
    return Promise.resolve()
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { file }
    return Promise.resolve()
  }
  show(): void {}
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created
  }
}

/** `shell`: records the URLs and paths it was asked to open. */
export const shell = {
  openedExternal: [] as string[],
  openExternal(url: string): Promise<void> {
    shell.openedExternal.push(url)
    return Promise.resolve()
  },
  openPath(_path: string): Promise<string> {
    return Promise.resolve('')
  },
}

type Handler = (event: unknown, ...args: unknown[]) => unknown

/** `ipcMain`: keeps the registered handlers so a test can invoke them with events of its making. */
export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler): void {
    if (ipcMain.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    ipcMain.handlers.set(channel, handler)
  },
  removeHandler(channel: string): void {
    ipcMain.handlers.delete(channel)
  },
}

/** `Menu`: building a menu returns its template. */
export const Menu = {
  buildFromTemplate: <T>(template: T): { template: T } => ({ template }),
}

/** The module object handed to `vi.mock('electron', ...)`. */
export const fakeElectron = { BrowserWindow: FakeBrowserWindow, shell, ipcMain, Menu }
