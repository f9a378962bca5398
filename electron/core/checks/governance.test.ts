import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateSeedApiUrl } from '../../shared/profile'
import { AppFailure } from '../errors'
import {
  fetchGovernanceModels,
  governanceModelsUrl,
  mapGovernanceModels,
  parseSeedApiUrl,
  vramGbFromGovernance,
} from './governance'
import { closedPortUrl } from '../../test-support/seed-stub'

/** A record shaped like the seed's (fields as in the lab stand-in and the reference §3.6). */
const record = (id: string, vRam: unknown, extra: Record<string, unknown> = {}) => ({
  proposed_by: 'gonka10d07y265gmmuvt4z0w9aw880jnsr700j2h5m33',
  id,
  units_of_compute_per_token: 1000,
  context_window: 180000,
  quantization: 'FP8',
  coins_per_input_token: 0,
  coins_per_output_token: 0,
  hf_repo: id,
  hf_commit: '7872f01b1d1fe23eabc4c98b48bffcef5a386062',
  model_args: ['--max-model-len', '180000'],
  v_ram: vRam,
  throughput_per_nonce: 1000,
  validation_threshold: { value: 970, exponent: -3 },
  ...extra,
})

const failureOf = async (p: Promise<unknown>): Promise<AppFailure> => {
  try {
    await p
  } catch (error) {
    if (error instanceof AppFailure) return error
    throw error
  }
  throw new Error('expected a failure')
}

