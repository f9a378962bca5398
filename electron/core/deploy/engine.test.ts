import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { DeployChange } from '../../shared/deploy'
import { AppFailure } from '../errors'
import { DeployEngine } from './engine'
import { LocalJournal } from './journal'
import type { Action, HostMarkerStore } from './types'

/** A "server" as a map of files; actions write a wanted value into it. */
function world() {
  const files = new Map<string, string>()
  const applied: string[] = []
  const markers = new Map<string, string>()
  const markerStore: HostMarkerStore = {
    read: (hostId) => Promise.resolve(markers.get(hostId)),
    write: (hostId, content) => {
      markers.set(hostId, content)
      return Promise.resolve()
    },
  }
  const fileAction = (
    hostId: string,
    name: string,
    wanted: string,
    opts: { dependsOn?: string[]; failOnce?: { left: number }; gate?: Promise<void> } = {},
  ): Action<string | undefined> => ({
    id: `${hostId}/${name}`,
    hostId,
    dependsOn: opts.dependsOn ?? [],
    title: { key: 'deploy.action.file', params: { path: name } },
    inspect: () => Promise.resolve(files.get(`${hostId}:${name}`)),
    describe: (current): DeployChange[] =>
      current === wanted
        ? []
        : [
            {
              kind: 'file',
              path: name,
              diff: `-${current ?? ''}\n+${wanted}`,
              created: current === undefined,
              summary: { key: 'deploy.change.file' },
            },
          ],
    async apply(ctx) {
      if (opts.gate) await opts.gate
      if (ctx.signal.aborted) throw new Error('aborted')
      if (opts.failOnce && opts.failOnce.left > 0) {
        opts.failOnce.left -= 1
        throw new AppFailure('CONNECTION_LOST', 'connection dropped')
      }
      applied.push(`${hostId}/${name}`)
      files.set(`${hostId}:${name}`, wanted)
    },
  })
  return { files, applied, markers, markerStore, fileAction }
}

const hosts = [
  { hostId: 'net', host: 'net' },
  { hostId: 'ml1', host: 'ml1' },
]

