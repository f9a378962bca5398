import { EventEmitter } from 'node:events'
import { PassThrough, Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { ApplyResult, DeployPlan, HostPlan } from '../shared/deploy'
import type { PushedEvent } from '../shared/progress'
import { fail, ok, type Result } from '../shared/result'
import type { CliService } from './cli-service'
import type { CliIo } from './io'
import { confirm, confirmAndApply, EXIT, type PlanApplyJson } from './plan-apply'

// A stand-in for the application service (only what the helper calls): it records applyPlan calls,
// answers with a given result, pushes progress events for the run, and records cancel().
function fakeService(answer: (runId: string) => Promise<Result<ApplyResult>> | Result<ApplyResult>) {
  const listeners = new Set<(e: PushedEvent) => void>()
  const calls: { op: string; input: unknown; runId?: string }[] = []
  const cancelled: string[] = []
  const service = {
    invoke: async (op: string, input: unknown, options?: { runId?: string }) => {
      calls.push({ op, input, ...(options?.runId ? { runId: options.runId } : {}) })
      return answer(options?.runId ?? '')
    },
    cancel: (runId: string) => cancelled.push(runId),
    onEvent: (l: (e: PushedEvent) => void) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    push: (e: PushedEvent) => {
      for (const l of listeners) l(e)
    },
    listenerCount: () => listeners.size,
  }
  return { cli: { service } as unknown as Pick<CliService, 'service'>, service, calls, cancelled }
}

function io(stdin: NodeJS.ReadableStream = Readable.from([])): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), stdin, env: {} }
}

const host = (name: string, changes: HostPlan['changes'], notices: HostPlan['notices'] = []): HostPlan => ({
  host: name,
  hostId: `${name}-id`,
  steps:
    changes.length > 0
      ? [
          {
            actionId: `${name}.config`,
            hostId: `${name}-id`,
            title: { key: 'deploy.action.configEnv' },
            changes,
          },
        ]
      : [],
  changes,
  notices,
})

const plan = (hosts: HostPlan[]): DeployPlan => ({
  planId: 'plan-1',
  profileId: 'p',
  createdAt: '2026-12-02T00:00:00Z',
  fingerprint: 'f',
  hosts,
  empty: hosts.every((h) => h.changes.length === 0),
})

const fileChange = {
  kind: 'file',
  path: '/home/u/gonka/deploy/join/config.env',
  diff: '-export A=1\n+export A=2',
  created: false,
  summary: { key: 'deploy.change.fileUpdate', params: { path: 'config.env' } },
} as const

const result = (actions: ApplyResult['actions']): ApplyResult => ({
  planId: 'plan-1',
  runId: 'r',
  ok: actions.every((a) => a.outcome === 'done' || a.outcome === 'skipped'),
  actions,
})

const noSignals = { once: () => process, removeListener: () => process } as never

