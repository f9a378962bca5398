import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { z } from 'zod'
import { callRequestSchema } from '../shared/contract'
import { fail } from '../shared/result'
import type { AppService } from '../core/service'

/** IPC channel names; the preload uses the same strings. */
export const CHANNELS = { call: 'ghw:call', cancel: 'ghw:cancel', event: 'ghw:event' } as const

/**
 * Registers the contract on IPC. Every message is checked: it must come from our own window's main
 * frame showing our own renderer (`isTrusted`), and its payload is parsed before core sees it.
 */
export function registerIpc(
  service: AppService,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
  target: () => WebContents | undefined,
  afterCall: (op: string) => void = () => undefined,
): () => void {
  ipcMain.handle(CHANNELS.call, async (event, raw: unknown) => {
    if (!isTrusted(event)) {
      return fail({
        code: 'PERMISSION_DENIED',
        message: 'This window may not call the app.',
        retryable: false,
      })
    }
    const request = callRequestSchema.safeParse(raw)
    if (!request.success) {
      return fail({ code: 'INVALID_INPUT', message: 'The request was malformed.', retryable: false })
    }
    const { op, input, runId } = request.data
    const result = await service.call(op, input, runId === undefined ? {} : { runId })
    if (result.ok) afterCall(op)
    return result
  })
  ipcMain.handle(CHANNELS.cancel, (event, raw: unknown) => {
    const runId = z.string().max(64).safeParse(raw)
    if (isTrusted(event) && runId.success) service.cancel(runId.data)
  })
  const unsubscribe = service.onEvent((pushed) => {
    const contents = target()
    if (contents && !contents.isDestroyed()) contents.send(CHANNELS.event, pushed)
  })
  return () => {
    unsubscribe()
    ipcMain.removeHandler(CHANNELS.call)
    ipcMain.removeHandler(CHANNELS.cancel)
  }
}
