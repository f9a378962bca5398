// Test support: a seed node's public API on 127.0.0.1 that answers only `GET /v1/governance/models`
// (every other path 404s), and the URL of a port where nothing listens. Real HTTP, no mocked fetch.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running seed stub; `close` ends it and its open connections. */
export interface SeedStub {
  readonly url: string
  close(): Promise<void>
}

/** Starts a seed stub that answers `{"models": models}`. */
export async function startSeedStub(models: readonly Record<string, unknown>[]): Promise<SeedStub> {
  const server = createServer((req, res) => {
    if (req.url !== '/v1/governance/models') {
      res.writeHead(404)
      res.end()
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ models }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** `http://127.0.0.1:PORT` for a port that was free a moment ago and has nothing listening. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
