import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { NetworkModels } from '../../shared/checks'
import { FALLBACK_MODELS, FALLBACK_MODELS_AS_OF } from '../checks/models'
import type { AppService } from '../service'
import { modelsForRun } from './checks'
import { closedPortUrl, startSeedStub, type SeedStub } from '../../test-support/seed-stub'
import { startTempService } from '../../test-support/temp-service'

let seed: SeedStub
let seedUrl = ''
let deadUrl = ''
beforeAll(async () => {
  seed = await startSeedStub([
    { id: 'MiniMaxAI/MiniMax-M2.7', v_ram: 320, model_args: ['--max-model-len', '180000'] },
    { id: 'net/New-Model', v_ram: '640', model_args: [] },
  ])
  seedUrl = seed.url
  deadUrl = await closedPortUrl()
})
afterAll(() => seed.close())

let service: AppService
let stop: () => Promise<void>
beforeEach(async () => {
  ;({ service, stop } = await startTempService('ghw-checks-'))
})
afterEach(() => stop())

describe('getNetworkModels', () => {
  it("answers the seed's list, dated now", async () => {
    const before = Date.now()
    const result = await service.call('getNetworkModels', { seedApiUrl: ` ${seedUrl} ` })
    expect(result).toMatchObject({
      ok: true,
      value: {
        source: 'network',
        seedApiUrl: seedUrl,
        models: [
          { id: 'MiniMaxAI/MiniMax-M2.7', vramGb: 320, weightsGb: 230 },
          { id: 'net/New-Model', vramGb: 640 },
        ],
      },
    })
    if (result.ok) {
      const value = result.value as NetworkModels
      expect(value.error).toBeUndefined()
      expect(Date.parse(value.asOf)).toBeGreaterThanOrEqual(before - 1000)
    }
  })

  it('without a seed: the offline list, no error', async () => {
    const result = await service.call('getNetworkModels', {})
    expect(result).toEqual({
      ok: true,
      value: { source: 'offline', asOf: FALLBACK_MODELS_AS_OF, models: [...FALLBACK_MODELS] },
    })
  })

  it('a seed that cannot be read: the offline list with the reason, not a failure', async () => {
    const down = await service.call('getNetworkModels', { seedApiUrl: deadUrl })
    expect(down).toMatchObject({
      ok: true,
      value: {
        source: 'offline',
        asOf: FALLBACK_MODELS_AS_OF,
        seedApiUrl: deadUrl,
        errorCode: 'UNREACHABLE',
        errorReason: 'network',
      },
    })
    if (down.ok) {
      const value = down.value as NetworkModels
      expect(value.models).toEqual([...FALLBACK_MODELS])
      expect(value.error).toContain('Cannot reach the seed')
    }
    const notSeed = await service.call('getNetworkModels', { seedApiUrl: `${seedUrl}/other` })
    expect(notSeed).toMatchObject({ ok: true, value: { errorReason: 'http', errorStatus: 404 } })
    const bad = await service.call('getNetworkModels', { seedApiUrl: 'ftp://seed' })
    expect(bad).toMatchObject({ ok: true, value: { source: 'offline', errorReason: 'url' } })
  })

  it('refuses unknown input fields', async () => {
    const result = await service.call('getNetworkModels', { seed: seedUrl })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })
})

describe('models for a check run', () => {
  it('with a seed and model ids, reads the network list first', async () => {
    const out = await modelsForRun({ modelIds: ['net/new-model'], seedApiUrl: seedUrl })
    expect(out).toEqual({ models: [{ id: 'net/New-Model', vramGb: 640 }], unknown: [], source: 'network' })
  })

  it('falls back to the offline list when the seed cannot be read', async () => {
    const out = await modelsForRun({ modelIds: ['Qwen/Qwen3-32B-FP8', 'net/New-Model'], seedApiUrl: deadUrl })
    expect(out).toEqual({
      models: [{ id: 'Qwen/Qwen3-32B-FP8', vramGb: 80 }],
      unknown: ['net/New-Model'],
      source: 'offline',
    })
  })

  it("the caller's list wins; no ids means no model; no seed means the offline list", async () => {
    const given = [{ id: 'x/y', vramGb: 10 }]
    expect(await modelsForRun({ modelIds: ['x/y'], models: given, seedApiUrl: deadUrl })).toMatchObject({
      source: 'input',
      models: given,
    })
    expect(await modelsForRun({ seedApiUrl: seedUrl })).toMatchObject({ source: 'none', models: [] })
    expect(await modelsForRun({ modelIds: ['Qwen/Qwen3-32B-FP8'] })).toMatchObject({ source: 'offline' })
  })

  it('a cancelled run does not fall back silently', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      modelsForRun({ modelIds: ['a'], seedApiUrl: seedUrl }, controller.signal),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
