import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../core/log'
import { createService, type AppService } from '../core/service'
import type { Profile } from '../shared/profile'
import { memoryIo } from '../test-support/memory-io'
import { closedPortUrl } from '../test-support/seed-stub'
import { formatProgress, openCliService, type CliService } from './cli-service'
import { main } from './index'
import { CliUsageError } from './io'

let dir: string
let env: NodeJS.ProcessEnv
let cli: CliService | undefined
let app: AppService | undefined

/** The desktop app's service over the same data folder as the CLI (what the app would see). */
function appService(): AppService {
  app = createService(
    {
      dataDir: join(dir, 'data'),
      appName: 'Gonka Host Wizard',
      appVersion: '0.0.0',
      platform: 'linux',
      runtime: 'electron',
      homeDir: dir,
    },
    { logger: createLogger('error', () => undefined) },
  )
  return app
}

function profile(id: string, name: string, port = 22): Profile {
  const now = new Date().toISOString()
  return {
    schemaVersion: 1,
    id,
    name,
    topology: 'single',
    servers: [
      { id: 'box', name: 'box', address: '127.0.0.1', port, user: 'tester', auth: 'agent', role: 'combined' },
    ],
    createdAt: now,
    updatedAt: now,
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ghw-cli-service-'))
  env = { GHW_USER_DATA_DIR: join(dir, 'data'), HOME: dir }
})
afterEach(async () => {
  await cli?.close()
  await app?.dispose()
  cli = undefined
  app = undefined
  await rm(dir, { recursive: true, force: true })
})

describe('--profile NAME or FILE', () => {
  it('finds a profile the app saved by its id or its name (any case), in GHW_USER_DATA_DIR', async () => {
    const saved = await appService().invoke('saveProfile', { profile: profile('rack-a', 'Rack A') })
    expect(saved.ok).toBe(true)
    cli = await openCliService(memoryIo(env))
    expect(cli.dataDir).toBe(join(dir, 'data'))
    expect((await cli.resolveProfile('rack-a')).name).toBe('Rack A')
    expect((await cli.resolveProfile('rack a')).id).toBe('rack-a')
  })

  it('reads a FILE when the argument is a path, and a bare file name when no saved profile has that name', async () => {
    await writeFile(join(dir, 'p.json'), JSON.stringify(profile('from-file', 'From file')))
    cli = await openCliService(memoryIo(env))
    expect((await cli.resolveProfile(join(dir, 'p.json'))).id).toBe('from-file')
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      await writeFile(join(dir, 'plain'), JSON.stringify(profile('plain-file', 'Plain')))
      expect((await cli.resolveProfile('plain')).id).toBe('plain-file')
    } finally {
      process.chdir(cwd)
    }
  })

  it('says which profiles exist when the name is unknown, and refuses a file that is not a profile', async () => {
    await appService().invoke('saveProfile', { profile: profile('rack-a', 'Rack A') })
    cli = await openCliService(memoryIo(env))
    const unknown = cli.resolveProfile('rack-b')
    await expect(unknown).rejects.toBeInstanceOf(CliUsageError)
    await expect(unknown).rejects.toThrow(/No saved profile "rack-b" .*Saved profiles: Rack A \(rack-a\)/)
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ ...profile('bad', 'Bad', 70000) }))
    await expect(cli.resolveProfile(join(dir, 'bad.json'))).rejects.toThrow(/servers\.0\.port/)
  })

  it('asks for the id when two saved profiles have the same name', async () => {
    const service = appService()
    await service.invoke('saveProfile', { profile: profile('one', 'Twin') })
    await service.invoke('saveProfile', { profile: profile('two', 'twin') })
    cli = await openCliService(memoryIo(env))
    await expect(cli.resolveProfile('Twin')).rejects.toThrow(/\(ids (one, two|two, one)\); give the id/)
  })
})

