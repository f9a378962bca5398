import { describe, expect, it } from 'vitest'
import type { DeployChange } from '../../shared/deploy'
import {
  fakeApplyCli,
  REHEARSAL_ACTION,
  rehearsalApplied,
  rehearsalPlan,
  rehearsalResult,
} from '../../test-support/rehearsal-fixtures'
import { memoryIo as io } from '../../test-support/memory-io'
import { rehearseWithPlan } from './nodes'

const steps: DeployChange[] = [
  {
    kind: 'command',
    command: 'POST /api/v1/stop',
    summary: { key: 'deploy.node.change.rehearseStop', params: { id: 'ml1' } },
  },
]

describe('nodes rehearse (plan, approve, apply)', () => {
  it('prints one --json line: the plan-apply fields and the rehearsal’s; exit 0 when the batches arrived', async () => {
    const { cli, calls } = fakeApplyCli(rehearsalApplied(rehearsalResult({})))
    const o = io()
    expect(
      await rehearseWithPlan(cli, o, rehearsalPlan(steps), { yes: true, json: true, nodeId: 'ml1' }),
    ).toBe(0)
    expect(calls).toEqual(['applyPlan'])
    expect(o.lines).toHaveLength(1)
    expect(JSON.parse(o.lines[0] ?? '')).toMatchObject({
      ok: true,
      planEmpty: false,
      actions: [{ host: 'net', step: REHEARSAL_ACTION, outcome: 'done' }],
      blocked: [],
      nodeId: 'ml1',
      received: true,
      batches: 3,
      callbackSource: 'api-container',
    })
  })

  it('exits 1 and names the cause when nothing arrived', async () => {
    const { cli } = fakeApplyCli(
      rehearsalApplied(rehearsalResult({ received: false, batches: 0, cause: 'callbackUnreachable' })),
    )
    const o = io()
    expect(
      await rehearseWithPlan(cli, o, rehearsalPlan(steps), { yes: true, json: false, nodeId: 'ml1' }),
    ).toBe(1)
    expect(o.lines.join('\n')).toMatch(
      /Not received[\s\S]*Cause \(callbackUnreachable\): the ML server cannot reach/,
    )
  })

  it('refuses a blocked plan without applying it: exit 1, "refused" in --json', async () => {
    const { cli, calls } = fakeApplyCli(rehearsalApplied(rehearsalResult({})))
    const o = io()
    const blocked: DeployChange[] = [
      {
        kind: 'blocked',
        summary: { key: 'deploy.node.change.rehearseRefused.enabled', params: { id: 'ml1' } },
      },
    ]
    expect(
      await rehearseWithPlan(cli, o, rehearsalPlan(blocked), { yes: true, json: true, nodeId: 'ml1' }),
    ).toBe(1)
    expect(calls).toEqual([])
    expect(JSON.parse(o.lines[0] ?? '')).toMatchObject({ ok: false, refused: 'enabled' })
    expect(o.errors.join('\n')).toContain('Refused: ml1 is enabled')
  })

  it('applies nothing without --yes when it cannot ask: exit 2', async () => {
    const { cli, calls } = fakeApplyCli(rehearsalApplied(rehearsalResult({})))
    expect(
      await rehearseWithPlan(cli, io(), rehearsalPlan(steps), { yes: false, json: false, nodeId: 'ml1' }),
    ).toBe(2)
    expect(calls).toEqual([])
  })
})