describe('confirmAndApply', () => {
  it('applies with --yes, prints the plan on stderr and the JSON answer on stdout, exit 0', async () => {
    const f = fakeService(() => ok(result([{ actionId: 'net.config', hostId: 'net-id', outcome: 'done' }])))
    const o = io()
    const out = await confirmAndApply(f.cli, o, plan([host('net', [fileChange])]), {
      yes: true,
      json: true,
      signals: noSignals,
    })
    expect(out.exitCode).toBe(EXIT.ok)
    expect(f.calls.map((c) => c.op)).toEqual(['applyPlan'])
    expect(f.calls[0]?.input).toEqual({ planId: 'plan-1' })
    expect(o.errors.join('\n')).toContain('net:')
    expect(o.errors.join('\n')).toContain('+export A=2')
    expect(o.lines).toHaveLength(1)
    const json = JSON.parse(o.lines[0] ?? '') as PlanApplyJson
    expect(json).toEqual({
      ok: true,
      planEmpty: false,
      actions: [{ host: 'net', step: 'net.config', outcome: 'done' }],
      blocked: [],
      notices: [],
    })
    expect(f.service.listenerCount()).toBe(0)
  })

  it('without --yes and without a terminal refuses (exit 2) and applies nothing', async () => {
    const f = fakeService(() => ok(result([])))
    const o = io()
    const out = await confirmAndApply(f.cli, o, plan([host('net', [fileChange])]), {
      yes: false,
      json: false,
      signals: noSignals,
    })
    expect(out.exitCode).toBe(EXIT.notConfirmed)
    expect(f.calls).toEqual([])
    expect(o.errors.join('\n')).toMatch(/Not applied: pass --yes/)
  })

  it('asks on a terminal: "y" applies, anything else refuses', async () => {
    for (const [answer, applied] of [
      ['y\n', true],
      ['yes\n', true],
      ['n\n', false],
      ['\n', false],
    ] as const) {
      const stdin = Object.assign(new PassThrough(), { isTTY: true })
      const f = fakeService(() => ok(result([{ actionId: 'net.config', hostId: 'net-id', outcome: 'done' }])))
      const o = io(stdin)
      const pending = confirmAndApply(f.cli, o, plan([host('net', [fileChange])]), {
        yes: false,
        json: false,
        signals: noSignals,
      })
      await new Promise((r) => setTimeout(r, 5))
      expect(o.errors.join('\n')).toContain('Apply this plan? [y/N]')
      stdin.write(answer)
      const out = await pending
      expect(out.exitCode).toBe(applied ? EXIT.ok : EXIT.notConfirmed)
      expect(f.calls.length).toBe(applied ? 1 : 0)
    }
  })

  it('a failed action: exit 1, "Failed on HOST, step STEP: REASON" and the JSON names it', async () => {
    const f = fakeService(() =>
      ok(
        result([
          { actionId: 'net.pull', hostId: 'net-id', outcome: 'done' },
          {
            actionId: 'ml1.up',
            hostId: 'ml1-id',
            outcome: 'failed',
            reason: 'port 8080 is already allocated',
          },
          { actionId: 'ml1.wait', hostId: 'ml1-id', outcome: 'not-run', reason: 'ml1.up did not finish' },
        ]),
      ),
    )
    const o = io()
    const out = await confirmAndApply(
      f.cli,
      o,
      plan([host('net', [fileChange]), host('ml1', [fileChange])]),
      {
        yes: true,
        json: true,
        signals: noSignals,
      },
    )
    expect(out.exitCode).toBe(EXIT.failed)
    expect(o.errors).toContain('Failed on ml1, step ml1.up: port 8080 is already allocated')
    const json = JSON.parse(o.lines[0] ?? '') as PlanApplyJson
    expect(json.ok).toBe(false)
    expect(json.actions[1]).toEqual({
      host: 'ml1',
      step: 'ml1.up',
      outcome: 'failed',
      reason: 'port 8080 is already allocated',
    })
  })

  it('an empty plan is not applied: exit 0 and "nothing to change"', async () => {
    const f = fakeService(() => ok(result([])))
    const o = io()
    const out = await confirmAndApply(f.cli, o, plan([host('net', []), host('ml1', [])]), {
      yes: false,
      json: false,
      signals: noSignals,
    })
    expect(out.exitCode).toBe(EXIT.ok)
    expect(f.calls).toEqual([])
    expect(o.errors.filter((l) => l.includes('nothing to change'))).toHaveLength(2)
    expect(o.lines.join('\n')).toMatch(/Nothing to change/)
  })

  it('refuseBlocked: a blocked step refuses the whole plan before anything is applied (exit 1)', async () => {
    const f = fakeService(() => ok(result([])))
    const o = io()
    const blocked = {
      kind: 'blocked',
      summary: { key: 'deploy.blocked.diskSpace', params: { free: '1 GB', need: '30 GB' } },
    } as const
    const out = await confirmAndApply(f.cli, o, plan([host('net', [fileChange, blocked])]), {
      yes: true,
      json: true,
      refuseBlocked: true,
      signals: noSignals,
    })
    expect(out.exitCode).toBe(EXIT.failed)
    expect(f.calls).toEqual([])
    expect(o.errors.some((l) => l.startsWith('Refused on net, step net.config: '))).toBe(true)
    const json = JSON.parse(o.lines[0] ?? '') as PlanApplyJson
    expect(json.ok).toBe(false)
    expect(json.blocked).toHaveLength(1)
  })

  it('follows the run’s progress and stops following after; events of other runs are not printed', async () => {
    const hub: { push?: (e: PushedEvent) => void } = {}
    const f = fakeService((runId) => {
      hub.push?.({
        type: 'progress',
        event: { runId, stepId: 'net.pull', kind: 'log', title: 't', detail: 'pulling layer 1/3' },
      })
      hub.push?.({
        type: 'progress',
        event: { runId: 'other-run-123', stepId: 'x', kind: 'log', title: 't', detail: 'not mine' },
      })
      return ok(result([{ actionId: 'net.pull', hostId: 'net-id', outcome: 'done' }]))
    })
    hub.push = f.service.push
    const o = io()
    await confirmAndApply(f.cli, o, plan([host('net', [fileChange])]), {
      yes: true,
      json: false,
      signals: noSignals,
    })
    expect(o.errors).toContain('[net.pull] pulling layer 1/3')
    expect(o.errors.join('\n')).not.toContain('not mine')
    expect(o.lines).toEqual(['Applied: every step is done.'])
  })

  it('Ctrl-C cancels the run (exit 130, says how to resume)', async () => {
    const signals = new EventEmitter()
    let release: (() => void) | undefined
    const f = fakeService(
      () =>
        new Promise((resolve) => {
          release = () =>
            resolve(ok(result([{ actionId: 'net.pull', hostId: 'net-id', outcome: 'cancelled' }])))
        }),
    )
    const o = io()
    const pending = confirmAndApply(f.cli, o, plan([host('net', [fileChange])]), {
      yes: true,
      json: false,
      signals: signals as never,
    })
    await new Promise((r) => setTimeout(r, 5))
    signals.emit('SIGINT')
    expect(f.cancelled).toHaveLength(1)
    expect(f.cancelled[0]).toMatch(/^apply-/)
    release?.()
    const out = await pending
    expect(out.exitCode).toBe(EXIT.cancelled)
    expect(o.lines.join('\n')).toMatch(/run the same command again to resume/)
    expect(signals.listenerCount('SIGINT')).toBe(0)
  })

  it('a failure of the service itself is thrown for the command to print', async () => {
    const f = fakeService(() =>
      fail({ code: 'CONFLICT', message: 'The plan is stale: make a new plan.', retryable: false }),
    )
    await expect(
      confirmAndApply(f.cli, io(), plan([host('net', [fileChange])]), {
        yes: true,
        json: false,
        signals: noSignals,
      }),
    ).rejects.toThrow(/stale/)
  })
})