describe('one store for the CLI and the app', () => {
  it('profile init saves into the data folder, where the app opens it, and still writes --out', async () => {
    const out = memoryIo(env)
    const file = join(dir, 'lab.json')
    const code = await main(
      [
        'profile',
        'init',
        '--name',
        'Lab split',
        '--out',
        file,
        '--topology',
        'split',
        '--network',
        'root@203.0.113.10',
        '--ml',
        'gpu1=ubuntu@[2001:db8::5]:2222',
      ],
      out,
    )
    expect(out.errors).toEqual([])
    expect(code).toBe(0)
    const loaded = await appService().invoke('loadProfile', { id: 'lab-split' })
    expect(loaded).toMatchObject({
      ok: true,
      value: {
        name: 'Lab split',
        servers: [
          { name: 'network', address: '203.0.113.10', port: 22, user: 'root', role: 'network' },
          { name: 'gpu1', address: '2001:db8::5', port: 2222, user: 'ubuntu', role: 'ml' },
        ],
      },
    })
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ id: 'lab-split', name: 'Lab split' })
    // A second init with the same name would replace the app's profile: only with --force.
    const again = memoryIo(env)
    const args = [
      'profile',
      'init',
      '--name',
      'lab split',
      '--topology',
      'single',
      '--network',
      'root@203.0.113.11',
    ]
    expect(await main(args, again)).toBe(2)
    expect(again.errors.join('\n')).toContain('--force')
    expect(await main([...args, '--force'], memoryIo(env))).toBe(0)
  })

  it('refuses a bad port with exit 2 and the reason, in every command, before touching anything', async () => {
    for (const args of [
      ['connect', 'root@203.0.113.10:70000'],
      ['connect', 'root@[2001:db8::1]:0'],
      ['profile', 'init', '--name', 'x', '--topology', 'single', '--network', 'root@host:65536'],
    ]) {
      const out = memoryIo(env)
      expect(await main(args, out)).toBe(2)
      expect(out.errors.join('\n')).toContain('the port must be a whole number from 1 to 65535')
    }
  })

  it('check --profile NAME runs the app-saved profile through the service (exit 1: the host is down)', async () => {
    const port = Number(new URL(await closedPortUrl()).port)
    await appService().invoke('saveProfile', { profile: profile('down', 'Down box', port) })
    const out = memoryIo(env)
    expect(await main(['check', '--profile', 'Down box', '--json'], out)).toBe(1)
    const entries = JSON.parse(out.lines.join('\n')) as { host: string; status: string }[]
    expect(entries.length).toBeGreaterThan(0)
    expect(entries.every((e) => e.host === 'box')).toBe(true)
    expect(entries.some((e) => e.status === 'fail')).toBe(true)
  })

  it('connect goes through the service: a refused port is exit 6 with the JSON shape kept', async () => {
    const port = Number(new URL(await closedPortUrl()).port)
    const out = memoryIo(env, 'a-password\n')
    expect(await main(['connect', `tester@127.0.0.1:${port}`, '--password-stdin', '--json'], out)).toBe(6)
    expect(JSON.parse(out.lines.join('\n'))).toMatchObject({
      host: '127.0.0.1',
      port,
      user: 'tester',
      trusted: false,
      accepted: false,
      error: { code: 'CONNECTION_REFUSED' },
    })
    expect(out.lines.join('\n') + out.errors.join('\n')).not.toContain('a-password')
  })

  it("version answers the service's getAppInfo over the CLI's data folder", async () => {
    const out = memoryIo(env)
    expect(await main(['version', '--json'], out)).toBe(0)
    const pkg = JSON.parse(await readFile(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string
    }
    expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({
      version: pkg.version,
      dataDir: join(dir, 'data'),
      runtime: 'cli',
    })
  })
})

describe('progress on stderr', () => {
  it('prints the detail of an event (its title when there is none) with the step and the fraction', () => {
    expect(
      formatProgress({
        runId: 'r-1234567',
        stepId: 'ml1',
        kind: 'result',
        title: 'k',
        detail: '2 cores',
        fraction: 0.5,
      }),
    ).toBe('[ml1] 2 cores (50%)')
    expect(formatProgress({ runId: 'r-1234567', stepId: 'net', kind: 'start', title: 'ssh.testing' })).toBe(
      '[net] ssh.testing',
    )
  })
})
