// Runs in the page (bundled to an IIFE and installed as a Playwright init script, or injected by the
// harness in browser mode). Defines window.api from the contract, over the harness WebSocket.
import { buildApi } from '../../electron/shared/api-client'
import type { PushedEvent } from '../../electron/shared/progress'
import type { Result } from '../../electron/shared/result'
import { WS_PATH, type HarnessConfig, type ServerMessage } from './protocol'
import { takeTokenFromUrl } from './url-token'

declare global {
  var __GHW_HARNESS__: HarnessConfig | undefined
}

function config(): HarnessConfig {
  const given = globalThis.__GHW_HARNESS__
  if (given) return given
  // Browser mode: the token comes in the fragment and leaves the address and history at once.
  const token = takeTokenFromUrl(location, history)
  return { url: `ws://${location.host}${WS_PATH}`, token }
}

const { url, token } = config()
const pending = new Map<number, (result: Result<unknown>) => void>()
const listeners = new Set<(event: PushedEvent) => void>()
let nextId = 1
const socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`)
const opened = new Promise<void>((resolve, reject) => {
  socket.addEventListener('open', () => resolve())
  socket.addEventListener('error', () => reject(new Error('harness connection failed')))
})
socket.addEventListener('message', (message: MessageEvent<string>) => {
  const data = JSON.parse(message.data) as ServerMessage
  if (data.t === 'result') {
    pending.get(data.id)?.(data.result as Result<unknown>)
    pending.delete(data.id)
  } else {
    for (const listener of listeners) listener(data.event as PushedEvent)
  }
})
socket.addEventListener('close', () => {
  for (const resolve of pending.values()) {
    resolve({
      ok: false,
      error: { code: 'CONNECTION_LOST', message: 'The back end went away.', retryable: true },
    })
  }
  pending.clear()
})

async function send(message: object): Promise<void> {
  await opened
  socket.send(JSON.stringify(message))
}

const api = buildApi({
  call: (op, input, options) =>
    new Promise((resolve) => {
      const id = nextId++
      pending.set(id, resolve)
      void send({ t: 'call', id, op, input, ...(options.runId ? { runId: options.runId } : {}) })
    }),
  cancel: (runId) => send({ t: 'cancel', runId }),
  subscribe: (listener) => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
})

Object.defineProperty(window, 'api', { value: Object.freeze(api), writable: false, configurable: false })
