import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { PROFILE_SCHEMA_VERSION, type Profile } from '../../shared/profile'
import { AppFailure } from '../errors'
import { buildConfigBundle, openConfigBundle, sha256, type ConfigBundleInput } from './config-bundle'
import { readTar } from './tar'

const PASSPHRASE = 'correct horse battery staple'
const KEYRING = 'Keyring-Pa55word!'

function profile(): Profile {
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    id: 'lab-host',
    name: 'Lab <host> & co',
    topology: 'split',
    servers: [
      { id: 'net', name: 'network', address: '10.0.0.2', port: 22, user: 'gonka', auth: 'key', role: 'network' },
      { id: 'gpu1', name: 'gpu one', address: '10.0.0.3', port: 2222, user: 'gonka', auth: 'agent', role: 'ml' },
    ],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  }
}

function input(overrides: Partial<ConfigBundleInput> = {}): ConfigBundleInput {
  return {
    appVersion: '1.2.3',
    createdAt: '2026-12-02T01:00:00.000Z',
    profile: profile(),
    pins: {
      '10.0.0.2': [{ keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', publicKey: 'AAAA', pinnedAt: 'x' }],
    },
    checks: [{ checkId: 'os', serverId: 'net', serverName: '<b>net</b>', status: 'pass', message: 'ok' }],
    servers: [
      {
        serverId: 'net',
        configEnv: `KEY_NAME=host1\nKEYRING_PASSWORD="${KEYRING}"\nPUBLIC_URL=http://1.2.3.4:8000\n`,
        nodeConfig: '[]\n',
        secretFiles: [
          { path: '.inference/keyring-file/abc.address', data: strToU8('keyring-entry') },
          { path: '.tmkms/secrets/priv_validator_key.json', data: new Uint8Array([0, 1, 2, 255]) },
        ],
        absent: ['.inference/config/node_key.json'],
      },
      { serverId: 'gpu1', configEnv: 'HF_HOME=/mnt/shared\n', secretFiles: [], absent: ['node-config.json'] },
    ],
    keyringPassword: KEYRING,
    passphrase: PASSPHRASE,
    scryptLogN: 10,
    ...overrides,
  }
}

async function failureOf(promise: Promise<unknown>): Promise<AppFailure> {
  try {
    await promise
  } catch (error) {
    if (error instanceof AppFailure) return error
    throw error
  }
  throw new Error('expected a failure')
}

describe('config bundle', () => {
  it('lists every file with its SHA-256 and the absent remote files in the manifest', async () => {
    const { zip } = await buildConfigBundle(input())
    const files = unzipSync(zip)
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as {
      files: Record<string, string>
      absent: { serverId: string; path: string }[]
      appVersion: string
      profileName: string
    }
    expect(manifest.appVersion).toBe('1.2.3')
    expect(manifest.profileName).toBe('Lab <host> & co')
    expect(Object.keys(files).sort()).toEqual(['manifest.json', ...Object.keys(manifest.files)].sort())
    for (const [path, digest] of Object.entries(manifest.files)) expect(sha256(files[path]!)).toBe(digest)
    expect(manifest.absent).toContainEqual({ serverId: 'net', path: '.inference/config/node_key.json' })
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['README.md', 'topology.json', 'ml-nodes.json', 'checks/report.html', 'secrets.tar.age']),
    )
  })

  it('keeps secrets out of every file but the encrypted archive', async () => {
    const { zip } = await buildConfigBundle(input())
    const files = unzipSync(zip)
    const env = strFromU8(files['servers/net/config.env']!)
    expect(env).toContain('KEY_NAME=host1')
    expect(env).toContain('KEYRING_PASSWORD=""')
    for (const [path, data] of Object.entries(files)) {
      if (path === 'secrets.tar.age') continue
      expect(Buffer.from(data).toString('latin1'), path).not.toContain(KEYRING)
      expect(Buffer.from(data).toString('latin1'), path).not.toContain('keyring-entry')
    }
    expect(strFromU8(files['checks/report.html']!)).toContain('&lt;b&gt;net&lt;/b&gt;')
    expect(strFromU8(files['checks/report.html']!)).not.toContain('<b>net</b>')
  })

  it('opens with the passphrase and gives back the profile, pins and secrets', async () => {
    const { zip } = await buildConfigBundle(input())
    const opened = await openConfigBundle(zip, PASSPHRASE)
    expect(opened.profile.name).toBe('Lab <host> & co')
    expect(opened.pins['10.0.0.2']?.[0]?.fingerprint).toBe('SHA256:abc')
    const byPath = new Map(opened.secrets?.map((e) => [e.path, e.data]))
    expect(strFromU8(byPath.get('keyring-password.txt')!)).toBe(`${KEYRING}\n`)
    expect([...byPath.get('net/.tmkms/secrets/priv_validator_key.json')!]).toEqual([0, 1, 2, 255])
  })

  it('says the passphrase is wrong with its own error code', async () => {
    const { zip } = await buildConfigBundle(input())
    const failure = await failureOf(openConfigBundle(zip, 'not the passphrase'))
    expect(failure.code).toBe('WRONG_PASSPHRASE')
  })

  it('refuses a bundle whose file was changed, naming the file', async () => {
    const { zip } = await buildConfigBundle(input())
    const files = unzipSync(zip)
    files['profile.json'] = strToU8(strFromU8(files['profile.json']!).replace('10.0.0.2', '10.6.6.6'))
    const failure = await failureOf(openConfigBundle(zipSync(files), PASSPHRASE))
    expect(failure.code).toBe('INVALID_INPUT')
    expect(failure.message).toContain('checksum of profile.json')
  })

  it('refuses a bundle with a file added or removed', async () => {
    const { zip } = await buildConfigBundle(input())
    const added = { ...unzipSync(zip), 'extra.sh': strToU8('rm -rf /') }
    expect((await failureOf(openConfigBundle(zipSync(added)))).message).toContain('extra.sh is not listed')
    const removed = unzipSync(zip)
    delete removed['pinned-host-keys.json']
    expect((await failureOf(openConfigBundle(zipSync(removed)))).message).toContain('pinned-host-keys.json is missing')
  })

  it('refuses a truncated bundle', async () => {
    const { zip } = await buildConfigBundle(input())
    const failure = await failureOf(openConfigBundle(zip.subarray(0, Math.floor(zip.length / 2))))
    expect(failure.code).toBe('INVALID_INPUT')
    expect(failure.message).toContain('damaged')
  })

  it('has no secrets archive when there is nothing secret', async () => {
    const { zip, manifest } = await buildConfigBundle(
      input({ servers: [], keyringPassword: undefined as unknown as string }),
    )
    expect(manifest.secrets).toBe(false)
    expect(Object.keys(unzipSync(zip))).not.toContain('secrets.tar.age')
  })

  it('writes a README with the manual commands per server', async () => {
    const { zip } = await buildConfigBundle(input())
    const readme = strFromU8(unzipSync(zip)['README.md']!)
    expect(readme).toContain('ssh gonka@10.0.0.2')
    expect(readme).toContain('ssh -p 2222 gonka@10.0.0.3')
    expect(readme).toContain('docker compose -f docker-compose.mlnode.yml up -d')
    expect(readme).toContain('age -d -o secrets.tar secrets.tar.age')
  })
})

