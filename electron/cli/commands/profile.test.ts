import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../core/log'
import { createService, type AppService } from '../../core/service'
import { memoryIo } from '../../test-support/memory-io'
import { main } from '../index'
import type { CliIo } from '../io'

const PUBKEY = 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/'
const ADDRESS = 'gonka1kr8kwwzl93t7ufxrz8qxqs8n2q8v37935m25pn'
const CANARY = 'canary-keyring-5d7e21'
const STORE_PASSPHRASE = 'store-passphrase-1'

let dir: string
let env: NodeJS.ProcessEnv
let app: AppService | undefined

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-profile-'))
  env = { HOME: dir, GHW_USER_DATA_DIR: join(dir, 'data') }
})
afterEach(async () => {
  await app?.dispose()
  app = undefined
  await rm(dir, { recursive: true, force: true })
})

/** A new service over the same data folder (a later session of the app or the CLI). */
function laterSession(): AppService {
  app = createService(
    {
      dataDir: join(dir, 'data'),
      appName: 'Gonka Host Wizard',
      appVersion: '0.0.0',
      platform: 'linux',
      runtime: 'cli',
      homeDir: dir,
    },
    { logger: createLogger('error', () => undefined) },
  )
  return app
}

const base = [
  'profile',
  'init',
  '--name',
  'Prod',
  '--topology',
  'split',
  '--network',
  'root@203.0.113.10',
  '--ml',
  'gpu1=ubuntu@203.0.113.11',
  '--ml',
  'gpu2=ubuntu@203.0.113.12',
]
const step4 = [
  '--repo',
  'https://git.example.org/gonka.git',
  '--ref',
  'v0.2.4',
  '--public-host',
  '203.0.113.10',
  '--https',
  '--domain',
  'node.example.org',
  '--account-pubkey',
  PUBKEY,
  '--key-name',
  'warm-key',
  '--model',
  'Qwen/Qwen3-32B-FP8',
  '--hf-home',
  '/data/hf',
]

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(root, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(join(e.parentPath, e.name))
  return out
}

