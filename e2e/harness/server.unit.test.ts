import { request } from 'node:http'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startHarness, tokenMatches, type Harness } from './server'
import { takeTokenFromUrl } from './url-token'

// The real harness on loopback, serving a tiny renderer folder; requests are real HTTP.
let dir: string
let harness: Harness
let port: number

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ghw-harness-'))
  const rendererDir = join(dir, 'renderer')
  await mkdir(rendererDir)
  await writeFile(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head></head><body>app</body></html>',
  )
  harness = await startHarness({ dataDir: join(dir, 'data'), rendererDir })
  port = Number(new URL(harness.url).port)
})

afterAll(async () => {
  await harness.close()
  await rm(dir, { recursive: true, force: true })
})

/** GET /index.html on the harness with the given Host header (none if undefined); resolves to the status. */
function getWithHost(host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = host === undefined ? {} : { host }
    const options = { host: '127.0.0.1', port, path: '/index.html', headers, setHost: host !== undefined }
    const req = request(options, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Opens the harness WebSocket as a page would; resolves to 'open' or the refusal's status. */
function connect(token: string, headers: { origin: string; host?: string }): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${harness.wsUrl}?token=${encodeURIComponent(token)}`, { headers })
    ws.on('open', () => {
      ws.close()
      resolve('open')
    })
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)))
    ws.on('error', () => resolve('error'))
  })
}

describe('the harness static files', () => {
  it('are served to our own host names', async () => {
    expect(await getWithHost(`127.0.0.1:${port}`)).toBe(200)
    expect(await getWithHost(`localhost:${port}`)).toBe(200)
  })

  it('are refused to any other Host header (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1']) {
      expect(await getWithHost(host), host).toBe(421)
    }
    // No Host header at all: Node's own HTTP/1.1 server refuses it.
    expect(await getWithHost(undefined)).toBe(400)
  })
})

describe('the harness WebSocket', () => {
  const origin = () => `http://127.0.0.1:${port}`

  it('opens for our origin with the token', async () => {
    expect(await connect(harness.token, { origin: origin() })).toBe('open')
  })

  it('refuses a wrong, shorter, longer or empty token', async () => {
    for (const token of ['wrong', harness.token.slice(1), harness.token + 'x', '']) {
      expect(await connect(token, { origin: origin() }), token).toBe('401')
    }
  })

  it('refuses another origin or another Host, even with the token', async () => {
    expect(await connect(harness.token, { origin: 'http://evil.example' })).toBe('403')
    expect(await connect(harness.token, { origin: origin(), host: `evil.example:${port}` })).toBe('403')
  })
})

describe('tokenMatches', () => {
  it('is true only for the exact token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true)
    expect(tokenMatches('abd', 'abc')).toBe(false)
    expect(tokenMatches('ab', 'abc')).toBe(false)
    expect(tokenMatches('', 'abc')).toBe(false)
  })
})

describe('takeTokenFromUrl (browser mode)', () => {
  function page(hash: string) {
    const entries: string[] = []
    const history = {
      state: { k: 1 },
      replaceState: (_state: unknown, _unused: string, url: string) => entries.push(url),
    }
    return { location: { hash, pathname: '/index.html', search: '?lang=en' }, history, entries }
  }

  it('returns the token and replaces the history entry with the address without it', () => {
    const { location, history, entries } = page('#token=s3cr3t')
    expect(takeTokenFromUrl(location, history)).toBe('s3cr3t')
    expect(entries).toEqual(['/index.html?lang=en'])
  })

  it('keeps other fragment parameters', () => {
    const { location, history, entries } = page('#token=s3cr3t&step=checks')
    expect(takeTokenFromUrl(location, history)).toBe('s3cr3t')
    expect(entries).toEqual(['/index.html?lang=en#step=checks'])
  })

  it('leaves the history alone when there is no token', () => {
    const { location, history, entries } = page('')
    expect(takeTokenFromUrl(location, history)).toBe('')
    expect(entries).toEqual([])
  })
})
