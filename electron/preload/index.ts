import { contextBridge, ipcRenderer } from 'electron'
import { buildApi } from '../shared/api-client'
import type { PushedEvent } from '../shared/progress'
import type { Result } from '../shared/result'
import type { DesktopApi } from '../shared/desktop'

// Same strings as electron/main/ipc.ts and electron/shared/desktop.ts (the preload is sandboxed and
// bundled on its own).
const CHANNELS = {
  call: 'ghw:call',
  cancel: 'ghw:cancel',
  event: 'ghw:event',
  pickFile: 'ghw:pick-file',
} as const

const api = buildApi({
  call: (op, input, options) =>
    ipcRenderer.invoke(CHANNELS.call, { op, input, runId: options.runId }) as Promise<Result<unknown>>,
  cancel: async (runId) => {
    await ipcRenderer.invoke(CHANNELS.cancel, runId)
  },
  subscribe: (listener) => {
    const handler = (_event: unknown, pushed: PushedEvent): void => listener(pushed)
    ipcRenderer.on(CHANNELS.event, handler)
    return () => {
      ipcRenderer.removeListener(CHANNELS.event, handler)
    }
  },
})

contextBridge.exposeInMainWorld('api', api)

// What only the desktop shell can do: the native file dialog (the main process validates the request).
const desktop: DesktopApi = {
  pickFile: (request) => ipcRenderer.invoke(CHANNELS.pickFile, request) as Promise<string | undefined>,
}
contextBridge.exposeInMainWorld('desktop', desktop)
