// Helpers for the stand-in unit tests: run a stand-in role as a child process on loopback
// with random ports, read the ports it reports, and talk HTTP to it.
import { spawn, type ChildProcess } from 'node:child_process'
import { createECDH, createHash } from 'node:crypto'
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

/** A real compressed secp256k1 public key (base64, a point on the curve) that is nobody's key: private key sha256(n). */
export function testPubkey(n: number): string {
  const ecdh = createECDH('secp256k1')
  ecdh.setPrivateKey(createHash('sha256').update(`standin-test-key:${n}`).digest())
  return ecdh.getPublicKey(null, 'compressed').toString('base64')
}

const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'

/** `gonka1…` address of a base64 compressed pubkey (bech32 of ripemd160(sha256(key))), written independently of the stand-ins' own code. */
export function testAddress(pubkeyB64: string): string {
  const hash = createHash('ripemd160')
    .update(createHash('sha256').update(Buffer.from(pubkeyB64, 'base64')).digest())
    .digest()
  const words: number[] = []
  let acc = 0
  let bits = 0
  for (const byte of hash) {
    acc = (acc << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      words.push((acc >> bits) & 31)
    }
  }
  if (bits > 0) words.push((acc << (5 - bits)) & 31)
  const hrp = 'gonka'
  const values = [
    ...[...hrp].map((c) => c.charCodeAt(0) >> 5),
    0,
    ...[...hrp].map((c) => c.charCodeAt(0) & 31),
    ...words,
    0,
    0,
    0,
    0,
    0,
    0,
  ]
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
  let chk = 1
  for (const v of values) {
    const top = chk >> 25
    chk = ((chk & 0x1ffffff) << 5) ^ v
    for (let i = 0; i < 5; i++) if ((top >> i) & 1) chk ^= gen[i] ?? 0
  }
  chk ^= 1
  const checksum = Array.from({ length: 6 }, (_, i) => (chk >> (5 * (5 - i))) & 31)
  return `${hrp}1${[...words, ...checksum].map((w) => BECH32[w] ?? '').join('')}`
}
