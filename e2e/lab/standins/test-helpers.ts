// Helpers for the stand-in unit tests: run a stand-in role as a child process on loopback
// with random ports, read the ports it reports, and talk HTTP to it.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const STANDINS_DIR = path.dirname(fileURLToPath(import.meta.url))
export const SERVER = path.join(STANDINS_DIR, 'server.mjs')

export interface RunningRole {
  /** listener name (as in the "listening NAME on HOST:PORT" log line) → port */
  ports: Map<string, number>
  logs: string[]
  proc: ChildProcess
  port(namePrefix: string): number
  stop(): Promise<number | null>
}

/** A port that was free a moment ago (for the few cases where a port must be known before start). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const p = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(p))
    })
  })
}

/** Starts `node server.mjs` with STANDIN_ROLE=role; resolves once `expected` listeners are up and it logged "ready". */
export async function startRole(
  role: string,
  env: Record<string, string>,
  expected: number,
): Promise<RunningRole> {
  const proc = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', STANDIN_ROLE: role, STANDIN_BIND: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  const ports = new Map<string, number>()
  let buf = ''
  const onData = (d: Buffer): void => {
    buf += d.toString('utf8')
    let i: number
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      logs.push(line)
      const m = /listening (.+) on 127\.0\.0\.1:(\d+)$/.exec(line)
      if (m?.[1] && m[2]) ports.set(m[1], Number(m[2]))
    }
  }
  proc.stdout?.on('data', onData)
  proc.stderr?.on('data', onData)
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (ports.size >= expected && logs.some((l) => l.endsWith(`[standin:${role}] ready`))) {
        clearInterval(timer)
        resolve()
      }
    }, 20)
    void exited.then((code) => {
      clearInterval(timer)
      reject(new Error(`${role} exited with ${String(code)} before listening:\n${logs.join('\n')}`))
    })
  })
  return {
    ports,
    logs,
    proc,
    port(prefix: string): number {
      for (const [k, v] of ports) if (k.startsWith(prefix)) return v
      throw new Error(`no listener "${prefix}" in ${[...ports.keys()].join(', ')}`)
    },
    async stop(): Promise<number | null> {
      if (proc.exitCode === null) proc.kill('SIGTERM')
      return exited
    },
  }
}

/** Runs a role that is expected to exit; resolves with exit code and output. */
export async function runToExit(
  role: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', STANDIN_ROLE: role, STANDIN_BIND: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  proc.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')))
  proc.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')))
  const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)))
  return { code, output }
}

export interface HttpResult {
  status: number
  headers: Headers
  text: string
  json: unknown
}

export async function http(url: string, init: { method?: string; body?: unknown } = {}): Promise<HttpResult> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.body === undefined ? {} : { 'Content-Type': 'application/json' },
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
  })
  const text = await res.text()
  let json: unknown = undefined
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

/** Polls `fn` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 15000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  for (;;) {
    try {
      const v = await fn()
      if (v !== undefined) return v
    } catch (e) {
      last = e instanceof Error ? e.message : JSON.stringify(e)
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

/** A well-formed compressed secp256k1 public key (base64) that is not anybody's real key. */
export function testPubkey(n: number): string {
  const b = Buffer.alloc(33, n)
  b[0] = 2
  return b.toString('base64')
}
