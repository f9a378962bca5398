import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryIo } from '../../test-support/memory-io'
import { main } from '../index'

let dir: string
let profileFile: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ghw-nodes-cli-'))
  // A port where nothing listens: the network server cannot be reached over SSH.
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  const port = (probe.address() as AddressInfo).port
  await new Promise<void>((r) => probe.close(() => r()))
  profileFile = join(dir, 'p.json')
  const now = new Date().toISOString()
  await writeFile(
    profileFile,
    JSON.stringify({
      schemaVersion: 1,
      id: 'cli-nodes',
      name: 'cli nodes',
      topology: 'split',
      servers: [
        { id: 'net', name: 'net', address: '127.0.0.1', port, user: 'root', auth: 'agent', role: 'network' },
        { id: 'ml1', name: 'ml1', address: '10.0.0.5', port: 22, user: 'root', auth: 'agent', role: 'ml' },
      ],
      createdAt: now,
      updatedAt: now,
    }),
  )
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const io = () => {
  const m = memoryIo()
  return Object.assign(m, { env: { HOME: dir, GHW_USER_DATA_DIR: join(dir, 'data') } })
}

describe('nodes and status commands', () => {
  it('document their flags, JSON shapes and exit codes in --help', async () => {
    const a = io()
    expect(await main(['nodes', '--help'], a)).toBe(0)
    expect(a.lines.join('\n')).toMatch(
      /nodes list --profile P \[--json\][\s\S]*127\.0\.0\.1:9200[\s\S]*rehearse --id ID --yes[\s\S]*a plan like the others[\s\S]*Exit status, rehearse/,
    )
    const b = io()
    expect(await main(['status', '--help'], b)).toBe(0)
    expect(b.lines.join('\n')).toMatch(/--watch[\s\S]*0 only when the setup report was read and passes/)
  })

  it('refuse a missing --profile or an unknown subcommand with exit 2', async () => {
    expect(await main(['nodes', 'list'], io())).toBe(2)
    const e = io()
    expect(await main(['nodes', 'rehearsal', '--profile', profileFile, '--id', 'ml1'], e)).toBe(2)
    expect(e.errors.join('\n')).toContain('available: list, add, update, enable, disable, remove, rehearse')
    // The rehearsal needs the node; its --wait is bounded.
    expect(await main(['nodes', 'rehearse', '--profile', profileFile, '--yes'], io())).toBe(2)
    const w = io()
    expect(await main(['nodes', 'rehearse', '--profile', profileFile, '--id', 'ml1', '--wait', '1'], w)).toBe(
      2,
    )
    expect(w.errors.join('\n')).toContain('--wait takes whole seconds from 3 to 300')
    expect(await main(['nodes', 'enable', '--profile', profileFile], io())).toBe(2)
    const r = io()
    expect(await main(['nodes', 'remove', '--profile', profileFile, '--id', 'ml1'], r)).toBe(2)
    expect(r.errors.join('\n')).toContain('needs --yes')
    expect(await main(['status'], io())).toBe(2)
  })

  it('status exits 1 and says why when the network server cannot be used', async () => {
    const out = io()
    expect(await main(['status', '--profile', profileFile, '--json'], out)).toBe(1)
    const status = JSON.parse(out.lines[0] ?? '{}') as {
      passed: boolean
      problems: { part: string; code: string }[]
    }
    expect(status.passed).toBe(false)
    expect(status.problems.map((p) => p.part)).toEqual(expect.arrayContaining(['report', 'nodes', 'seed']))
    // Refused at the port, or before that for want of an ssh-agent: either way named, never a hang.
    expect(status.problems.find((p) => p.part === 'report')?.code).toMatch(
      /CONNECTION_REFUSED|AUTH_FAILED|refused|ssh-agent/i,
    )
  })

  it('nodes list exits 1 with the reason when the api cannot be read', async () => {
    const out = io()
    expect(await main(['nodes', 'list', '--profile', profileFile], out)).toBe(1)
    expect(out.errors.join('\n')).toMatch(/CONNECTION_REFUSED|AUTH_FAILED|refused|ssh-agent/i)
  })
})
