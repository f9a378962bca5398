import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../index'
import { memoryIo } from '../../test-support/memory-io'
import { closedPortUrl } from '../../test-support/seed-stub'
import { startTempService } from '../../test-support/temp-service'

let dir: string
let saved: string
let stopService: () => Promise<void>
const env = (): NodeJS.ProcessEnv => ({ HOME: dir, GHW_USER_DATA_DIR: join(dir, 'data') })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-server-keys-'))
  const dead = await closedPortUrl()
  const port = Number(new URL(dead).port)
  const now = new Date().toISOString()
  const temp = await startTempService('cli-server-keys-data-')
  stopService = temp.stop
  saved = temp.dir
  const r = await temp.service.invoke('saveProfile', {
    profile: {
      schemaVersion: 1,
      id: 'keys-cli',
      name: 'keys cli',
      topology: 'split',
      servers: [
        {
          id: 'net',
          name: 'net',
          address: '127.0.0.1',
          port,
          user: 'nobody',
          auth: 'key',
          keyPath: join(dir, 'no-such-key'),
          role: 'network',
        },
      ],
      seedApiUrl: dead,
      deployment: {
        keyName: 'warm',
        accountPubkey: 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/',
        publicHost: 'host.example.org',
        mlNodes: [],
      },
      createdAt: now,
      updatedAt: now,
    },
  })
  if (!r.ok) throw new Error(r.error.message)
})
afterAll(async () => {
  await stopService()
  await rm(dir, { recursive: true, force: true })
})

describe('keys warm, register, grants: usage', () => {
  it('documents each command and its exit codes in --help', async () => {
    const k = memoryIo()
    expect(await main(['keys', '--help'], k)).toBe(0)
    expect(k.lines.join('\n')).toMatch(/keys warm --profile P/)
    expect(k.lines.join('\n')).toMatch(/reused and said so; another existing key is shown and never replaced/)
    expect(k.lines.join('\n')).toMatch(/keys backup --profile P --out DIR/)
    expect(k.lines.join('\n')).toMatch(/never overwritten: refused, exit 1/)
    expect(k.lines.join('\n')).toContain('{"files":[{"path","bytes","host"}]}')
    const r = memoryIo()
    expect(await main(['register', '--help'], r)).toBe(0)
    expect(r.lines.join('\n')).toMatch(/register --profile P \[--wait\]/)
    expect(r.lines.join('\n')).toMatch(/submit-new-participant/)
    expect(r.lines.join('\n')).toMatch(/3 sent but not confirmed yet/)
    const g = memoryIo()
    expect(await main(['grants', '--help'], g)).toBe(0)
    expect(g.lines.join('\n')).toMatch(/grants --profile P \[--wait\] \[--timeout S\] \[--json\]/)
    expect(g.lines.join('\n')).toMatch(/grant-ml-ops-permissions/)
  })

  it.each([
    [['keys', 'warm']],
    [['register']],
    [['grants']],
    [['register', '--profile', 'x', '--timeout', '5']],
    [['grants', '--profile', 'x', '--wait', '--timeout', 'soon']],
    [['grants', '--profile', 'x', '--cold-key', 'a b']],
    [['grants', '--profile', 'x', '--bogus']],
    [['keys', 'cold']],
    [['keys', 'backup', '--out', 'x']],
    [['keys', 'backup', '--profile', 'x']],
    [['keys', 'backup', '--profile', 'x', '--out', 'x', '--name', '../etc/passwd']],
    [['keys', 'backup', '--profile', 'x', '--out', 'x', '--force']],
  ])('refuses %j with exit 2 before reading anything', async (args) => {
    const io = memoryIo(env())
    expect(await main(args, io)).toBe(2)
  })

  it('exit 2 for an unknown profile (a usage error)', async () => {
    const io = memoryIo(env())
    expect(await main(['grants', '--profile', 'nope'], io)).toBe(2)
    expect(io.errors.join('\n')).toMatch(/No saved profile "nope"/)
  })

  it('grants --json: not complete, says why, exit 1 when nothing can be read', async () => {
    const io = memoryIo({ HOME: saved, GHW_USER_DATA_DIR: saved })
    expect(await main(['grants', '--profile', 'keys-cli', '--json'], io)).toBe(1)
    const out = JSON.parse(io.lines.join('\n')) as Record<string, unknown>
    expect(out).toEqual({ complete: false, error: 'no warm key address yet' })
    expect(io.errors.join('\n')).toMatch(/cannot serve yet: there is no warm key/)
  }, 60_000)

  it('keys backup: --out must be a folder (exit 2); a server it cannot reach is exit 1, said in the CLI language', async () => {
    const file = join(dir, 'a-file')
    await writeFile(file, 'x')
    const usage = memoryIo({ HOME: saved, GHW_USER_DATA_DIR: saved })
    expect(await main(['keys', 'backup', '--profile', 'keys-cli', '--out', file], usage)).toBe(2)
    expect(usage.errors.join('\n')).toMatch(/--out takes a folder/)

    const out = join(dir, 'backups-zh')
    const zh = memoryIo({ HOME: saved, GHW_USER_DATA_DIR: saved, GHW_LANG: 'zh-CN' })
    expect(await main(['keys', 'backup', '--profile', 'keys-cli', '--out', out, '--json'], zh)).toBe(1)
    const answer = JSON.parse(zh.lines.join('')) as { files: unknown[]; error: { code: string } }
    expect(answer.files).toEqual([])
    expect(answer.error.code).toMatch(/^[A-Z_]+$/)
    // Not "no backup yet": the key file is missing, and that reason is shown as it is.
    expect(zh.errors.join('\n')).toContain('无法保存 net 的密钥备份：The key file')
    expect(zh.errors.join('\n')).not.toContain('还没有密钥备份')
  }, 60_000)
})
