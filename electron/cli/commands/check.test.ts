import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FALLBACK_MODELS_AS_OF } from '../../core/checks/models'
import { main } from '../index'
import { cliModels } from './check'
import { memoryIo } from '../../test-support/memory-io'
import { closedPortUrl, startSeedStub, type SeedStub } from '../../test-support/seed-stub'
import { startTempService } from '../../test-support/temp-service'
import type { AppService } from '../../core/service'

let seed: SeedStub
let seedUrl = ''
let deadUrl = ''
let service: AppService
let stop: () => Promise<void>
beforeAll(async () => {
  seed = await startSeedStub([
    { id: 'MiniMaxAI/MiniMax-M2.7', v_ram: 320 },
    { id: 'net/Only-On-Network', v_ram: 96 },
    { id: 'net/No-Vram' },
  ])
  seedUrl = seed.url
  deadUrl = await closedPortUrl()
  ;({ service, stop } = await startTempService('ghw-check-cli-'))
})
afterAll(async () => {
  await seed.close()
  await stop()
})

describe('check --seed', () => {
  it('is in the usage and the help', async () => {
    const out = memoryIo()
    expect(await main(['check', '--help'], out)).toBe(0)
    const text = out.lines.join('\n')
    expect(text).toContain('--seed URL')
    expect(text).toContain('/v1/governance/models')
    expect(text).toContain('--profile NAME|FILE')
  })

  it.each(['ftp://seed', 'http://u:p@seed:8000', 'node2.gonka.ai:8000', ''])(
    'refuses --seed %j with exit 2 before reading anything',
    async (url) => {
      const out = memoryIo()
      expect(await main(['check', '--profile', '/nonexistent/profile.json', '--seed', url], out)).toBe(2)
      expect(out.errors.join('\n')).toMatch(/--seed must be an http/)
    },
  )

  it("reads the seed's list through the service and says so", async () => {
    const got = await cliModels(service, ['net/only-on-network', 'MiniMaxAI/MiniMax-M2.7'], seedUrl)
    expect(got.source).toBe('network')
    expect(got.list?.models).toContainEqual({ id: 'net/Only-On-Network', vramGb: 96 })
    expect(got.notes[0]).toMatch(new RegExp(`^Models: network list from ${seedUrl} \\(read `))
    expect(got.notes).toContain('  not usable in the network list: net/No-Vram: no GPU memory figure (v_ram)')
    expect(got.notes.some((n) => n.startsWith('Unknown model'))).toBe(false)
  })

  it('falls back to the offline list with the reason when the seed cannot be read', async () => {
    const got = await cliModels(service, ['Qwen/Qwen3-32B-FP8', 'net/Only-On-Network'], deadUrl)
    expect(got.source).toBe('offline')
    expect(got.list?.models).toContainEqual({ id: 'Qwen/Qwen3-32B-FP8', vramGb: 80 })
    expect(got.notes[0]).toContain(`offline list of ${FALLBACK_MODELS_AS_OF}, because`)
    expect(got.notes[0]).toContain('Cannot reach the seed')
    expect(got.notes[1]).toBe('Unknown model(s) in the offline list: net/Only-On-Network')
  })

  it('without a seed uses the offline list; without models reads nothing', async () => {
    expect((await cliModels(service, ['Qwen/Qwen3-32B-FP8'], undefined)).notes[0]).toContain('no seed given')
    expect(await cliModels(service, [], deadUrl)).toEqual({ source: 'none', notes: [] })
  })
})
