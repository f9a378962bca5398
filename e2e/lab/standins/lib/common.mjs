// Shared helpers for the Gonka stand-ins. Plain Node (>= 20), no npm packages:
// these files run inside a bare image that holds only the `node` binary.
import http from 'node:http'
import crypto from 'node:crypto'

/** Every response and every log line carries this, so nobody mistakes a stand-in for Gonka. */
export const STANDIN_HEADER = 'X-Gonka-Standin'

const servers = []
const timers = []
let shuttingDown = false

export function log(role, ...parts) {
  const line = parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ')
  process.stdout.write(`${new Date().toISOString()} [standin:${role}] ${line}\n`)
}

export function banner(role) {
  process.stdout.write(`STAND-IN ${role} (not the real Gonka service)\n`)
}

/** Port from the first set env var of `names`, else `fallback` (0 = any free port). */
export function envPort(names, fallback) {
  for (const n of names) {
    const v = process.env[n]
    if (v !== undefined && v !== '') {
      const p = Number(v)
      if (Number.isInteger(p) && p >= 0 && p <= 65535) return p
      throw new Error(`${n} is not a port: ${v}`)
    }
  }
  return fallback
}

export function bindHost() {
  return process.env.STANDIN_BIND || '0.0.0.0'
}

export function sendJson(res, status, body, extraHeaders = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...extraHeaders })
  res.end(text + '\n')
}

export function sendText(res, status, text, contentType = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': contentType })
  res.end(text)
}

/** echo-style error body, as the real API's transparent error handler writes it. */
export function sendError(res, status, message) {
  sendJson(res, status, { error: message })
}

export function readBody(req, limit = 16 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > limit) {
        reject(new Error('request body too large'))
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Parses JSON; returns { ok, value } or { ok: false, message } shaped like Go's decoder errors. */
export function parseJson(buf) {
  const text = buf.toString('utf8')
  if (text.trim() === '') return { ok: false, message: 'EOF' }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (e) {
    return { ok: false, message: `Syntax error: ${e instanceof Error ? e.message : String(e)}` }
  }
}

/**
 * Starts an HTTP server whose every response carries the stand-in header.
 * `name` is used in the "listening" line that tests and operators read.
 */
export function startServer(role, name, port, handler, host = bindHost()) {
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      res.setHeader(STANDIN_HEADER, role)
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((err) => {
          log(
            role,
            `${name}: handler error on ${req.method} ${req.url}:`,
            String(err && err.stack ? err.stack : err),
          )
          if (!res.headersSent) sendError(res, 500, String(err && err.message ? err.message : err))
          else res.end()
        })
    })
    server.keepAliveTimeout = 2000
    server.on('error', reject)
    server.listen(port, host, () => {
      const addr = server.address()
      const actual = typeof addr === 'object' && addr ? addr.port : port
      log(role, `listening ${name} on ${host}:${actual}`)
      servers.push(server)
      resolve({ server, port: actual })
    })
  })
}

/** setInterval that is cleared on shutdown and never keeps a busy loop. */
export function every(ms, fn) {
  const t = setInterval(() => {
    Promise.resolve()
      .then(fn)
      .catch(() => {})
  }, ms)
  timers.push(t)
  return t
}

