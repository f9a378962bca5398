import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { z } from 'zod'
import { callRequestSchema } from '../shared/contract'
import { DESKTOP_CHANNELS, pickFileRequestSchema, type PickFileRequest } from '../shared/desktop'
import { fail } from '../shared/result'
import type { AppService } from '../core/service'
import { isTrustedSender, type SenderFacts } from './security'

/** IPC channel names; the preload uses the same strings. */
export const CHANNELS = { call: 'ghw:call', cancel: 'ghw:cancel', event: 'ghw:event' } as const

/** Who sent an IPC message, as {@link isTrustedSender} judges it. */
export function senderOf(event: IpcMainInvokeEvent): SenderFacts {
  const frame = event.senderFrame
  return {
    webContentsId: event.sender.id,
    frame: frame
      ? { url: frame.url, isMainFrame: frame.parent === null && frame === event.sender.mainFrame }
      : null,
  }
}

/**
 * Registers the contract on IPC. Every message is checked: it must come from our own window's main
 * frame showing our own renderer (`isOwnUrl`), and its payload is parsed before core sees it. Events
 * are pushed to the window only.
 */
export function registerIpc(
  service: AppService,
  window: () => WebContents | undefined,
  isOwnUrl: (url: string) => boolean,
  afterCall: (op: string) => void = () => undefined,
): () => void {
  const isTrusted = (event: IpcMainInvokeEvent): boolean =>
    isTrustedSender(senderOf(event), window()?.id, isOwnUrl)
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
    const contents = window()
    if (contents && !contents.isDestroyed()) contents.send(CHANNELS.event, pushed)
  })
  return () => {
    unsubscribe()
    ipcMain.removeHandler(CHANNELS.call)
    ipcMain.removeHandler(CHANNELS.cancel)
  }
}

/** Shows the native dialog for a valid request; the chosen path, or undefined when cancelled. */
export type ShowFileDialog = (request: PickFileRequest) => Promise<string | undefined>

/**
 * Registers the native file dialog on IPC, with the same sender check as the service's channel: only
 * our own window's main frame showing our page may ask, and only with a valid request. Anything else
 * answers undefined without showing a dialog. Returns the unregister function.
 */
export function registerDesktopIpc(
  window: () => WebContents | undefined,
  isOwnUrl: (url: string) => boolean,
  show: ShowFileDialog,
): () => void {
  ipcMain.handle(DESKTOP_CHANNELS.pickFile, async (event, raw: unknown) => {
    if (!isTrustedSender(senderOf(event), window()?.id, isOwnUrl)) return undefined
    const request = pickFileRequestSchema.safeParse(raw)
    if (!request.success) return undefined
    const path = await show(request.data)
    return path === undefined || path === '' ? undefined : path
  })
  return () => ipcMain.removeHandler(DESKTOP_CHANNELS.pickFile)
}
