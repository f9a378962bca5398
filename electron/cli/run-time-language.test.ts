// The CLI's run-time messages (usage errors, result lines, failures) follow GHW_LANG like its plans do;
// English stays exactly as scripts and the lab tests read it.
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { ApplyResult, DeployChange, DeployPlan } from '../shared/deploy'
import type { RehearsalResult } from '../shared/nodes'
import type { PushedEvent } from '../shared/progress'
import { ok } from '../shared/result'
import { memoryIo } from '../test-support/memory-io'
import { printFailure, type CliService } from './cli-service'
import { rehearseWithPlan } from './commands/nodes'
import { main } from './index'
import type { CliIo } from './io'

// A stand-in for the service (only what confirmAndApply calls): applyPlan answers with `result`.
function fakeCli(result: ApplyResult): Pick<CliService, 'service'> {
  const service = {
    invoke: () => Promise.resolve(ok(result)),
    cancel: () => undefined,
    onEvent: (_l: (e: PushedEvent) => void) => () => undefined,
  }
  return { service } as unknown as Pick<CliService, 'service'>
}

function io(lang?: string): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    stdin: Readable.from([]),
    env: lang === undefined ? {} : { GHW_LANG: lang },
  }
}

const actionId = 'net/ml-node/ml1/rehearse/k1'
const changes: DeployChange[] = [
  {
    kind: 'command',
    command: 'POST /api/v1/stop',
    summary: { key: 'deploy.node.change.rehearseStop', params: { id: 'ml1' } },
  },
]
const plan: DeployPlan = {
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
          actionId,
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
const applied = (r: Partial<RehearsalResult>): ApplyResult => ({
  planId: 'plan-r',
  runId: 'r',
  ok: true,
  actions: [
    {
      actionId,
      hostId: 'net',
      outcome: 'done',
      output: {
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
      } satisfies RehearsalResult,
    },
  ],
})

async function rehearse(lang: string | undefined, r: Partial<RehearsalResult>): Promise<string[]> {
  const o = io(lang)
  await rehearseWithPlan(fakeCli(applied(r)), o, plan, { yes: true, json: false, nodeId: 'ml1' })
  return o.lines
}

describe('run-time messages in the CLI language', () => {
  it('nodes rehearse: English result lines stay exactly as before', async () => {
    expect(await rehearse(undefined, {})).toEqual([
      'The rehearsal of ml1 ran:',
      'Callback: http://10.0.0.2:9100 (api-container); batches sent to http://10.0.0.2:9100/v2/poc-batches/m/generated',
      'Received: the network server got 3 batch(es) from ml1.',
    ])
    const failed = await rehearse('en', { received: false, batches: 0, cause: 'gpuError' })
    expect(failed.slice(2)).toEqual([
      'Not received: the network server got no batch from ml1.',
      'Cause (gpuError): the ML node reported a GPU error.',
    ])
  })

  it('nodes rehearse: the result lines in Chinese and Russian, technical tokens kept', async () => {
    const zh = (await rehearse('zh-CN', { received: false, batches: 0, cause: 'callbackUnreachable' })).join(
      '\n',
    )
    expect(zh).toContain('ml1 的演练已运行：')
    expect(zh).toContain('回调：http://10.0.0.2:9100（api-container）')
    expect(zh).toContain('未收到：网络服务器没有从 ml1 收到任何批次。')
    expect(zh).toContain('原因（callbackUnreachable）：ML 服务器无法访问回调')
    expect(zh).not.toMatch(/Not received|Cause \(/)
    const ru = (await rehearse('ru', {})).join('\n')
    expect(ru).toContain('Репетиция ml1 выполнена:')
    expect(ru).toContain('Получено: сетевой сервер получил пакетов от ml1: 3.')
    expect(ru).not.toMatch(/Received:|Callback:/)
  })

  it('a usage error and its usage line are translated; English is unchanged', async () => {
    const en = memoryIo()
    expect(await main(['nodes'], en)).toBe(2)
    expect(en.errors[0]).toMatch(
      /^Give a subcommand: list, add, update, enable, disable, remove or rehearse\.\nUsage: npm run cli -- nodes list/,
    )
    const zh = memoryIo({ GHW_LANG: 'zh-CN' })
    expect(await main(['nodes', 'list'], zh)).toBe(2)
    expect(zh.errors[0]).toMatch(/^必须提供 --profile。\n用法：npm run cli -- nodes list/)
    const ru = memoryIo({ GHW_LANG: 'ru' })
    expect(await main(['nodes', 'frob'], ru)).toBe(2)
    expect(ru.errors[0]).toMatch(/^Неизвестная подкоманда «frob»[^\n]*\nИспользование: npm run cli -- nodes/)
    const unknown = memoryIo({ LANG: 'ru_RU.UTF-8' })
    expect(await main(['deploy-everything'], unknown)).toBe(2)
    expect(unknown.errors.join('\n')).toContain('Неизвестная команда «deploy-everything»')
  })

  it('printFailure labels the message and the hint in the CLI language', () => {
    const error = {
      code: 'UNREACHABLE' as const,
      message: 'no route to 10.0.0.9',
      hint: 'check the address',
      retryable: true,
      fields: { host: 'bad' },
    }
    const lines = (lang?: string): string[] => {
      const o = io(lang)
      printFailure(o, error)
      return o.errors
    }
    expect(lines()).toEqual(['Error: no route to 10.0.0.9', '  host: bad', 'What to do: check the address'])
    expect(lines('zh-CN')).toEqual(['错误：no route to 10.0.0.9', '  host: bad', '怎么办：check the address'])
    expect(lines('ru')).toEqual([
      'Ошибка: no route to 10.0.0.9',
      '  host: bad',
      'Что делать: check the address',
    ])
  })

  it('usage errors of other commands: profile init, connect and its destination problem', async () => {
    const ru = memoryIo({ GHW_LANG: 'ru' })
    expect(await main(['profile', 'init'], ru)).toBe(2)
    expect(ru.errors[0]).toMatch(/^Укажите --name NAME/)
    const zh = memoryIo({ GHW_LANG: 'zh-CN' })
    expect(await main(['connect', 'root@'], zh)).toBe(2)
    expect(zh.errors[0]).toMatch(/^目标必须是 USER@HOST\[:PORT\]，收到的是“root@”：缺少主机。/)
    const en = memoryIo()
    expect(await main(['connect', 'root@'], en)).toBe(2)
    expect(en.errors[0]).toMatch(
      /^The destination must be USER@HOST\[:PORT\], got "root@": the host is missing\./,
    )
  })
})
