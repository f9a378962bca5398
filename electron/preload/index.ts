import { contextBridge, ipcRenderer } from 'electron'
import { buildApi } from '../shared/api-client'
import type { PushedEvent } from '../shared/progress'
import type { Result } from '../shared/result'

// Same strings as electron/main/ipc.ts (the preload is sandboxed and bundled on its own).
const CHANNELS = { call: 'ghw:call', cancel: 'ghw:cancel', event: 'ghw:event' } as const

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
