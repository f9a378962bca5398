import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppFailure } from '../errors'
import { createPassphraseSealer } from './passphrase-sealer'
import { SecretStore } from './secret-store'
import type { SecretSealer } from './sealer'

const CANARY = 'canary-keyring-password-7f3a9c'
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secrets-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (error) {
    if (error instanceof AppFailure) return error.code
    throw error
  }
  return undefined
}

/** Stand-in for an OS keychain: reversible but not plain text, or unavailable like basic_text. */
function fakeKeychain(available: boolean): SecretSealer {
  return {
    kind: 'os-keychain',
    status: () =>
      Promise.resolve(
        available
          ? { ready: true, needsPassphrase: false }
          : {
              ready: false,
              needsPassphrase: false,
              reason: 'basic_text backend: no keyring on this desktop.',
            },
      ),
    seal: (text) => Promise.resolve(Uint8Array.from(Buffer.from(text).map((b) => b ^ 0x5a))),
    open: (bytes) => Promise.resolve(Buffer.from(bytes.map((b) => b ^ 0x5a)).toString()),
  }
}

describe('secret store with a passphrase', () => {
  it('keeps a secret across sessions, sealed (no plain text in the 0600 file)', async () => {
    const store = new SecretStore(dir, createPassphraseSealer({ logN: 10, passphrase: 'correct horse' }))
    await store.set('keyring-password:lab', CANARY)
    const file = join(dir, 'secrets.sealed')
    const raw = await readFile(file)
    expect(raw.includes(Buffer.from(CANARY))).toBe(false)
    expect(raw.subarray(0, 4).toString()).toBe('GHWS')
    expect((await stat(file)).mode & 0o777).toBe(0o600)

    const later = new SecretStore(dir, createPassphraseSealer({ logN: 10 }))
    expect(await codeOf(later.get('keyring-password:lab'))).toBe('PASSPHRASE_REQUIRED')
    expect(await codeOf(later.unlock('wrong horse'))).toBe('WRONG_PASSPHRASE')
    await later.unlock('correct horse')
    expect(await later.get('keyring-password:lab')).toBe(CANARY)
    const listing = await later.list()
    expect(listing.entries.map((e) => [e.name, e.kind])).toEqual([
      ['keyring-password:lab', 'keyring-password'],
    ])
    expect(JSON.stringify(listing)).not.toContain(CANARY)
  })

  it('refuses a file changed by one byte', async () => {
    const store = new SecretStore(dir, createPassphraseSealer({ logN: 10, passphrase: 'pw-12345678' }))
    await store.set('ssh-password:net', CANARY)
    const file = join(dir, 'secrets.sealed')
    const raw = await readFile(file)
    raw[raw.length - 3] = (raw[raw.length - 3] ?? 0) ^ 1
    await writeFile(file, raw)
    const again = new SecretStore(dir, createPassphraseSealer({ logN: 10, passphrase: 'pw-12345678' }))
    expect(await codeOf(again.get('ssh-password:net'))).toBe('WRONG_PASSPHRASE')
  })

  it('forgets everything: file gone, passphrase dropped, values unreadable', async () => {
    const store = new SecretStore(dir, createPassphraseSealer({ logN: 10, passphrase: 'pw-12345678' }))
    await store.set('keyring-password:a', CANARY)
    await store.set('mnemonic:gonka1abc', 'words')
    expect(await store.forgetAll()).toEqual({ forgotten: 2, hadFile: true })
    await expect(stat(join(dir, 'secrets.sealed'))).rejects.toThrow()
    expect(await codeOf(store.get('keyring-password:a'))).toBe('PASSPHRASE_REQUIRED')
    await store.unlock('pw-12345678')
    expect(await store.get('keyring-password:a')).toBeUndefined()
  })

  it('deletes one secret and keeps the others', async () => {
    const store = new SecretStore(dir, createPassphraseSealer({ logN: 10, passphrase: 'pw-12345678' }))
    await store.set('keyring-password:a', 'one')
    await store.set('keyring-password:b', 'two')
    expect(await store.delete('keyring-password:a')).toBe(true)
    expect(await store.delete('keyring-password:a')).toBe(false)
    expect(await store.get('keyring-password:b')).toBe('two')
  })
})

describe('secret store with the OS keychain', () => {
  it('works without a passphrase and refuses a passphrase-sealed file', async () => {
    const store = new SecretStore(dir, fakeKeychain(true))
    await store.set('ssh-password:ml1', CANARY)
    expect(await new SecretStore(dir, fakeKeychain(true)).get('ssh-password:ml1')).toBe(CANARY)
    const other = new SecretStore(dir, createPassphraseSealer({ logN: 10, passphrase: 'pw-12345678' }))
    expect(await codeOf(other.get('ssh-password:ml1'))).toBe('CONFLICT')
  })

  it('refuses to keep anything when the keychain is only basic_text', async () => {
    const store = new SecretStore(dir, fakeKeychain(false))
    expect(await codeOf(store.set('ssh-password:ml1', CANARY))).toBe('UNSUPPORTED')
    expect((await store.list()).reason).toMatch(/basic_text/)
    await expect(stat(join(dir, 'secrets.sealed'))).rejects.toThrow()
  })
})