describe('profile init with the deployment settings (step 4)', () => {
  it('saves every setting, prints the account address, and keeps the keyring password only in the secret store', async () => {
    const io = memoryIo({ ...env, GHW_KEYRING_PASSWORD: CANARY, GHW_SECRETS_PASSPHRASE: STORE_PASSPHRASE })
    const code = await main([...base, ...step4, '--out', join(dir, 'prod.json')], io)
    expect(io.errors).toEqual([])
    expect(code).toBe(0)
    expect(io.lines.join('\n')).toContain(ADDRESS)
    expect(io.lines.join('\n')).toMatch(/keyring password is kept in the secret store/)

    const later = laterSession()
    const loaded = await later.invoke('loadProfile', { id: 'prod' })
    expect(loaded).toMatchObject({
      ok: true,
      value: {
        deployment: {
          repoUrl: 'https://git.example.org/gonka.git',
          repoRef: 'v0.2.4',
          publicHost: '203.0.113.10',
          https: true,
          domain: 'node.example.org',
          accountPubkey: PUBKEY,
          keyName: 'warm-key',
          hfHome: '/data/hf',
          mlNodes: [
            { serverId: 'gpu1', nodeId: 'node1', models: [{ id: 'Qwen/Qwen3-32B-FP8', args: [] }] },
            { serverId: 'gpu2', nodeId: 'node2', models: [{ id: 'Qwen/Qwen3-32B-FP8', args: [] }] },
          ],
        },
      },
    })
    // Not in the profile, not in the --out file, not in any file in clear.
    for (const file of [...(await filesUnder(join(dir, 'data'))), join(dir, 'prod.json')])
      expect(await readFile(file, 'utf8'), file).not.toContain(CANARY)
    expect(io.lines.join('\n')).not.toContain(CANARY)

    // A later session finds it once the store is unlocked: the preview has it, the plan can use it.
    const locked = await later.invoke('previewConfig', { profileId: 'prod' })
    expect(locked.ok && locked.value.keyringPasswordHeld).toBe(false)
    expect((await later.invoke('unlockSecrets', { passphrase: STORE_PASSPHRASE })).ok).toBe(true)
    const preview = await later.invoke('previewConfig', { profileId: 'prod' })
    expect(preview.ok && preview.value.keyringPasswordHeld).toBe(true)
    expect(JSON.stringify(preview)).not.toContain(CANARY)
  })

  it('refuses wrong settings with exit 2, one line per flag saying what to use, and saves nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['--public-host', 'http://203.0.113.10', '--key-name', 'k'], /--public-host: Leave out http:\/\//],
      [['--public-host', '192.168.1.5', '--key-name', 'k'], /--public-host: .*private or local/],
      [
        ['--public-host', '203.0.113.10', '--key-name', 'k', '--https'],
        /--domain: HTTPS needs a domain name/,
      ],
      [['--public-host', '203.0.113.10'], /--key-name: Enter the name of the ML operational \(warm\) key/],
      [['--key-name', 'k'], /--public-host: Enter the network server's public IP address/],
      [
        ['--public-host', '203.0.113.10', '--key-name', 'k', '--account-pubkey', 'not base64!'],
        /--account-pubkey: This is not base64/,
      ],
      [
        ['--public-host', '203.0.113.10', '--key-name', 'k', '--hf-home', 'data/hf'],
        /--hf-home: HF_HOME must be an absolute path/,
      ],
      [
        ['--public-host', '203.0.113.10', '--key-name', 'k', '--repo', 'https://u:p@git.example.org/g.git'],
        /--repo: Remove the user name and password/,
      ],
      [
        ['--public-host', '203.0.113.10', '--key-name', 'k', '--model', 'no spaces allowed'],
        /--model: Not a model id/,
      ],
    ]
    for (const [flags, message] of cases) {
      const io = memoryIo(env)
      expect(await main([...base, ...flags], io), flags.join(' ')).toBe(2)
      expect(io.errors.join('\n'), flags.join(' ')).toMatch(message)
    }
    const listing = await laterSession().invoke('listProfiles', {})
    expect(listing.ok && listing.value.profiles).toEqual([])
  })

  it('refuses a public key that is base64 of 33 bytes but not a point on the curve (exit 2, nothing saved)', async () => {
    const io = memoryIo(env)
    const notOnCurve = Buffer.from([0x02, ...new Array<number>(32).fill(0xff)]).toString('base64')
    const args = [...base, '--public-host', '203.0.113.10', '--key-name', 'k', '--account-pubkey', notOnCurve]
    expect(await main(args, io)).toBe(2)
    expect(io.errors.join('\n')).toMatch(/--account-pubkey: /)
    const listing = await laterSession().invoke('listProfiles', {})
    expect(listing.ok && listing.value.profiles).toEqual([])
  })

  it('the keyring password is never a flag, and a short one from the environment says why', async () => {
    const asFlag = memoryIo(env)
    expect(await main([...base, ...step4, '--keyring-password', CANARY], asFlag)).toBe(2)
    const short = memoryIo({ ...env, GHW_KEYRING_PASSWORD: 'short' })
    expect(await main([...base, ...step4], short)).toBe(2)
    expect(short.errors.join('\n')).toMatch(
      /GHW_KEYRING_PASSWORD: The keyring password needs at least 8 characters/,
    )
  })

  it('without the store passphrase the profile is saved, the password is not kept, and it says what to set (exit 1)', async () => {
    const io = memoryIo({ ...env, GHW_KEYRING_PASSWORD: CANARY })
    expect(await main([...base, ...step4], io)).toBe(1)
    expect(io.errors.join('\n')).toMatch(/set GHW_SECRETS_PASSPHRASE/)
    expect(io.errors.join('\n')).not.toContain(CANARY)
    const later = laterSession()
    expect((await later.invoke('loadProfile', { id: 'prod' })).ok).toBe(true)
    await later.invoke('unlockSecrets', { passphrase: STORE_PASSPHRASE })
    const preview = await later.invoke('previewConfig', { profileId: 'prod' })
    expect(preview.ok && preview.value.keyringPasswordHeld).toBe(false)
  })

  it('asks for the keyring password twice on a terminal, without it ever reaching stdout', async () => {
    const stdin = new PassThrough()
    const io: CliIo & { lines: string[]; errors: string[] } = {
      ...memoryIo({ ...env, GHW_SECRETS_PASSPHRASE: STORE_PASSPHRASE }),
      stdin,
      terminal: true,
    }
    const lines: string[] = []
    const errors: string[] = []
    io.out = (l) => lines.push(l)
    io.err = (l) => errors.push(l)
    const pending = main([...base, ...step4], io)
    const until = async (n: number) => {
      while (errors.filter((e) => /keyring password/i.test(e)).length < n)
        await new Promise((r) => setTimeout(r, 5))
    }
    await until(1)
    stdin.write(`${CANARY}\n`)
    await until(2)
    stdin.write(`${CANARY}\n`)
    expect(await pending).toBe(0)
    expect(lines.join('\n')).toMatch(/kept in the secret store/)
    expect([...lines, ...errors].join('\n')).not.toContain(CANARY)
  })

  it('without any step-4 flag the profile has no deployment and nothing is asked', async () => {
    const io = memoryIo({ ...env, GHW_KEYRING_PASSWORD: CANARY })
    expect(await main(base, io)).toBe(0)
    const loaded = await laterSession().invoke('loadProfile', { id: 'prod' })
    expect(loaded.ok && loaded.value.deployment).toBeUndefined()
  })

  it('documents every new flag and the environment variables in --help', async () => {
    const io = memoryIo(env)
    expect(await main(['profile', '--help'], io)).toBe(0)
    const help = io.lines.join('\n')
    for (const flag of [
      '--repo',
      '--ref',
      '--public-host',
      '--https',
      '--domain',
      '--account-pubkey',
      '--key-name',
      '--model',
      '--hf-home',
      'GHW_KEYRING_PASSWORD',
      'GHW_SECRETS_PASSPHRASE',
    ])
      expect(help).toContain(flag)
    expect(help).not.toMatch(/--keyring-password/)
  })
})