const ageMissing = spawnSync('age', ['--version']).status !== 0 || spawnSync('script', ['--version']).status !== 0
if (ageMissing) console.warn('\n*** SKIPPING age interop: the `age` binary (Debian package age) or `script` is missing ***\n')

describe.skipIf(ageMissing)('age interop', () => {
  it('the standard age tool decrypts secrets.tar.age with the passphrase, and tar reads it', async () => {
    const { zip } = await buildConfigBundle(input())
    const dir = mkdtempSync(join(tmpdir(), 'ghw-age-'))
    try {
      writeFileSync(join(dir, 'secrets.tar.age'), unzipSync(zip)['secrets.tar.age']!)
      // age reads a passphrase only from a terminal: `script` gives it one and forwards our stdin.
      execFileSync('script', ['-qec', 'age -d -o secrets.tar secrets.tar.age', '/dev/null'], {
        cwd: dir,
        input: `${PASSPHRASE}\n`,
        stdio: ['pipe', 'ignore', 'ignore'],
        timeout: 30_000,
      })
      const listing = execFileSync('tar', ['-tf', 'secrets.tar'], { cwd: dir, encoding: 'utf8' })
      expect(listing.split('\n')).toEqual(
        expect.arrayContaining(['net/.inference/keyring-file/abc.address', 'keyring-password.txt']),
      )
      execFileSync('tar', ['-xf', 'secrets.tar'], { cwd: dir })
      expect(readFileSync(join(dir, 'keyring-password.txt'), 'utf8')).toBe(`${KEYRING}\n`)
      expect(readTar(readFileSync(join(dir, 'secrets.tar'))).length).toBe(3)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it("the standard age tool opens a bundle made with the app's own work factor (no test shortcut)", async () => {
    const { zip } = await buildConfigBundle({ ...input(), scryptLogN: undefined })
    const dir = mkdtempSync(join(tmpdir(), 'ghw-age-'))
    try {
      writeFileSync(join(dir, 'secrets.tar.age'), unzipSync(zip)['secrets.tar.age']!)
      execFileSync('script', ['-qec', 'age -d -o secrets.tar secrets.tar.age', '/dev/null'], {
        cwd: dir,
        input: `${PASSPHRASE}\n`,
        stdio: ['pipe', 'ignore', 'ignore'],
        timeout: 60_000,
      })
      expect(execFileSync('tar', ['-xOf', 'secrets.tar', 'keyring-password.txt'], { cwd: dir, encoding: 'utf8' })).toBe(
        `${KEYRING}\n`,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('the standard age tool refuses a wrong passphrase', async () => {
    const { zip } = await buildConfigBundle(input())
    const dir = mkdtempSync(join(tmpdir(), 'ghw-age-'))
    try {
      writeFileSync(join(dir, 'secrets.tar.age'), unzipSync(zip)['secrets.tar.age']!)
      const run = spawnSync('script', ['-qec', 'age -d -o secrets.tar secrets.tar.age', '/dev/null'], {
        cwd: dir,
        input: 'wrong passphrase\n',
        encoding: 'utf8',
        timeout: 30_000,
      })
      expect(run.status).not.toBe(0)
      expect(run.stdout).toContain('incorrect passphrase')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
