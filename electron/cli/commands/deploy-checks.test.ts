import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planDeploymentInputSchema } from '../../shared/ops/deploy'
import { checksInput } from './deploy'

const path = (state: 'reachable' | 'blocked') => ({
  from: 'ml1',
  to: 'net',
  port: 9100,
  state,
  outcome: state === 'reachable' ? 'open' : 'timeout',
  listener: 'temporary' as const,
})

describe('plan/apply --checks FILE', () => {
  it('planDeployment accepts the checks of a check --json file as they are read by the CLI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plan-facts-'))
    try {
      const file = join(dir, 'checks.json')
      await writeFile(
        file,
        JSON.stringify([
          {
            checkId: 'net.callback',
            serverId: 'ml1',
            status: 'fail',
            facts: { port: 9100 },
            paths: [path('blocked')],
            title: 'x',
          },
        ]),
      )
      const checks = await checksInput(file)
      const parsed = planDeploymentInputSchema.safeParse({ profileId: 'split', checks })
      expect(parsed.success).toBe(true)
      expect(parsed.success && parsed.data.checks?.results[0]?.paths?.[0]?.state).toBe('blocked')
      await writeFile(file, '{"nothing": true}')
      await expect(checksInput(file)).rejects.toThrow(/no check results/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
