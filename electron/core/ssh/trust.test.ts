import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppFailure } from '../errors'
import { hostKeyFromBlob, type HostKey } from './host-key'
import { formatKnownHostsLine } from './known-hosts'
import { PIN_FILE, PinStore } from './pin-store'
import { HostKeyTrust, hostKeyFailure } from './trust'

function fakeKey(type = 'ssh-ed25519'): HostKey {
  const name = Buffer.from(type)
  const len = Buffer.alloc(4)
  len.writeUInt32BE(name.length)
  return hostKeyFromBlob(Buffer.concat([len, name, Buffer.from([0, 0, 0, 32]), randomBytes(32)]))
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work
    return 'ok'
  } catch (error) {
    return error instanceof AppFailure ? error.code : String(error)
  }
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ghw-trust-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('HostKeyTrust with pins', () => {
  it('pins only the exact key the host presented last', async () => {
    const trust = new HostKeyTrust(new PinStore(dir), [])
    const k = fakeKey()
    expect(await codeOf(trust.accept('h', 22, k.fingerprint))).toBe('NOT_FOUND') // never seen
    expect((await trust.judge('h', 22, k)).status).toBe('unknown')
    expect(await codeOf(trust.accept('h', 22, fakeKey().fingerprint))).toBe('CONFLICT')
    await trust.accept('h', 22, k.fingerprint)
    // A fresh store reading the same file trusts it: the pin was persisted.
    const again = new HostKeyTrust(new PinStore(dir), [])
    expect((await again.judge('h', 22, k)).status).toBe('trusted')
    expect((await again.judge('h', 2222, k)).status).toBe('unknown')
  })

  it('reports a changed pinned key and replaces it only with both fingerprints', async () => {
    const trust = new HostKeyTrust(new PinStore(dir), [])
    const old = fakeKey()
    await trust.judge('h', 22, old)
    await trust.accept('h', 22, old.fingerprint)
    const next = fakeKey()
    const verdict = await trust.judge('h', 22, next)
    expect(verdict).toMatchObject({ status: 'changed', expected: { fingerprint: old.fingerprint } })
    // accept() never replaces a pin.
    expect(await codeOf(trust.accept('h', 22, next.fingerprint))).toBe('HOST_KEY_CHANGED')
    expect(await codeOf(trust.replace('h', 22, fakeKey().fingerprint, next.fingerprint))).toBe('CONFLICT')
    await trust.replace('h', 22, old.fingerprint, next.fingerprint)
    expect((await trust.judge('h', 22, next)).status).toBe('trusted')
    expect((await trust.judge('h', 22, old)).status).toBe('changed')
  })

  it('trusts a key from known_hosts, and refuses a changed one with both fingerprints', async () => {
    const k = fakeKey()
    const kh = join(dir, 'known_hosts')
    writeFileSync(kh, formatKnownHostsLine('10.0.0.5', 2222, k) + '\n')
    const trust = new HostKeyTrust(new PinStore(dir), [kh])
    expect((await trust.judge('10.0.0.5', 2222, k)).status).toBe('trusted')
    const other = fakeKey()
    const verdict = await trust.judge('10.0.0.5', 2222, other)
    const failure = hostKeyFailure('10.0.0.5', 2222, other, verdict)
    expect(failure.code).toBe('HOST_KEY_CHANGED')
    expect(failure.details).toMatchObject({
      fingerprint: other.fingerprint,
      expectedFingerprint: k.fingerprint,
    })
    expect(failure.message).toMatch(/intercepting/)
  })

  it('offers known key types first in the handshake', async () => {
    const kh = join(dir, 'known_hosts')
    writeFileSync(kh, formatKnownHostsLine('h', 22, fakeKey('ecdsa-sha2-nistp256')) + '\n')
    const trust = new HostKeyTrust(undefined, [kh])
    expect((await trust.algorithmsFor('h', 22))[0]).toBe('ecdsa-sha2-nistp256')
    expect(await trust.algorithmsFor('h', 22)).not.toContain('ssh-rsa')
  })

  it('refuses to work from a damaged pin file instead of trusting nothing or everything', async () => {
    writeFileSync(join(dir, PIN_FILE), '{"version":1,"hosts":{"h":[{"keyType":1}]}}')
    const trust = new HostKeyTrust(new PinStore(dir), [])
    expect(await codeOf(trust.judge('h', 22, fakeKey()))).toBe('STORAGE_FAILED')
  })
})
