import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Profile } from '../../shared/profile'
import { startTempService } from '../../test-support/temp-service'

const PUBKEY = btoa(String.fromCharCode(3, ...Array.from({ length: 32 }, (_, i) => 200 - i)))
const CANARY = 'canary-Pw 9$x'

const profile: Profile = {
  schemaVersion: 1,
  id: 'cfg',
  name: 'Config',
  topology: 'split',
  servers: [
    { id: 'net', name: 'net', address: '10.20.0.2', port: 22, user: 'root', auth: 'agent', role: 'network' },
    { id: 'ml1', name: 'ml1', address: '10.20.0.3', port: 22, user: 'root', auth: 'agent', role: 'ml' },
  ],
  seedApiUrl: 'http://seed.example.org:8000',
  deployment: {
    repoUrl: 'https://github.com/gonka-ai/gonka.git',
    repoRef: 'main',
    dir: '~/gonka',
    publicHost: '198.51.100.4',
    https: false,
    apiPort: 8000,
    apiSslPort: 8443,
    keyName: 'warm',
    accountPubkey: PUBKEY,
    hfHome: '/mnt/shared',
    mlNodes: [],
  },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}

describe('config operations', () => {
  let t: Awaited<ReturnType<typeof startTempService>>
  beforeAll(async () => {
    t = await startTempService('cfg-ops-')
    const saved = await t.service.invoke('saveProfile', { profile })
    expect(saved.ok).toBe(true)
  })
  afterAll(() => t.stop())

  it('refuses a short keyring password, naming the field', async () => {
    const r = await t.service.invoke('holdKeyringPassword', { profileId: 'cfg', password: 'short' })
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fields: { keyringPassword: 'passwordShort' } },
    })
  })

  it('previews the split deployment with the derived callback; the held password is never shown or stored', async () => {
    const before = await t.service.invoke('previewConfig', { profileId: 'cfg' })
    expect(before.ok && before.value.keyringPasswordHeld).toBe(false)
    expect(before.ok && before.value.servers[0]?.problems.map((p) => p.key)).toContain(
      'config.validation.passwordMissing',
    )
    expect((await t.service.invoke('holdKeyringPassword', { profileId: 'cfg', password: CANARY })).ok).toBe(
      true,
    )
    const r = await t.service.invoke('previewConfig', {
      profileId: 'cfg',
      checks: {
        results: [],
        paths: [
          { from: 'ml1', to: 'net', port: 9100, state: 'reachable', outcome: 'open', listener: 'temporary' },
        ],
      },
    })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.keyringPasswordHeld).toBe(true)
    expect(r.value.callbackUrl).toBe('http://10.20.0.2:9100')
    const net = r.value.servers.find((s) => s.serverId === 'net')
    expect(net?.problems).toEqual([])
    expect(net?.maskedText).toContain("export KEYRING_PASSWORD='********'")
    expect(net?.variables.find((v) => v.name === 'KEYRING_PASSWORD')).toMatchObject({
      secret: true,
      value: '********',
      owner: 'app',
    })
    expect(JSON.stringify(r.value)).not.toContain('canary')
    for (const file of await readdir(t.dir, { recursive: true })) {
      const path = join(t.dir, String(file))
      const text = await readFile(path, 'utf8').catch(() => '')
      expect(text, path).not.toContain('canary')
    }
  })

  it('refuses http://api:9100 in a split deployment and an address ML servers could not reach', async () => {
    const r = await t.service.invoke('previewConfig', {
      profile: { ...profile, deployment: { ...profile.deployment!, callbackUrl: 'http://api:9100' } },
    })
    expect(r.ok && r.value.servers[0]?.problems).toContainEqual({
      field: 'deployment.callbackUrl',
      key: 'config.validation.callbackDockerInternal',
      params: { host: 'api' },
    })
    const blocked = await t.service.invoke('previewConfig', {
      profileId: 'cfg',
      checks: {
        results: [],
        paths: [
          { from: 'ml1', to: 'net', port: 9100, state: 'blocked', outcome: 'timeout', listener: 'temporary' },
        ],
      },
    })
    expect(blocked.ok && blocked.value.servers[0]?.problems.map((p) => p.key)).toContain(
      'config.validation.callbackUnreachable',
    )
  })

  it('recommends ML node settings per GPU server from the models and GPUs found', async () => {
    const r = await t.service.invoke('recommendMlNodeSettings', {
      profileId: 'cfg',
      models: [{ id: 'MiniMaxAI/MiniMax-M2.7', vramGb: 320, modelArgs: ['--max-model-len', '180000'] }],
      checks: { results: [{ checkId: 'gpu.vram', serverId: 'ml1', facts: { totalGb: 684, gpus: 8 } }] },
    })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.servers).toHaveLength(1)
    expect(r.value.servers[0]).toMatchObject({
      serverId: 'ml1',
      settings: {
        nodeId: 'node1',
        inferencePort: 5050,
        pocPort: 8080,
        maxConcurrent: 500,
        tensorParallel: 4,
      },
      mandatoryArgs: { 'MiniMaxAI/MiniMax-M2.7': ['--max-model-len', '180000'] },
      advice: { 'MiniMaxAI/MiniMax-M2.7': { fits: true, instances: 2, key: 'config.layout.fits' } },
    })
  })
})
