import { describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../shared/deploy'
import type { ExpectedNode, RehearsalResult } from '../../shared/nodes'
import { renderDeployText } from '../deploy/texts'
import type { HostTarget } from '../ssh/types'
import type { AdminNodeItem } from './admin-api'
import { describeRehearsal, rehearsalAction, rehearsalInterrupted } from './rehearsal-action'

const node: ExpectedNode = {
  serverId: 'ml1',
  nodeId: 'ml1',
  host: '10.0.0.5',
  inferencePort: 5050,
  pocPort: 8080,
  models: [{ id: 'Qwen/Qwen3', args: [] }],
}
const target: HostTarget = { id: 'net', host: 'net', port: 22, user: 'u', auth: 'agent' }
const entry = (actionId: string, event: JournalEntry['event']): JournalEntry => ({
  at: '2026-01-01T00:00:00Z',
  runId: 'r',
  planId: 'p',
  actionId,
  hostId: 'net',
  event,
})
const callback = { url: 'http://10.0.0.2:9100', source: 'api-container' as const }

describe('PoC rehearsal as an engine action', () => {
  it('plans the check, the stop, the generation, the wait and the stop at the end, in words', () => {
    const changes = describeRehearsal(node, { registered: true, interrupted: false, callback }, 15)
    expect(changes.map((c) => c.summary.key.replace('deploy.node.change.', ''))).toEqual([
      'rehearseCheckDisabled',
      'rehearseStop',
      'rehearseGenerate',
      'rehearseWait',
      'rehearseRestore',
    ])
    const texts = changes.map((c) => renderDeployText(c.summary))
    expect(texts.join('\n')).not.toContain('deploy.')
    expect(texts[2]).toBe(
      'Start a test generation on ml1 that sends its batches to http://10.0.0.2:9100 (from the running api container)',
    )
    expect(texts[3]).toContain('15 s')
    // An earlier rehearsal that did not finish is said first; an unregistered node is checked as such.
    const again = describeRehearsal(node, { registered: false, interrupted: true, callback }, 20)
    expect(again.map((c) => c.summary.key.split('.').pop()).slice(0, 2)).toEqual([
      'rehearseInterrupted',
      'rehearseCheckUnregistered',
    ])
  })

  it('is blocked with the reason on an enabled node, in a PoC, or when the ML node does not answer', () => {
    for (const refusal of ['enabled', 'inPoc', 'servingEpoch'] as const) {
      const c = describeRehearsal(node, { registered: true, interrupted: false, refusal }, 20)
      expect(c.map((x) => [x.kind, x.summary.key])).toEqual([
        ['blocked', `deploy.node.change.rehearseRefused.${refusal}`],
      ])
      expect(renderDeployText(c[0]?.summary ?? { key: '' })).toMatch(/^Refused: ml1 /)
    }
    const down = describeRehearsal(node, { registered: true, interrupted: false, unreachable: 'refused' }, 20)
    expect(renderDeployText(down[0]?.summary ?? { key: '' })).toContain('10.0.0.5:8080')
  })

  it('knows an interrupted rehearsal of the same node from the journal (not its own, not another node)', () => {
    const p = 'net/ml-node/ml1/rehearse/'
    expect(rehearsalInterrupted([entry(`${p}a`, 'start')], p, `${p}b`)).toBe(true)
    expect(rehearsalInterrupted([entry(`${p}a`, 'start'), entry(`${p}a`, 'end')], p, `${p}b`)).toBe(false)
    expect(rehearsalInterrupted([entry(`${p}b`, 'start')], p, `${p}b`)).toBe(false)
    expect(rehearsalInterrupted([entry('net/ml-node/ml2/rehearse/a', 'start')], p, `${p}b`)).toBe(false)
  })

  it('reads the refusal and the api’s callback when planning, and is done once its result is kept', async () => {
    const results = new Map<string, RehearsalResult>()
    let enabled = true
    const item = (): AdminNodeItem => ({
      node: { id: 'ml1', host: '10.0.0.5', inference_port: 5050, poc_port: 8080, max_concurrent: 500 },
      state: { admin_state: { enabled } },
    })
    const action = rehearsalAction(
      {
        networkServerId: 'net',
        listNodes: () => Promise.resolve([item()]),
        mlRequest: () => Promise.resolve({ status: 200, text: '{"state":"STOPPED"}' }),
        exec: {
          exec: () =>
            Promise.resolve({
              code: 0,
              signal: null,
              stdout: 'DAPI_API__POC_CALLBACK_URL=http://10.0.0.2:9100\n',
              stderr: '',
            }),
        },
        networkTarget: target,
        mlTarget: { ...target, id: 'ml1' },
        sameMachine: false,
        topology: 'split',
        results: {
          get: (id) => Promise.resolve(results.get(id)),
          put: (id, r) => Promise.resolve(void results.set(id, r)),
        },
        journal: () => Promise.resolve([]),
      },
      node,
      { key: 'k1' },
    )
    expect(action.id).toBe('net/ml-node/ml1/rehearse/k1')
    const signal = new AbortController().signal
    expect(action.describe(await action.inspect(signal)).map((c) => c.kind)).toEqual(['blocked'])
    enabled = false
    const state = await action.inspect(signal)
    expect(state).toMatchObject({ callback })
    expect(action.describe(state)).toHaveLength(5)
    const result = { nodeId: 'ml1', received: true, batches: 3 } as RehearsalResult
    results.set(action.id, result)
    const after = await action.inspect(signal)
    expect(action.describe(after)).toEqual([])
    expect(action.output?.(after)).toEqual(result)
  })
})
