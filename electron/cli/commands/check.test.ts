import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FALLBACK_MODELS_AS_OF } from '../../core/checks/models'
import { main } from '../index'
import type { CliIo } from '../io'
import { cliModels } from './check'

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    stdin: Readable.from([]),
    env: {},
  }
}

let seed: Server
let seedUrl = ''
let deadUrl = ''
beforeAll(async () => {
  seed = createServer((req, res) => {
    res.writeHead(req.url === '/v1/governance/models' ? 200 : 404, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        models: [
          { id: 'MiniMaxAI/MiniMax-M2.7', v_ram: 320 },
          { id: 'net/Only-On-Network', v_ram: 96 },
          { id: 'net/No-Vram' },
        ],
      }),
    )
  })
  await new Promise<void>((resolve) => seed.listen(0, '127.0.0.1', resolve))
  seedUrl = `http://127.0.0.1:${(seed.address() as AddressInfo).port}`
  const dead = createServer()
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve))
  deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => dead.close(() => resolve()))
})
afterAll(async () => {
  seed.closeAllConnections()
  await new Promise<void>((resolve) => seed.close(() => resolve()))
})

describe('check --seed', () => {
  it('is in the usage and the help', async () => {
    const out = io()
    expect(await main(['check', '--help'], out)).toBe(0)
    const text = out.lines.join('\n')
    expect(text).toContain('--seed URL')
    expect(text).toContain('/v1/governance/models')
  })

  it.each(['ftp://seed', 'http://u:p@seed:8000', 'node2.gonka.ai:8000', ''])(
    'refuses --seed %j with exit 2 before reading anything',
    async (url) => {
      const out = io()
      expect(await main(['check', '--profile', '/nonexistent/profile.json', '--seed', url], out)).toBe(2)
      expect(out.errors.join('\n')).toMatch(/--seed must be an http/)
    },
  )

  it("resolves --model against the seed's list and says so", async () => {
    const got = await cliModels(['net/only-on-network', 'MiniMaxAI/MiniMax-M2.7'], seedUrl)
    expect(got.source).toBe('network')
    expect(got.models).toEqual([
      { id: 'net/Only-On-Network', vramGb: 96 },
      { id: 'MiniMaxAI/MiniMax-M2.7', vramGb: 320, weightsGb: 230 },
    ])
    expect(got.notes[0]).toMatch(new RegExp(`^Models: network list from ${seedUrl} \\(read `))
    expect(got.notes).toContain('  not usable in the network list: net/No-Vram: no GPU memory figure (v_ram)')
  })

  it('falls back to the offline list with the reason when the seed cannot be read', async () => {
    const got = await cliModels(['Qwen/Qwen3-32B-FP8', 'net/Only-On-Network'], deadUrl)
    expect(got.source).toBe('offline')
    expect(got.models).toEqual([{ id: 'Qwen/Qwen3-32B-FP8', vramGb: 80 }])
    expect(got.notes[0]).toContain(`offline list of ${FALLBACK_MODELS_AS_OF}, because`)
    expect(got.notes[0]).toContain('Cannot reach the seed')
    expect(got.notes[1]).toBe('Unknown model(s) in the offline list: net/Only-On-Network')
  })

  it('without a seed uses the offline list; without models reads nothing', async () => {
    expect((await cliModels(['Qwen/Qwen3-32B-FP8'], undefined)).notes[0]).toContain('no seed given')
    expect(await cliModels([], deadUrl)).toEqual({ models: [], source: 'none', notes: [] })
  })
})
