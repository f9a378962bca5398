import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { readFile } from 'node:fs/promises'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { homedir } from 'node:os'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { createService, type AppService } from '../../electron/core/service'
import { defaultUserDataDir } from '../../electron/core/storage/user-data-dir'
import { clientMessageSchema, WS_PATH, type ServerMessage } from './protocol'
import { clientBundlePath } from './client-bundle'

const ROOT = resolve(__dirname, '..', '..')
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
}

/** A running harness: the built renderer and the app service, on loopback only. */
export interface Harness {
  /** The page to open, e.g. http://127.0.0.1:PORT/index.html */
  readonly url: string
  readonly wsUrl: string
  /** The per-run secret the page must present on the WebSocket. */
  readonly token: string
  readonly service: AppService
  close(): Promise<void>
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  /** The app data folder (profiles, settings). */
  readonly dataDir: string
  /** Home folder the service sees (~/.ssh); defaults to a folder inside dataDir so tests never read the real one. */
  readonly homeDir?: string
  readonly port?: number
  /** Inject the client script into index.html (browser mode); Playwright uses an init script instead. */
  readonly injectClient?: boolean
  readonly rendererDir?: string
}

/**
 * Serves `out/renderer` and `electron/core/service.ts` to a browser over a loopback WebSocket. Only the
 * transport differs from the desktop app: a connection needs the per-run token and our own origin.
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const rendererDir = options.rendererDir ?? join(ROOT, 'out', 'renderer')
  const token = randomBytes(24).toString('base64url')
  const service = createService({
    dataDir: options.dataDir,
    appName: 'Gonka Host Wizard',
    appVersion: await readVersion(),
    platform: process.platform,
    runtime: 'browser-harness',
    homeDir: options.homeDir ?? join(options.dataDir, 'home'),
  })
  const clientJs = options.injectClient ? await readFile(await clientBundlePath(), 'utf8') : undefined

  const port = (): number => (http.address() as AddressInfo).port
  const http = createServer((req, res) => {
    // A page on another name that resolves here (DNS rebinding) must not read our files.
    if (!isOwnHost(req.headers.host, port())) {
      res.writeHead(421, { connection: 'close' }).end()
      return
    }
    void serveStatic(req, res, rendererDir, clientJs).catch(() => {
      res.writeHead(500).end()
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 })
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const tokenOk = url.pathname === WS_PATH && tokenMatches(url.searchParams.get('token') ?? '', token)
    // A foreign page (any other origin or host name) must never drive the app, even with the token.
    const originOk =
      ownOrigins(port()).includes(req.headers.origin ?? '') && isOwnHost(req.headers.host, port())
    if (!tokenOk || !originOk) {
      socket.write(`HTTP/1.1 ${tokenOk ? '403 Forbidden' : '401 Unauthorized'}\r\nConnection: close\r\n\r\n`)
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, service))
  })
  await new Promise<void>((done) => http.listen(options.port ?? 0, '127.0.0.1', done))
  return {
    url: `http://127.0.0.1:${port()}/index.html`,
    wsUrl: `ws://127.0.0.1:${port()}${WS_PATH}`,
    token,
    service,
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      await new Promise<void>((done) => http.close(() => done()))
      await service.dispose()
    },
  }
}

/** The names the harness answers to: loopback by address or as localhost, on its own port. */
function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
}

/** Whether a request's Host header names this harness (127.0.0.1:<port> or localhost:<port>). */
export function isOwnHost(host: string | undefined, port: number): boolean {
  return host !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`].includes(host.toLowerCase())
}

/** Compares a presented token with ours in constant time (SHA-256 digests: equal-length buffers). */
export function tokenMatches(given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()
  return timingSafeEqual(digest(given), digest(expected)) && given.length > 0
}

function attach(ws: WebSocket, service: AppService): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message))
  }
  const unsubscribe = service.onEvent((event) => send({ t: 'event', event }))
  ws.on('close', unsubscribe)
  ws.on('message', (raw: Buffer) => {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      return
    }
    const message = clientMessageSchema.safeParse(parsed)
    if (!message.success) return
    if (message.data.t === 'cancel') {
      service.cancel(message.data.runId)
      return
    }
    const { id, op, input, runId } = message.data
    void service
      .call(op, input, runId === undefined ? {} : { runId })
      .then((result) => send({ t: 'result', id, result }))
  })
}

async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  rendererDir: string,
  clientJs: string | undefined,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end()
    return
  }
  if (clientJs !== undefined && url.pathname === '/__harness/client.js') {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.js'] ?? 'text/javascript' }).end(clientJs)
    return
  }
  const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1))
  const file = normalize(join(rendererDir, relative))
  if (!file.startsWith(rendererDir + sep)) {
    res.writeHead(403).end()
    return
  }
  let body: Buffer
  try {
    body = await readFile(file)
  } catch {
    res.writeHead(404).end()
    return
  }
  if (clientJs !== undefined && file.endsWith('index.html')) {
    // Browser mode: load the harness client before the app (same origin, so the CSP allows it).
    body = Buffer.from(
      body.toString('utf8').replace('<head>', '<head><script src="/__harness/client.js"></script>'),
    )
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

async function readVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}

/** Default data folder for browser mode (`npm start` without Electron): the desktop app's own. */
export function defaultBrowserModeDataDir(): string {
  return defaultUserDataDir(process.platform, process.env, homedir())
}