describe('confirm', () => {
  it('refuses at once when stdin is not a terminal', async () => {
    const o = io(new PassThrough())
    expect(await confirm(o)).toBe(false)
    expect(o.errors).toEqual([])
  })

  it('a closed terminal (end of input) counts as no', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: true })
    const pending = confirm(io(stdin))
    stdin.end()
    expect(await pending).toBe(false)
  })
})

describe('the plan messages in the CLI language (GHW_LANG / locale); --json stays English', () => {
  const withEnv = (env: NodeJS.ProcessEnv, stdin?: NodeJS.ReadableStream) => ({ ...io(stdin), env })

  it('zh-CN: the question and "nothing to change" are Chinese; en: English', async () => {
    const empty = plan([host('net', [])])
    const zh = withEnv({ GHW_LANG: 'zh-CN' })
    expect(
      (
        await confirmAndApply(fakeService(() => ok(result([]))).cli, zh, empty, {
          yes: false,
          json: false,
          signals: noSignals,
        })
      ).exitCode,
    ).toBe(EXIT.ok)
    expect(zh.errors).toContain('  无需更改')
    expect(zh.lines).toEqual(['无需更改：每台服务器都已符合要求。'])
    expect([...zh.errors, ...zh.lines].join('\n')).not.toMatch(/nothing to change/i)
    const en = withEnv({ LANG: 'en_US.UTF-8' })
    await confirmAndApply(fakeService(() => ok(result([]))).cli, en, empty, {
      yes: false,
      json: false,
      signals: noSignals,
    })
    expect(en.errors).toContain('  nothing to change')
    expect(en.lines).toEqual(['Nothing to change: every server is as wanted.'])

    for (const [env, question, refused] of [
      [{ GHW_LANG: 'zh-CN' }, '是否执行此计划？[y/N] ', '未执行：请加上 --yes（或在终端中回答 y）。'],
      [
        { LANG: 'ru_RU.UTF-8' },
        'Применить этот план? [y/N] ',
        'Не применено: добавьте --yes (или ответьте y в терминале).',
      ],
      [{}, 'Apply this plan? [y/N] ', 'Not applied: pass --yes (or answer y on a terminal).'],
    ] as const) {
      const stdin = Object.assign(new PassThrough(), { isTTY: true })
      const o = withEnv(env, stdin)
      const pending = confirmAndApply(f0().cli, o, plan([host('net', [fileChange])]), {
        yes: false,
        json: true,
        signals: noSignals,
      })
      await new Promise((r) => setTimeout(r, 5))
      expect(o.errors).toContain(question)
      stdin.write('n\n')
      expect((await pending).exitCode).toBe(EXIT.notConfirmed)
      expect(o.errors).toContain(refused)
      // The --json line is the same in every language.
      expect(JSON.parse(o.lines[0] ?? '')).toEqual({
        ok: false,
        planEmpty: false,
        actions: [],
        blocked: [],
        notices: [],
      })
    }
  })

  it('a failed action and the outcome in Chinese; the JSON reason stays as the engine gave it', async () => {
    const f = fakeService(() =>
      ok(
        result([
          {
            actionId: 'ml1.up',
            hostId: 'ml1-id',
            outcome: 'failed',
            reason: 'port 8080 is already allocated',
          },
        ]),
      ),
    )
    const o = withEnv({ GHW_LANG: 'zh-CN' })
    expect(
      (
        await confirmAndApply(f.cli, o, plan([host('ml1', [fileChange])]), {
          yes: true,
          json: false,
          signals: noSignals,
        })
      ).exitCode,
    ).toBe(EXIT.failed)
    expect(o.errors).toContain('失败：ml1，步骤 ml1.up：port 8080 is already allocated')
    expect(o.lines).toEqual(['并非所有步骤都已执行（见上文）。'])
  })

  it('y/yes in any language, 是 and да apply; нет, 否 and an empty line do not', async () => {
    for (const [answer, applied] of [
      ['是\n', true],
      ['да\n', true],
      ['Да\n', true],
      ['YES\n', true],
      ['нет\n', false],
      ['否\n', false],
      ['\n', false],
    ] as const) {
      const stdin = Object.assign(new PassThrough(), { isTTY: true })
      const f = f0()
      const o = withEnv(
        { GHW_LANG: answer.startsWith('是') || answer.startsWith('否') ? 'zh-CN' : 'ru' },
        stdin,
      )
      const pending = confirmAndApply(f.cli, o, plan([host('net', [fileChange])]), {
        yes: false,
        json: false,
        signals: noSignals,
      })
      await new Promise((r) => setTimeout(r, 5))
      stdin.write(answer)
      expect((await pending).exitCode, answer).toBe(applied ? EXIT.ok : EXIT.notConfirmed)
      expect(f.calls.length, answer).toBe(applied ? 1 : 0)
    }
  })
})

function f0() {
  return fakeService(() => ok(result([{ actionId: 'net.config', hostId: 'net-id', outcome: 'done' }])))
}
