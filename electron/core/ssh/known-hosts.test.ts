import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostKeyFromBlob, type HostKey } from './host-key'
import {
  appendKnownHost,
  hostFieldMatches,
  judgeKnownHosts,
  parseKnownHosts,
  readKnownHostsFile,
} from './known-hosts'

let dir: string
/** A key made by ssh-keygen: its line and what `ssh-keygen -l` prints for it. */
function makeKey(name: string, type: 'ed25519' | 'ecdsa'): { key: HostKey; line: string; printed: string } {
  const path = join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', path])
  const line = readFileSync(path + '.pub', 'utf8').trim()
  const [, blob] = line.split(' ')
  const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path + '.pub'], {
    encoding: 'utf8',
  }).split(' ')[1]
  return { key: hostKeyFromBlob(Buffer.from(blob ?? '', 'base64')), line, printed: printed ?? '' }
}

let a: ReturnType<typeof makeKey>
let b: ReturnType<typeof makeKey>
let ec: ReturnType<typeof makeKey>

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ghw-kh-'))
  a = makeKey('a', 'ed25519')
  b = makeKey('b', 'ed25519')
  ec = makeKey('ec', 'ecdsa')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('known_hosts', () => {
  it('computes the same fingerprint and key type as ssh-keygen', () => {
    expect(a.key.fingerprint).toBe(a.printed)
    expect(a.key.keyType).toBe('ssh-ed25519')
    expect(ec.key.keyType).toBe('ecdsa-sha2-nistp256')
  })

  it('accepts a hashed entry written by ssh-keygen -H, for port 22 and [host]:port', () => {
    const file = join(dir, 'hashed')
    writeFileSync(file, `server.example ${a.line}\n[10.1.2.3]:2222 ${a.line}\n`)
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' })
    const text = readFileSync(file, 'utf8')
    expect(text).not.toContain('server.example') // really hashed
    const entries = parseKnownHosts(text)
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true)
    expect(judgeKnownHosts(entries, 'server.example', 22, a.key, file).status).toBe('trusted')
    expect(judgeKnownHosts(entries, '10.1.2.3', 2222, a.key, file).status).toBe('trusted')
    // Same address, other port: a different known_hosts name, so unknown.
    expect(judgeKnownHosts(entries, '10.1.2.3', 22, a.key, file).status).toBe('unknown')
  })

  it('reports a different key of the same type as changed, with the expected fingerprint', () => {
    const entries = parseKnownHosts(`[h]:2200 ${a.line}\n`)
    const verdict = judgeKnownHosts(entries, 'h', 2200, b.key, 'kh')
    expect(verdict).toMatchObject({
      status: 'changed',
      expected: { fingerprint: a.key.fingerprint },
      source: 'kh:1',
    })
  })

  it('treats a key of a type not on file as unknown, naming the known types', () => {
    const entries = parseKnownHosts(`h ${a.line}\n`)
    expect(judgeKnownHosts(entries, 'h', 22, ec.key, 'kh')).toEqual({
      status: 'unknown',
      otherKnownTypes: ['ssh-ed25519'],
    })
  })

  it('refuses @revoked keys even when another line trusts them', () => {
    const entries = parseKnownHosts(`h ${a.line}\n@revoked * ${a.line}\n`)
    expect(judgeKnownHosts(entries, 'h', 22, a.key, 'kh').status).toBe('revoked')
  })

  it('ignores @cert-authority lines and comments', () => {
    const entries = parseKnownHosts(`# comment\n@cert-authority *.example ${a.line}\n`)
    expect(judgeKnownHosts(entries, 'x.example', 22, a.key, 'kh').status).toBe('unknown')
  })

  it('matches comma lists, wildcards and negation like OpenSSH', () => {
    expect(hostFieldMatches('alpha,10.0.0.5', '10.0.0.5', 22)).toBe(true)
    expect(hostFieldMatches('*.lab', 'ml1.lab', 22)).toBe(true)
    expect(hostFieldMatches('*.lab,!ml2.lab', 'ml2.lab', 22)).toBe(false)
    expect(hostFieldMatches('[ml1.lab]:2222', 'ML1.lab', 2222)).toBe(true)
    expect(hostFieldMatches('ml1.lab', 'ml1.lab', 2222)).toBe(false)
  })

  it('appends an OpenSSH line that ssh-keygen -F finds', async () => {
    const file = join(dir, 'appended')
    writeFileSync(file, `other ${b.line}`) // no trailing newline: must not glue lines together
    await appendKnownHost(file, '127.0.0.1', 2222, a.key)
    const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file], { encoding: 'utf8' })
    expect(found).toContain(a.key.publicKey)
    expect((await readKnownHostsFile(file)).length).toBe(2)
    expect(await readKnownHostsFile(join(dir, 'missing'))).toEqual([])
  })
})
