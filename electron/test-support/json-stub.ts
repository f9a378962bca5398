// Test support: a tiny HTTP server on 127.0.0.1 that answers from a route table ("METHOD /path" →
// status and body, or a function of the request body). Real HTTP for clients under test; it records
// every request so tests can assert what was sent.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One canned answer: a JSON value (or raw text) with a status. */
export interface StubAnswer {
  readonly status: number
  readonly body?: unknown
  /** Sent as is instead of JSON. */
  readonly text?: string
}

/** A route: a canned answer, or one computed from the parsed request body. */
export type StubRoute = StubAnswer | ((body: unknown, req: IncomingMessage) => StubAnswer)

/** A running stub. */
export interface JsonStub {
  readonly url: string
  readonly port: number
  /** Every request as `METHOD /path` with its parsed JSON body. */
  readonly requests: { route: string; body: unknown }[]
  /** Replaces or adds routes while running. */
  set(route: string, answer: StubRoute): void
  close(): Promise<void>
}

/** Starts a stub answering `routes`; unknown routes get 404 `{"error":"no route"}`. */
export async function startJsonStub(routes: Record<string, StubRoute>): Promise<JsonStub> {
  const table = new Map(Object.entries(routes))
  const requests: { route: string; body: unknown }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body: unknown = undefined
      try {
        body = raw === '' ? undefined : JSON.parse(raw)
      } catch {
        body = raw
      }
      const route = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0] ?? '/'}`
      requests.push({ route, body })
      const entry = table.get(route)
      const answer: StubAnswer = entry
        ? typeof entry === 'function'
          ? entry(body, req)
          : entry
        : { status: 404, body: { error: 'no route' } }
      const text = answer.text ?? JSON.stringify(answer.body ?? null)
      res.writeHead(answer.status, { 'content-type': 'application/json' })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    set(route, answer) {
      table.set(route, answer)
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
