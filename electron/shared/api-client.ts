import { OPERATION_NAMES, type AppApi, type CallOptions } from './contract'
import type { PushedEvent } from './progress'
import type { Result } from './result'

/** What a transport (Electron IPC, the e2e WebSocket) must provide to back `window.api`. */
export interface ApiTransport {
  call(op: string, input: unknown, options: CallOptions): Promise<Result<unknown>>
  cancel(runId: string): Promise<void>
  subscribe(listener: (event: PushedEvent) => void): () => void
}

/**
 * Builds the `window.api` object from the contract: one function per operation, plus cancel and
 * onEvent. The preload bridge and the e2e harness both use this, so only the transport differs.
 */
export function buildApi(transport: ApiTransport): AppApi {
  const api: Record<string, unknown> = {}
  for (const name of OPERATION_NAMES) {
    api[name] = (input: unknown, options: CallOptions = {}) => transport.call(name, input, options)
  }
  api.cancel = (runId: string) => transport.cancel(runId)
  api.onEvent = (listener: (event: PushedEvent) => void) => transport.subscribe(listener)
  return api as AppApi
}
