// The bundle commands' contract: exit codes and reasons for a changed or truncated bundle and a wrong
// passphrase (nothing written), and a round trip export → import through the service.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROFILE_SCHEMA_VERSION } from '../../shared/profile'
import { buildConfigBundle } from '../../core/bundle/config-bundle'
import { memoryIo } from '../../test-support/memory-io'
import { main } from '../index'

const PASSPHRASE = 'correct horse battery staple'
const KEYRING = 'Cli-keyring-Pa55!'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-bundle-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const env = (passphrase?: string): NodeJS.ProcessEnv => ({
  HOME: dir,
  GHW_USER_DATA_DIR: join(dir, 'data'),
  ...(passphrase !== undefined ? { GHW_BUNDLE_PASSPHRASE: passphrase } : {}),
})

async function savedProfiles(): Promise<string[]> {
  return (await readdir(join(dir, 'data', 'profiles')).catch(() => [] as string[])).filter((f) => f.endsWith('.json'))
}

/** A bundle with encrypted secrets (the keyring password), as the app writes it. */
async function bundleFile(): Promise<{ path: string; zip: Uint8Array }> {
  const { zip } = await buildConfigBundle({
    appVersion: '0.0.0-test',
    createdAt: '2026-12-02T10:00:00.000Z',
    profile: {
      schemaVersion: PROFILE_SCHEMA_VERSION,
      id: 'moved',
      name: 'Moved',
      topology: 'single',
      servers: [{ id: 'net', name: 'net', address: '10.9.0.2', port: 22, user: 'gonka', auth: 'agent', role: 'combined' }],
      createdAt: '2026-12-02T10:00:00.000Z',
      updatedAt: '2026-12-02T10:00:00.000Z',
    },
    pins: {},
    servers: [],
    keyringPassword: KEYRING,
    passphrase: PASSPHRASE,
    scryptLogN: 10,
  })
  const path = join(dir, 'bundle.zip')
  await writeFile(path, zip)
  return { path, zip }
}

describe('cli import: refusals exit 1 with the reason and write nothing', () => {
  it('a changed file', async () => {
    const { zip } = await bundleFile()
    const files = unzipSync(zip)
    files['topology.json'] = strToU8(strFromU8(files['topology.json']!).replace('10.9.0.2', '10.6.6.6'))
    const changed = join(dir, 'changed.zip')
    await writeFile(changed, zipSync(files))
    const io = memoryIo(env(PASSPHRASE))
    expect(await main(['import', changed], io)).toBe(1)
    expect(io.errors.join('\n')).toContain('the checksum of topology.json does not match')
    expect(io.errors.join('\n')).toContain('Nothing was imported')
    expect(await savedProfiles()).toEqual([])
  })

  it('a truncated file', async () => {
    const { zip } = await bundleFile()
    const cut = join(dir, 'cut.zip')
    await writeFile(cut, zip.subarray(0, zip.length - 40))
    const io = memoryIo(env(PASSPHRASE))
    expect(await main(['import', cut, '--json'], io)).toBe(1)
    expect(io.errors.join('\n')).toMatch(/damaged or was changed: it is not a readable zip file/)
    expect(io.lines).toEqual([])
    expect(await savedProfiles()).toEqual([])
  })

  it('a wrong passphrase', async () => {
    const { path } = await bundleFile()
    const io = memoryIo(env('not the passphrase'))
    expect(await main(['import', path], io)).toBe(1)
    expect(io.errors.join('\n')).toContain('The passphrase does not open the secrets of this bundle.')
    expect(await savedProfiles()).toEqual([])
  })

  it('the right passphrase imports (exit 0) and says the secrets were opened', async () => {
    const { path } = await bundleFile()
    const io = memoryIo(env(PASSPHRASE))
    expect(await main(['import', path, '--json'], io)).toBe(0)
    expect(JSON.parse(io.lines[0]!)).toMatchObject({ profileId: 'moved', secrets: 'opened', renamed: false })
    expect(await savedProfiles()).toEqual(['moved.json'])
    expect(await readFile(join(dir, 'data', 'profiles', 'moved.json'), 'utf8')).not.toContain(KEYRING)
  })
})