describe('DeployEngine', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  const setup = () => {
    const dir = mkdtempSync(join(tmpdir(), 'ghw-engine-'))
    dirs.push(dir)
    const w = world()
    const journal = new LocalJournal(dir)
    const engine = new DeployEngine({ journal, markers: w.markerStore })
    return { ...w, dir, journal, engine }
  }
  const signal = () => new AbortController().signal

  it('plans only what changes, applies it, and a second plan is empty', async () => {
    const t = setup()
    t.files.set('ml1:b', 'B')
    const actions = [
      t.fileAction('net', 'a', 'A'),
      t.fileAction('ml1', 'b', 'B'),
      t.fileAction('ml1', 'c', 'C', { dependsOn: ['net/a'] }),
    ]
    const plan = await t.engine.plan({ profileId: 'p1', actions, hosts, signal: signal() })
    expect(plan.empty).toBe(false)
    expect(plan.hosts.map((h) => [h.host, h.steps.map((s) => s.actionId)])).toEqual([
      ['net', ['net/a']],
      ['ml1', ['ml1/c']],
    ])
    const result = await t.engine.apply({ planId: plan.planId, runId: 'run-00001', signal: signal() })
    expect(result.ok).toBe(true)
    expect(t.applied).toEqual(['net/a', 'ml1/c'])
    const again = await t.engine.plan({ profileId: 'p1', actions, hosts, signal: signal() })
    expect(again.empty).toBe(true)
    expect(again.hosts.every((h) => h.changes.length === 0)).toBe(true)
    const marker = JSON.parse(t.markers.get('ml1') ?? '{}') as { actions: Record<string, { state: string }> }
    expect(marker.actions['ml1/c']?.state).toBe('done')
    const entries = await t.journal.read('p1')
    expect(
      entries
        .filter((e) => e.event === 'end')
        .map((e) => e.actionId)
        .sort(),
    ).toEqual(['ml1/c', 'net/a'])
  })

  it('refuses a plan that went stale and applies nothing', async () => {
    const t = setup()
    const actions = [t.fileAction('net', 'a', 'A')]
    const plan = await t.engine.plan({ profileId: 'p1', actions, hosts, signal: signal() })
    t.files.set('net:a', 'changed by someone else')
    await expect(
      t.engine.apply({ planId: plan.planId, runId: 'run-00002', signal: signal() }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { planStale: true },
    })
    expect(t.applied).toEqual([])
  })

  it('resumes an interrupted apply of the same plan where it stopped', async () => {
    const t = setup()
    const failOnce = { left: 1 }
    const actions = [
      t.fileAction('net', 'a', 'A'),
      t.fileAction('net', 'b', 'B', { failOnce }),
      t.fileAction('net', 'c', 'C'),
    ]
    const plan = await t.engine.plan({ profileId: 'p1', actions, hosts, signal: signal() })
    const first = await t.engine.apply({ planId: plan.planId, runId: 'run-00003', signal: signal() })
    expect(first.ok).toBe(false)
    expect(first.actions.map((a) => a.outcome)).toEqual(['done', 'failed', 'not-run'])
    expect(first.actions[1]?.reason).toContain('connection dropped')
    const second = await t.engine.apply({ planId: plan.planId, runId: 'run-00004', signal: signal() })
    expect(second.ok).toBe(true)
    expect(second.actions.map((a) => a.outcome)).toEqual(['skipped', 'done', 'done'])
    expect(t.applied).toEqual(['net/a', 'net/b', 'net/c'])
  })

  it('stops a dependent action on another host when its dependency fails', async () => {
    const t = setup()
    const actions = [
      t.fileAction('net', 'a', 'A', { failOnce: { left: 1 } }),
      t.fileAction('ml1', 'b', 'B', { dependsOn: ['net/a'] }),
    ]
    const plan = await t.engine.plan({ profileId: 'p1', actions, hosts, signal: signal() })
    const result = await t.engine.apply({ planId: plan.planId, runId: 'run-00005', signal: signal() })
    expect(result.actions.map((a) => [a.actionId, a.outcome])).toEqual([
      ['net/a', 'failed'],
      ['ml1/b', 'not-run'],
    ])
    expect(t.files.has('ml1:b')).toBe(false)
  })

  it('cancel stops the run: nothing after the cancel is applied', async () => {
    const t = setup()
    let open = (): void => undefined
    const gate = new Promise<void>((resolve) => (open = resolve))
    const actions = [t.fileAction('net', 'a', 'A', { gate }), t.fileAction('net', 'b', 'B')]
    const plan = await t.engine.plan({ profileId: 'p1', actions, hosts, signal: signal() })
    const controller = new AbortController()
    const running = t.engine.apply({ planId: plan.planId, runId: 'run-00006', signal: controller.signal })
    await new Promise((r) => setTimeout(r, 10))
    controller.abort()
    open()
    const result = await running
    expect(result.ok).toBe(false)
    expect(result.actions.map((a) => a.outcome)).toEqual(['cancelled', 'not-run'])
    expect(t.applied).toEqual([])
  })

  it('keeps no file content in the local journal', async () => {
    const t = setup()
    const canary = 'CANARY-keyring-pass-7f3a'
    const plan = await t.engine.plan({
      profileId: 'p1',
      actions: [t.fileAction('net', 'config.env', `KEYRING_PASSWORD=${canary}`)],
      hosts,
      signal: signal(),
    })
    await t.engine.apply({ planId: plan.planId, runId: 'run-00007', signal: signal() })
    expect(readFileSync(t.journal.pathOf('p1'), 'utf8')).not.toContain(canary)
    expect(t.markers.get('net')).not.toContain(canary)
  })

  it("keeps an action's journal facts with its start and gives its output on done and on a re-run", async () => {
    const { engine, journal, fileAction, files } = setup()
    const plain = fileAction('net', 'a', 'A')
    const action: Action<string | undefined> = {
      ...plain,
      journalData: (current) => ({ before: current ?? 'none' }),
      output: (current) => (current === undefined ? undefined : { seen: current }),
    }
    const plan = await engine.plan({ profileId: 'p1', actions: [action], hosts, signal: signal() })
    const first = await engine.apply({ planId: plan.planId, runId: 'r1', signal: signal() })
    expect(first.actions).toEqual([
      { actionId: 'net/a', hostId: 'net', outcome: 'done', output: { seen: 'A' } },
    ])
    expect((await journal.read('p1')).find((e) => e.event === 'start')?.data).toEqual({ before: 'none' })
    // The same plan again: nothing new is done, the output is still given.
    const again = await engine.apply({ planId: plan.planId, runId: 'r2', signal: signal() })
    expect(again.actions).toEqual([
      { actionId: 'net/a', hostId: 'net', outcome: 'skipped', output: { seen: 'A' } },
    ])
    expect(files.get('net:a')).toBe('A')
  })
})
