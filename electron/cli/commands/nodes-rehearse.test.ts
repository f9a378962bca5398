import { describe, expect, it } from 'vitest'
import type { ApplyResult, DeployChange, DeployPlan } from '../../shared/deploy'
import type { RehearsalResult } from '../../shared/nodes'
import type { PushedEvent } from '../../shared/progress'
import { ok } from '../../shared/result'
import type { CliService } from '../cli-service'
import { memoryIo as io } from '../../test-support/memory-io'
import { rehearseWithPlan } from './nodes'

// A stand-in for the service (only what confirmAndApply calls): applyPlan answers with `result`.
function fakeCli(result: ApplyResult) {
  const calls: string[] = []
  const service = {
    invoke: (op: string) => {
      calls.push(op)
      return Promise.resolve(ok(result))
    },
    cancel: () => undefined,
    onEvent: (_l: (e: PushedEvent) => void) => () => undefined,
  }
  return { cli: { service } as unknown as Pick<CliService, 'service'>, calls }
}

const id = 'net/ml-node/ml1/rehearse/k1'
const planOf = (changes: DeployChange[]): DeployPlan => ({
  planId: 'plan-r',
  profileId: 'p',
  createdAt: '2026-01-01T00:00:00Z',
  fingerprint: 'f',
  hosts: [
    {
      host: 'net',
      hostId: 'net',
      steps: [
        {
          actionId: id,
          hostId: 'net',
          title: { key: 'deploy.node.action.rehearse', params: { id: 'ml1' } },
          changes,
        },
      ],
      changes,
      notices: [],
    },
  ],
  empty: false,
})
const steps: DeployChange[] = [
  {
    kind: 'command',
    command: 'POST /api/v1/stop',
    summary: { key: 'deploy.node.change.rehearseStop', params: { id: 'ml1' } },
  },
]
const result = (r: Partial<RehearsalResult>): RehearsalResult => ({
  nodeId: 'ml1',
  host: '10.0.0.5',
  callbackUrl: 'http://10.0.0.2:9100',
  batchUrl: 'http://10.0.0.2:9100/v2/poc-batches/m',
  callbackSource: 'api-container',
  received: true,
  batches: 3,
  startedAt: 't0',
  finishedAt: 't1',
  ...r,
})
const applied = (output: RehearsalResult): ApplyResult => ({
  planId: 'plan-r',
  runId: 'r',
  ok: true,
  actions: [{ actionId: id, hostId: 'net', outcome: 'done', output }],
})

describe('nodes rehearse (plan, approve, apply)', () => {
  it('prints one --json line: the plan-apply fields and the rehearsal’s; exit 0 when the batches arrived', async () => {
    const { cli, calls } = fakeCli(applied(result({})))
    const o = io()
    expect(await rehearseWithPlan(cli, o, planOf(steps), { yes: true, json: true, nodeId: 'ml1' })).toBe(0)
    expect(calls).toEqual(['applyPlan'])
    expect(o.lines).toHaveLength(1)
    expect(JSON.parse(o.lines[0] ?? '')).toMatchObject({
      ok: true,
      planEmpty: false,
      actions: [{ host: 'net', step: id, outcome: 'done' }],
      blocked: [],
      nodeId: 'ml1',
      received: true,
      batches: 3,
      callbackSource: 'api-container',
    })
  })

  it('exits 1 and names the cause when nothing arrived', async () => {
    const { cli } = fakeCli(applied(result({ received: false, batches: 0, cause: 'callbackUnreachable' })))
    const o = io()
    expect(await rehearseWithPlan(cli, o, planOf(steps), { yes: true, json: false, nodeId: 'ml1' })).toBe(1)
    expect(o.lines.join('\n')).toMatch(
      /Not received[\s\S]*Cause \(callbackUnreachable\): the ML server cannot reach/,
    )
  })

  it('refuses a blocked plan without applying it: exit 1, "refused" in --json', async () => {
    const { cli, calls } = fakeCli(applied(result({})))
    const o = io()
    const blocked: DeployChange[] = [
      {
        kind: 'blocked',
        summary: { key: 'deploy.node.change.rehearseRefused.enabled', params: { id: 'ml1' } },
      },
    ]
    expect(await rehearseWithPlan(cli, o, planOf(blocked), { yes: true, json: true, nodeId: 'ml1' })).toBe(1)
    expect(calls).toEqual([])
    expect(JSON.parse(o.lines[0] ?? '')).toMatchObject({ ok: false, refused: 'enabled' })
    expect(o.errors.join('\n')).toContain('Refused: ml1 is enabled')
  })

  it('applies nothing without --yes when it cannot ask: exit 2', async () => {
    const { cli, calls } = fakeCli(applied(result({})))
    expect(await rehearseWithPlan(cli, io(), planOf(steps), { yes: false, json: false, nodeId: 'ml1' })).toBe(
      2,
    )
    expect(calls).toEqual([])
  })
})