describe('cli export', () => {
  it('needs the passphrase from the environment when not on a terminal (exit 2)', async () => {
    const io = memoryIo(env())
    expect(await main(['export', '--profile', 'x', '--out', join(dir, 'b.zip')], io)).toBe(2)
    expect(io.errors.join('\n')).toContain('GHW_BUNDLE_PASSPHRASE')
  })

  it('exports a saved profile that imports again under a new id', async () => {
    const init = memoryIo(env())
    expect(
      await main(['profile', 'init', '--name', 'Round trip', '--topology', 'single', '--network', 'gonka@10.9.0.7'], init),
    ).toBe(0)
    const out = join(dir, 'out', 'round.zip')
    const exp = memoryIo(env(PASSPHRASE))
    expect(await main(['export', '--profile', 'round-trip', '--out', out, '--skip-servers', '--json'], exp)).toBe(0)
    const written = JSON.parse(exp.lines.at(-1)!) as { path: string; secrets: boolean }
    expect(written.path).toBe(out)
    const imp = memoryIo(env(PASSPHRASE))
    expect(await main(['import', out, '--json'], imp)).toBe(0)
    expect(JSON.parse(imp.lines[0]!)).toMatchObject({ profileId: 'round-trip-2', renamed: true, profileName: 'Round trip' })
  })

  it('export ansible writes the inventory, playbook and vault (exit 0), and needs the vault password (exit 2)', async () => {
    const init = memoryIo(env())
    expect(
      await main(['profile', 'init', '--name', 'Fleet', '--topology', 'split', '--network', 'gonka@10.9.0.7', '--ml', 'gpu1=gonka@10.9.0.8'], init),
    ).toBe(0)
    const dirOut = join(dir, 'ansible')
    const none = memoryIo(env())
    expect(await main(['export', 'ansible', '--profile', 'fleet', '--out', dirOut], none)).toBe(2)
    expect(none.errors.join('\n')).toContain('GHW_VAULT_PASSWORD')
    const io = memoryIo({ ...env(), GHW_VAULT_PASSWORD: 'vault-password-1' })
    expect(await main(['export', 'ansible', '--profile', 'fleet', '--out', dirOut, '--skip-servers', '--json'], io)).toBe(0)
    const r = JSON.parse(io.lines.at(-1)!) as { dir: string; files: string[] }
    expect(r.dir).toBe(dirOut)
    expect(r.files).toEqual(expect.arrayContaining(['inventory.ini', 'playbook.yml', 'group_vars/gonka/vault.yml']))
    expect(await readFile(join(dirOut, 'group_vars/gonka/vault.yml'), 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/)
    expect(await readFile(join(dirOut, 'inventory.ini'), 'utf8')).toContain('gpu1 ansible_host=10.9.0.8')
  })

  it('export ansible names the password-login servers and the full command with --ask-pass, in the CLI language', async () => {
    const init = memoryIo(env())
    expect(
      await main(['profile', 'init', '--name', 'Pw', '--topology', 'split', '--network', 'gonka@10.9.0.7', '--ml', 'gpu1=gonka@10.9.0.8'], init),
    ).toBe(0)
    // The network server logs in with a password (the app asks for it; it is never stored).
    const file = join(dir, 'data', 'profiles', 'pw.json')
    const stored = JSON.parse(await readFile(file, 'utf8')) as { servers: { role: string; auth: string }[] }
    for (const s of stored.servers) if (s.role === 'network') s.auth = 'password'
    await writeFile(file, JSON.stringify(stored))
    const dirOut = join(dir, 'ansible-pw')
    const io = memoryIo({ ...env(), GHW_VAULT_PASSWORD: 'vault-password-1', GHW_LANG: 'ru' })
    expect(await main(['export', 'ansible', '--profile', 'pw', '--out', dirOut, '--skip-servers'], io)).toBe(0)
    const said = io.lines.join('\n')
    expect(said).toContain(`Запуск: cd ${dirOut} && ansible-playbook playbook.yml --ask-vault-pass --ask-pass`)
    expect(said).toMatch(/входят по паролю: запускайте с --ask-pass/)
    expect(said).toContain('gonka_become=True')
    const json = memoryIo({ ...env(), GHW_VAULT_PASSWORD: 'vault-password-1' })
    expect(await main(['export', 'ansible', '--profile', 'pw', '--out', dirOut, '--skip-servers', '--json'], json)).toBe(0)
    expect(JSON.parse(json.lines.at(-1)!)).toMatchObject({
      command: 'ansible-playbook playbook.yml --ask-vault-pass --ask-pass',
      askBecomePass: [],
      accessUnknown: true,
    })
    expect(await readFile(join(dirOut, 'README.md'), 'utf8')).toContain('--ask-pass')
  })
})