describe('seed API URL', () => {
  it.each([
    ['http://node2.gonka.ai:8000', undefined],
    ['https://seed.example.org/', undefined],
    ['http://10.0.0.5:8000/prefix', undefined],
    ['http://[::1]:8000', undefined],
    ['', undefined],
    ['node2.gonka.ai:8000', 'seedUrlScheme'],
    ['node2.gonka.ai', 'seedUrlInvalid'],
    ['ftp://node2.gonka.ai', 'seedUrlScheme'],
    ['file:///etc/passwd', 'seedUrlScheme'],
    ['http://', 'seedUrlInvalid'],
    ['http:node2.gonka.ai', 'seedUrlInvalid'],
    ['http://user:secret@node2.gonka.ai:8000', 'seedUrlCredentials'],
    ['http://user@node2.gonka.ai:8000', 'seedUrlCredentials'],
    ['http://node2.gonka.ai:8000/?x=1', 'seedUrlQuery'],
    ['http://node2.gonka.ai:8000#top', 'seedUrlQuery'],
  ])('%s → %s', (raw, key) => {
    expect(validateSeedApiUrl(raw)).toBe(key)
  })

  it('a bad URL is INVALID_INPUT with the field key and a hint', () => {
    let caught: unknown
    try {
      parseSeedApiUrl('http://me:pw@seed:8000')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(AppFailure)
    expect(caught).toMatchObject({ code: 'INVALID_INPUT', fields: { seedApiUrl: 'seedUrlCredentials' } })
    expect((caught as AppFailure).hint).toMatch(/password/)
    expect(() => parseSeedApiUrl('')).toThrow(AppFailure)
  })

  it('joins the governance path, keeping a path prefix', () => {
    expect(governanceModelsUrl(parseSeedApiUrl('http://node2.gonka.ai:8000')).href).toBe(
      'http://node2.gonka.ai:8000/v1/governance/models',
    )
    expect(governanceModelsUrl(parseSeedApiUrl('https://x.org/seed/')).href).toBe(
      'https://x.org/seed/v1/governance/models',
    )
  })
})

describe('mapping the governance list', () => {
  it('maps id and v_ram (GB) and takes the weights size from the offline list', () => {
    const out = mapGovernanceModels({
      models: [record('MiniMaxAI/MiniMax-M2.7', 320), record('moonshotai/Kimi-K2.6', '720')],
    })
    expect(out.models).toEqual([
      { id: 'MiniMaxAI/MiniMax-M2.7', vramGb: 320, weightsGb: 230, modelArgs: ['--max-model-len', '180000'] },
      { id: 'moonshotai/Kimi-K2.6', vramGb: 720, modelArgs: ['--max-model-len', '180000'] },
    ])
    expect(out.skipped).toEqual([])
  })

  it('reads an implausibly large v_ram as MiB', () => {
    expect(vramGbFromGovernance(327_680)).toBe(320)
    expect(vramGbFromGovernance(80)).toBe(80)
    expect(vramGbFromGovernance(0)).toBeUndefined()
    expect(vramGbFromGovernance(undefined)).toBeUndefined()
  })

  it('a record without v_ram uses the offline figure, or is skipped and named', () => {
    const out = mapGovernanceModels({
      models: [
        record('Qwen/Qwen3-32B-FP8', 0),
        record('new/Unknown-Model', null),
        { id: 42 },
        record('test/ok', 48),
        record('test/ok', 96),
      ],
    })
    expect(out.models).toEqual([
      { id: 'Qwen/Qwen3-32B-FP8', vramGb: 80, modelArgs: ['--max-model-len', '180000'] },
      { id: 'test/ok', vramGb: 48, modelArgs: ['--max-model-len', '180000'] },
    ])
    expect(out.skipped).toEqual(['new/Unknown-Model: no GPU memory figure (v_ram)', '#3: not a model record'])
  })

  it('not a list, or a list without a usable model, is CHECK_FAILED with the reason', () => {
    expect(() => mapGovernanceModels({ data: [] })).toThrow(
      expect.objectContaining({ code: 'CHECK_FAILED', details: { reason: 'shape' } }),
    )
    expect(() => mapGovernanceModels([])).toThrow(expect.objectContaining({ code: 'CHECK_FAILED' }))
    expect(() => mapGovernanceModels({ models: [] })).toThrow(
      expect.objectContaining({ code: 'CHECK_FAILED', details: { reason: 'empty' } }),
    )
    expect(() => mapGovernanceModels({ models: null })).toThrow(
      expect.objectContaining({ details: { reason: 'empty' } }),
    )
  })
})

describe('fetchGovernanceModels over real HTTP on 127.0.0.1', () => {
  let server: Server
  let base = ''
  const requests: string[] = []
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>()
  const json =
    (body: unknown, status = 200) =>
    (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
  routes.set('/v1/governance/models', json({ models: [record('MiniMaxAI/MiniMax-M2.7', 320)] }))
  routes.set('/prefix/v1/governance/models', json({ models: [record('test/a', '96')] }))
  routes.set('/broken/v1/governance/models', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<html>not json</html>')
  })
  routes.set('/e500/v1/governance/models', json({ error: 'boom' }, 500))
  routes.set('/slow/v1/governance/models', (_req, res) => {
    setTimeout(() => json({ models: [] })(_req, res), 3000).unref()
  })
  routes.set('/huge/v1/governance/models', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    const chunk = 'x'.repeat(64 * 1024)
    let sent = 0
    const push = (): void => {
      while (sent < 80 && res.write(chunk)) sent++
      if (sent >= 80) res.end()
      else res.once('drain', push)
    }
    push()
  })

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers.accept}`)
      const handler = routes.get(req.url ?? '')
      if (handler) handler(req, res)
      else json({ code: 5, message: 'Not Found' }, 404)(req, res)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('reads and maps the list', async () => {
    const out = await fetchGovernanceModels(`${base}/`)
    expect(out).toEqual({
      url: `${base}/v1/governance/models`,
      models: [
        {
          id: 'MiniMaxAI/MiniMax-M2.7',
          vramGb: 320,
          weightsGb: 230,
          modelArgs: ['--max-model-len', '180000'],
        },
      ],
      skipped: [],
    })
    expect(requests).toContain('GET /v1/governance/models application/json')
  })

  it('keeps a path prefix', async () => {
    const out = await fetchGovernanceModels(`${base}/prefix`)
    expect(out.models).toEqual([{ id: 'test/a', vramGb: 96, modelArgs: ['--max-model-len', '180000'] }])
  })

  it('404 is CHECK_FAILED (http) naming the status; 500 is UNREACHABLE', async () => {
    const e404 = await failureOf(fetchGovernanceModels(`${base}/nothing`))
    expect(e404).toMatchObject({ code: 'CHECK_FAILED', details: { reason: 'http', status: 404 } })
    expect(e404.message).toContain('HTTP 404')
    expect(e404.hint).toBeTruthy()
    const e500 = await failureOf(fetchGovernanceModels(`${base}/e500`))
    expect(e500).toMatchObject({ code: 'UNREACHABLE', details: { reason: 'http', status: 500 } })
  })

  it('an answer that is not JSON is CHECK_FAILED (json)', async () => {
    const e = await failureOf(fetchGovernanceModels(`${base}/broken`))
    expect(e).toMatchObject({ code: 'CHECK_FAILED', details: { reason: 'json' } })
  })

  it('an answer over the size cap is refused', async () => {
    const e = await failureOf(fetchGovernanceModels(`${base}/huge`))
    expect(e).toMatchObject({ code: 'CHECK_FAILED', details: { reason: 'shape' } })
    expect(e.message).toMatch(/larger than/)
  })

  it('a slow seed is TIMEOUT; the caller aborting is CANCELLED', async () => {
    const t = await failureOf(fetchGovernanceModels(`${base}/slow`, { timeoutMs: 200 }))
    expect(t).toMatchObject({ code: 'TIMEOUT', details: { reason: 'timeout' } })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const c = await failureOf(fetchGovernanceModels(`${base}/slow`, { signal: controller.signal }))
    expect(c.code).toBe('CANCELLED')
    const already = new AbortController()
    already.abort()
    expect((await failureOf(fetchGovernanceModels(base, { signal: already.signal }))).code).toBe('CANCELLED')
  })

  it('nothing listening is UNREACHABLE with the socket error', async () => {
    const e = await failureOf(fetchGovernanceModels(await closedPortUrl()))
    expect(e).toMatchObject({ code: 'UNREACHABLE', details: { reason: 'network' } })
    expect(e.message).toContain('ECONNREFUSED')
  })

  it('a bad URL fails before any request', async () => {
    const before = requests.length
    const e = await failureOf(fetchGovernanceModels(`ftp://127.0.0.1/`))
    expect(e).toMatchObject({ code: 'INVALID_INPUT', fields: { seedApiUrl: 'seedUrlScheme' } })
    expect(requests.length).toBe(before)
  })
})
