// The model list from the lab's seed stand-in (GET <seed>:8000/v1/governance/models): the CLI's
// `check --seed` resolves --model against it and compares ml1's GPU memory with the network's figure.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { labHost } from '../lab'
import { describeLab } from '../lab/require-lab'
import { main } from '../../electron/cli/index'
import { cliModels, type CheckJsonEntry } from '../../electron/cli/commands/check'
import type { Profile } from '../../electron/shared/profile'
import { memoryIo } from '../../electron/test-support/memory-io'
import { startTempService } from '../../electron/test-support/temp-service'

describeLab("the network's model list from the seed stand-in", (lab) => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ghw-governance-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('check --seed reads the seed’s list and checks ml1’s GPU memory against its v_ram', async () => {
    const seed = labHost(lab(), 'seed')
    const ml1 = labHost(lab(), 'ml1')
    const now = new Date().toISOString()
    const profile: Profile = {
      schemaVersion: 1,
      id: 'lab-governance',
      name: 'lab',
      topology: 'split',
      servers: [
        {
          id: 'ml1',
          name: 'ml1',
          address: ml1.address,
          port: ml1.port,
          user: ml1.user,
          auth: 'key',
          keyPath: ml1.privateKeyPath,
          role: 'ml',
        },
      ],
      createdAt: now,
      updatedAt: now,
    }
    const file = join(dir, 'profile.json')
    await writeFile(file, JSON.stringify(profile))
    const seedUrl = `http://${seed.address}:8000`
    // The CLI's data folder (profiles, pinned keys) in the test's own folder, never the real one.
    const out = memoryIo({ GHW_USER_DATA_DIR: join(dir, 'data'), HOME: dir })
    const code = await main(
      [
        'check',
        '--profile',
        file,
        '--seed',
        seedUrl,
        '--model',
        'MiniMaxAI/MiniMax-M2.7',
        '--only',
        'gpu.vram',
        '--known-hosts',
        lab().knownHostsPath,
        '--json',
      ],
      out,
    )
    expect(out.errors[0]).toMatch(
      new RegExp(`^Models: network list from ${seedUrl.replace(/\./g, '\\.')} \\(read `),
    )
    const entries = JSON.parse(out.lines.join('\n')) as CheckJsonEntry[]
    const vram = entries.find((e) => e.host === 'ml1' && e.check === 'gpu.vram')
    // One fake H100 (80 GB) against the stand-in's 320 GB for MiniMax M2.7.
    expect(vram, JSON.stringify(entries)).toMatchObject({ status: 'fail' })
    expect(vram?.message).toContain('MiniMaxAI/MiniMax-M2.7 needs 320 GB')
    expect(code).toBe(1)
  })

  it('a model only the network knows resolves from the seed; a closed port falls back to the offline list', async () => {
    const seed = labHost(lab(), 'seed')
    const { service, stop } = await startTempService('ghw-governance-service-')
    try {
      const network = await cliModels(
        service,
        ['deepseek-ai/DeepSeek-V4-Flash-0731'],
        `http://${seed.address}:8000`,
      )
      expect(network.source).toBe('network')
      expect(network.list?.models).toContainEqual(
        expect.objectContaining({ id: 'deepseek-ai/DeepSeek-V4-Flash-0731', vramGb: 280 }),
      )
      expect(network.notes.some((n) => n.startsWith('Unknown model'))).toBe(false)
      const offline = await cliModels(service, ['Qwen/Qwen3-32B-FP8'], `http://${seed.address}:8001`)
      expect(offline.source).toBe('offline')
      expect(offline.list?.models).toContainEqual({ id: 'Qwen/Qwen3-32B-FP8', vramGb: 80 })
      expect(offline.notes[0]).toContain('Cannot reach the seed')
    } finally {
      await stop()
    }
  })
})
