// Test support for the CLI's `nodes rehearse` without a server: a stand-in service whose applyPlan
// answers a given result, a one-step rehearsal plan, and a rehearsal's result.
import type { ApplyResult, DeployChange, DeployPlan } from '../shared/deploy'
import type { RehearsalResult } from '../shared/nodes'
import type { PushedEvent } from '../shared/progress'
import { ok } from '../shared/result'
import type { CliService } from '../cli/cli-service'

/** The action id of the rehearsal of ml1 in {@link rehearsalPlan}. */
export const REHEARSAL_ACTION = 'net/ml-node/ml1/rehearse/k1'

/** A stand-in for the service (only what confirmAndApply calls): every call answers `result`; `calls` lists the ops. */
export function fakeApplyCli(result: ApplyResult): { cli: Pick<CliService, 'service'>; calls: string[] } {
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

/** The plan of ml1's rehearsal on net with `changes` as its one step's changes. */
export function rehearsalPlan(changes: DeployChange[]): DeployPlan {
  return {
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
            actionId: REHEARSAL_ACTION,
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
  }
}

/** A rehearsal of ml1 whose batches arrived (3), with `r` changed. */
export function rehearsalResult(r: Partial<RehearsalResult> = {}): RehearsalResult {
  return {
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
  }
}

/** The apply of {@link rehearsalPlan}: its one action done with `output`. */
export function rehearsalApplied(output: RehearsalResult): ApplyResult {
  return {
    planId: 'plan-r',
    runId: 'r',
    ok: true,
    actions: [{ actionId: REHEARSAL_ACTION, hostId: 'net', outcome: 'done', output }],
  }
}