export function installShutdown(role) {
  const stop = (sig) => {
    if (shuttingDown) return
    shuttingDown = true
    log(role, `received ${sig}, stopping`)
    for (const t of timers) clearInterval(t)
    for (const s of servers) {
      s.close()
      if (typeof s.closeAllConnections === 'function') s.closeAllConnections()
    }
    // Nothing to flush: exit now so `docker compose down` never waits 10 s.
    setTimeout(() => process.exit(0), 50).unref()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

/** Keeps a process alive with no work (for the roles that only have to "stay up"). */
export function keepAlive() {
  const t = setInterval(() => {}, 1 << 30)
  timers.push(t)
}

/** GET/POST JSON to another service with a timeout; never throws, returns { ok, status, json, text, error }. */
export async function fetchJson(url, { method = 'GET', body, timeoutMs = 5000 } = {}) {
  try {
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await res.text()
    let json
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { ok: res.ok, status: res.status, json, text }
  } catch (e) {
    return { ok: false, status: 0, error: describeFetchError(e) }
  }
}

/** Go-like wording of a connection error, with the cause Node hides in `cause`. */
export function describeFetchError(e) {
  const cause = e && e.cause
  if (cause && cause.code) {
    return `${cause.code}${cause.address ? ` ${cause.address}${cause.port ? ':' + cause.port : ''}` : ''}: ${cause.message || cause.code}`
  }
  if (e && e.name === 'TimeoutError')
    return 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
  return String(e && e.message ? e.message : e)
}

export function matchPath(pattern, path) {
  // pattern like /admin/v1/nodes/:id/enable ; returns params or null
  const pp = pattern.split('/')
  const xs = path.split('/')
  if (pp.length !== xs.length) return null
  const params = {}
  for (let i = 0; i < pp.length; i++) {
    const p = pp[i]
    if (p.startsWith(':')) {
      if (xs[i] === '') return null
      params[p.slice(1)] = decodeURIComponent(xs[i])
    } else if (p !== xs[i]) return null
  }
  return params
}

export function urlOf(req) {
  return new URL(req.url || '/', 'http://standin.invalid')
}

// ---------------------------------------------------------------------------
// Addresses: real bech32 encoding of ripemd160(sha256(secp256k1 pubkey)), the
// Cosmos SDK rule, so addresses derived here agree with other tools. The keys
// themselves are fake (derived deterministically from a seed string).

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'

function polymod(values) {
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
  let chk = 1
  for (const v of values) {
    const b = chk >> 25
    chk = ((chk & 0x1ffffff) << 5) ^ v
    for (let i = 0; i < 5; i++) if ((b >> i) & 1) chk ^= GEN[i]
  }
  return chk
}

function hrpExpand(hrp) {
  const out = []
  for (const c of hrp) out.push(c.charCodeAt(0) >> 5)
  out.push(0)
  for (const c of hrp) out.push(c.charCodeAt(0) & 31)
  return out
}

function convertBits(data, from, to) {
  let acc = 0
  let bits = 0
  const out = []
  const maxv = (1 << to) - 1
  for (const value of data) {
    acc = (acc << from) | value
    bits += from
    while (bits >= to) {
      bits -= to
      out.push((acc >> bits) & maxv)
    }
  }
  if (bits > 0) out.push((acc << (to - bits)) & maxv)
  return out
}

export function bech32Encode(hrp, bytes) {
  const data = convertBits(bytes, 8, 5)
  const values = [...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]
  const mod = polymod(values) ^ 1
  const checksum = []
  for (let i = 0; i < 6; i++) checksum.push((mod >> (5 * (5 - i))) & 31)
  return hrp + '1' + [...data, ...checksum].map((d) => CHARSET[d]).join('')
}

/** The 20 address bytes, ripemd160(sha256(key)), of a base64 compressed public key; null when not 33 bytes. */
export function addressBytesFromPubkey(pubkeyB64) {
  let raw
  try {
    raw = Buffer.from(String(pubkeyB64).trim(), 'base64')
  } catch {
    return null
  }
  if (raw.length !== 33 || (raw[0] !== 2 && raw[0] !== 3)) return null
  const sha = crypto.createHash('sha256').update(raw).digest()
  return crypto.createHash('ripemd160').update(sha).digest()
}

/** Account address (`gonka1…`) for a base64 secp256k1 compressed public key; null when not 33 bytes. */
export function addressFromPubkey(pubkeyB64, hrp = 'gonka') {
  const bytes = addressBytesFromPubkey(pubkeyB64)
  return bytes === null ? null : bech32Encode(hrp, [...bytes])
}

/**
 * A compressed secp256k1 public key (base64, 33 bytes) that is a real curve point: the private
 * key is sha256 of a seed string, so the same seed always gives the same key. The private key is
 * thrown away; nothing here can sign.
 */
export function fakePubkey(seed) {
  const priv = crypto.createHash('sha256').update(`gonka-standin-key:${seed}`).digest()
  const ecdh = crypto.createECDH('secp256k1')
  ecdh.setPrivateKey(priv)
  return ecdh.getPublicKey(null, 'compressed').toString('base64')
}

/** Drops Go `omitempty` zero values (0, "", false, null, empty arrays) from a plain object, recursively into objects. */
export function omitEmpty(value) {
  if (Array.isArray(value)) return value.map(omitEmpty)
  if (value === null || typeof value !== 'object') return value
  const out = {}
  for (const [k, v] of Object.entries(value)) {
    if (v === 0 || v === '' || v === false || v === null || v === undefined) continue
    if (Array.isArray(v) && v.length === 0) continue
    out[k] = omitEmpty(v)
  }
  return out
}

export function fakeHex(seed, bytes = 32) {
  return crypto
    .createHash('sha256')
    .update(`gonka-standin:${seed}`)
    .digest('hex')
    .repeat(Math.ceil(bytes / 32))
    .slice(0, bytes * 2)
}
