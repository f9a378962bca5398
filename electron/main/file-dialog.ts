import type { PickFileRequest } from '../shared/desktop'

/** The part of Electron's `dialog` the file dialog uses. */
export type FileDialogs = Pick<Electron.Dialog, 'showSaveDialog' | 'showOpenDialog'>

/**
 * Shows Electron's save or open dialog for `request`, attached to `owner` when there is a window:
 * a save dialog may create folders and asks before replacing a file; an open dialog picks one file.
 */
export async function showNativeFileDialog(
  dialogs: FileDialogs,
  owner: Electron.BrowserWindow | undefined,
  request: PickFileRequest,
): Promise<string | undefined> {
  const common = {
    title: request.title,
    ...(request.defaultPath ? { defaultPath: request.defaultPath } : {}),
    ...(request.filters
      ? { filters: request.filters.map((f) => ({ ...f, extensions: [...f.extensions] })) }
      : {}),
  }
  if (request.mode === 'save') {
    const options: Electron.SaveDialogOptions = {
      ...common,
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    }
    const r = owner ? await dialogs.showSaveDialog(owner, options) : await dialogs.showSaveDialog(options)
    return r.canceled ? undefined : r.filePath
  }
  const options: Electron.OpenDialogOptions = { ...common, properties: ['openFile'] }
  const r = owner ? await dialogs.showOpenDialog(owner, options) : await dialogs.showOpenDialog(options)
  return r.canceled ? undefined : r.filePaths[0]
}
