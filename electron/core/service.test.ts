import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from './log'
import { createService, type AppService } from './service'
import { startTempService } from '../test-support/temp-service'

let dir: string
let service: AppService
let stop: () => Promise<void>
beforeEach(async () => {
  ;({ service, dir, stop } = await startTempService('ghw-service-'))
})
afterEach(() => stop())

describe('service envelope', () => {
  it('answers app info', async () => {
    const info = await service.call('getAppInfo', {})
    expect(info).toEqual({
      ok: true,
      value: expect.objectContaining({ version: '9.9.9', dataDir: dir, runtime: 'cli' }) as unknown,
    })
  })

  it('refuses an unknown operation without throwing', async () => {
    const result = await service.call('deleteEverything', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', retryable: false } })
  })

  it('validates input before any handler runs, naming the bad field', async () => {
    const result = await service.call('setLanguage', { language: 'klingon' })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    if (!result.ok) expect(Object.keys(result.error.fields ?? {})).toEqual(['language'])
    const extra = await service.call('getSettings', { sneaky: true })
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('refuses a malformed run id', async () => {
    const result = await service.call('getSettings', {}, { runId: 'bad id with spaces' })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('remembers the language', async () => {
    await service.call('setLanguage', { language: 'zh-CN' })
    const again = createService(service.env, { logger: createLogger('error', () => undefined) })
    expect(await again.call('getSettings', {})).toMatchObject({ ok: true, value: { language: 'zh-CN' } })
  })

  it('refuses to save a profile with an invalid server and says which field', async () => {
    const result = await service.call('saveProfile', {
      profile: {
        schemaVersion: 1,
        id: 'p1',
        name: 'Rack',
        topology: 'split',
        servers: [
          {
            id: 's1',
            name: 'net',
            address: 'http://10.0.0.1',
            port: 22,
            user: 'u',
            auth: 'agent',
            role: 'network',
          },
        ],
        createdAt: 'x',
        updatedAt: 'x',
      },
    })
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fields: { 'servers.s1.address': 'addressHasScheme' } },
    })
    expect(await service.call('listProfiles', {})).toMatchObject({ ok: true, value: { profiles: [] } })
  })

  it('keeps a valid seed API URL on the profile and refuses one with credentials', async () => {
    const base = {
      schemaVersion: 1,
      id: 'p2',
      name: 'Seeded',
      topology: 'split',
      servers: [],
      createdAt: 'x',
      updatedAt: 'x',
    }
    const bad = await service.call('saveProfile', {
      profile: { ...base, seedApiUrl: 'http://me:pw@node2.gonka.ai:8000' },
    })
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fields: { seedApiUrl: 'seedUrlCredentials' } },
    })
    const saved = await service.call('saveProfile', {
      profile: { ...base, seedApiUrl: 'http://node2.gonka.ai:8000' },
    })
    expect(saved).toMatchObject({ ok: true })
    expect(await service.call('loadProfile', { id: 'p2' })).toMatchObject({
      ok: true,
      value: { seedApiUrl: 'http://node2.gonka.ai:8000' },
    })
  })

  it('says what is wrong with a typed seed API URL', async () => {
    expect(await service.call('validateSeedApiUrl', { url: 'node2.gonka.ai:8000' })).toEqual({
      ok: true,
      value: { problem: 'seedUrlScheme' },
    })
    expect(await service.call('validateSeedApiUrl', { url: 'https://seed.example.org' })).toEqual({
      ok: true,
      value: {},
    })
    expect(await service.call('validateSeedApiUrl', { url: '' })).toEqual({ ok: true, value: {} })
  })
})

describe('ports are 1..65535 at the service boundary', () => {
  const server = (port: number) => ({
    id: 's1',
    name: 'box',
    address: '127.0.0.1',
    port,
    user: 'tester',
    auth: 'agent' as const,
    role: 'combined' as const,
  })
  const profile = (port: number) => ({
    schemaVersion: 1,
    id: 'p1',
    name: 'Box',
    topology: 'single',
    servers: [server(port)],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  })

  it.each([0, 65536, 70000, -22])(
    'port %i is INVALID_INPUT naming the field, never INTERNAL',
    async (port) => {
      const tested = await service.call(
        'testConnection',
        { servers: [server(port)] },
        { runId: 'run-port-1' },
      )
      expect(tested).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
      if (!tested.ok) expect(Object.keys(tested.error.fields ?? {})).toContain('servers.0.port')
      const checked = await service.call('runChecks', { profile: profile(port) }, { runId: 'run-port-2' })
      expect(checked).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
      if (!checked.ok) expect(Object.keys(checked.error.fields ?? {})).toContain('profile.servers.0.port')
      const saved = await service.call('saveProfile', { profile: profile(port) })
      expect(saved).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    },
  )
})
