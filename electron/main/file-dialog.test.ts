import { describe, expect, it } from 'vitest'
import { showNativeFileDialog, type FileDialogs } from './file-dialog'

// Electron's dialog cannot open here: a recording stand-in checks what the app asks of it.
function recorder(answer: { canceled: boolean; filePath?: string; filePaths?: string[] }) {
  const calls: { kind: string; withOwner: boolean; options: unknown }[] = []
  const record = (kind: string) =>
    ((...args: unknown[]) => {
      calls.push({ kind, withOwner: args.length === 2, options: args[args.length - 1] })
      return Promise.resolve({ filePath: '', filePaths: [], ...answer })
    }) as never
  const dialogs: FileDialogs = { showSaveDialog: record('save'), showOpenDialog: record('open') }
  return { dialogs, calls }
}

const owner = {} as Electron.BrowserWindow

describe('showNativeFileDialog', () => {
  it('saves with the title, the current path, the ZIP filter, folder creation and an overwrite question', async () => {
    const { dialogs, calls } = recorder({ canceled: false, filePath: '/srv/b.zip' })
    const path = await showNativeFileDialog(dialogs, owner, {
      mode: 'save',
      title: 'Bundle file',
      defaultPath: '/srv/a.zip',
      filters: [{ name: 'ZIP', extensions: ['zip'] }],
    })
    expect(path).toBe('/srv/b.zip')
    expect(calls).toEqual([
      {
        kind: 'save',
        withOwner: true,
        options: {
          title: 'Bundle file',
          defaultPath: '/srv/a.zip',
          filters: [{ name: 'ZIP', extensions: ['zip'] }],
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        },
      },
    ])
  })

  it('opens one existing file; a cancelled dialog gives nothing', async () => {
    const chosen = recorder({ canceled: false, filePaths: ['/srv/in.zip'] })
    expect(await showNativeFileDialog(chosen.dialogs, undefined, { mode: 'open', title: 'Bundle' })).toBe(
      '/srv/in.zip',
    )
    expect(chosen.calls).toEqual([
      { kind: 'open', withOwner: false, options: { title: 'Bundle', properties: ['openFile'] } },
    ])
    const cancelled = recorder({ canceled: true, filePath: '/srv/ignored.zip' })
    expect(
      await showNativeFileDialog(cancelled.dialogs, owner, { mode: 'save', title: 'Bundle' }),
    ).toBeUndefined()
  })
})
