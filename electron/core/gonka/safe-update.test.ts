import { describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../shared/deploy'
import { renderDeployText } from '../deploy/texts'
import type { AdminNodeItem } from './admin-api'
import { describeSafeUpdate, enabledBeforeOf, interruptedIn, servesNoWork } from './safe-update'

const entry = (
  event: JournalEntry['event'],
  actionId = 'net/ml-node/ml1/safe-update',
  data?: JournalEntry['data'],
): JournalEntry => ({
  at: '2026-01-01T00:00:00Z',
  runId: 'r',
  planId: 'p',
  actionId,
  hostId: 'net',
  event,
  ...(data ? { data } : {}),
})
const base = { known: true, enabled: true, configDiff: [], imageChanges: [], interrupted: false }

describe('safe update of an ML node', () => {
  it('disables, waits idle, recreates, sends, waits healthy, enables, in that order', () => {
    const changes = describeSafeUpdate('ml1', {
      ...base,
      configDiff: ['models'],
      imageChanges: [{ service: 'mlnode-308', running: 'mlnode:3.0.12', wanted: 'mlnode:3.0.13' }],
    })
    expect(changes.map((c) => c.summary.key.replace('deploy.node.change.', ''))).toEqual([
      'safeDisable',
      'safeDrain',
      'safeRecreate',
      'update',
      'safeHealthy',
      'safeEnable',
    ])
    expect(changes.every((c) => !renderDeployText(c.summary).includes('deploy.'))).toBe(true)
  })

  it('changes nothing when the node is as wanted, and finishes an interrupted update with enable', () => {
    expect(describeSafeUpdate('ml1', base)).toEqual([])
    expect(describeSafeUpdate('ml1', { ...base, enabled: false })).toEqual([])
    expect(
      describeSafeUpdate('ml1', { ...base, enabled: false, interrupted: true }).map((c) => c.summary.key),
    ).toEqual(['deploy.node.change.safeResume'])
    expect(describeSafeUpdate('ml1', { ...base, known: false, configDiff: ['models'] })).toEqual([])
  })

  it('is blocked by a model outside the governance list', () => {
    const c = describeSafeUpdate('ml1', { ...base, configDiff: ['models'], unknownModels: ['x/y'] })
    expect(c.map((x) => x.kind)).toEqual(['blocked'])
  })

  it('reads an interruption from the journal and idleness from the listing', () => {
    expect(interruptedIn([entry('start')], 'net/ml-node/ml1/safe-update')).toBe(true)
    expect(interruptedIn([entry('start'), entry('fail')], 'net/ml-node/ml1/safe-update')).toBe(true)
    expect(interruptedIn([entry('start'), entry('end')], 'net/ml-node/ml1/safe-update')).toBe(false)
    expect(interruptedIn([entry('start', 'other')], 'net/ml-node/ml1/safe-update')).toBe(false)
    const item = (state: NonNullable<AdminNodeItem['state']>): AdminNodeItem => ({
      node: { id: 'ml1', host: 'h', inference_port: 1, poc_port: 2, max_concurrent: 1 },
      state,
    })
    expect(servesNoWork(item({ admin_state: { enabled: true } }))).toBe(false)
    expect(servesNoWork(item({ admin_state: { enabled: false }, lock_count: 2 }))).toBe(false)
    expect(servesNoWork(item({ admin_state: { enabled: false }, poc_current_status: 'GENERATING' }))).toBe(
      false,
    )
    expect(servesNoWork(item({ admin_state: { enabled: false }, lock_count: 0 }))).toBe(true)
    expect(
      servesNoWork(
        item({ admin_state: { enabled: false }, current_status: 'FAILED', poc_current_status: 'GENERATING' }),
      ),
    ).toBe(true)
  })

  it('leaves a node the user had disabled disabled, and says so in the plan', () => {
    const changes = describeSafeUpdate('ml1', {
      ...base,
      enabled: false,
      enabledBefore: false,
      configDiff: ['models'],
    })
    expect(changes.map((c) => c.summary.key.replace('deploy.node.change.', ''))).toEqual([
      'safeDrain',
      'update',
      'safeHealthy',
      'safeStaysDisabled',
    ])
    expect(JSON.stringify(changes)).not.toContain('/enable')
    expect(renderDeployText(changes[3]?.summary ?? { key: '' })).toMatch(/stays disabled as before/)
    // An interrupted update of such a node that has nothing left to do does not enable it either.
    expect(
      describeSafeUpdate('ml1', { ...base, enabled: false, enabledBefore: false, interrupted: true }),
    ).toEqual([])
  })

  it('reads the state before the update from the journal when an interrupted one resumes', () => {
    const id = 'net/ml-node/ml1/safe-update'
    const was = (enabledBefore: boolean) => entry('start', id, { enabledBefore })
    // Not interrupted, or enabled now: the state now is the state before.
    expect(enabledBeforeOf([was(false)], id, true, true)).toBe(true)
    expect(enabledBeforeOf([], id, false, false)).toBe(false)
    // Interrupted: what the first run journaled, not the disabled state the update itself made.
    expect(enabledBeforeOf([was(true), entry('fail', id)], id, false, true)).toBe(true)
    expect(enabledBeforeOf([was(false), entry('fail', id), was(false)], id, false, true)).toBe(false)
    // An earlier finished update does not count.
    expect(enabledBeforeOf([was(false), entry('end', id), was(true)], id, false, true)).toBe(true)
    // Not journaled (an old journal): the safe side, it stays disabled.
    expect(enabledBeforeOf([entry('start', id)], id, false, true)).toBe(false)
  })
})
