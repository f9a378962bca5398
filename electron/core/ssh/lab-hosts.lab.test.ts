// The SSH layer against the lab's real hosts (net, ml1, ml2: OpenSSH in network namespaces), with
// the lab's faults: a rotated host key, a host reachable only through another, killed connections.
import { execFileSync, spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  killSshConnections,
  labHost,
  onlyReachableFrom,
  rotateHostKey,
  rootExec,
  type Lab,
  type LabHost,
} from '../../../e2e/lab'
import { describeLab } from '../../../e2e/lab/require-lab'
import type { Profile, Server } from '../../shared/profile'
import { runChecksOnProfile } from '../checks/runner'
import { AppFailure } from '../errors'
import { SshPool, type PoolEvent } from './pool'
import { HostKeyTrust } from './trust'
import type { HostTarget, SecretProvider } from './types'
import { labServer } from '../../test-support/lab-setup'

let work: string

async function failureOf(p: Promise<unknown>): Promise<AppFailure> {
  try {
    await p
  } catch (error) {
    if (error instanceof AppFailure) return error
    throw error
  }
  throw new Error('expected a failure')
}

/** A SecretProvider that answers from `answers` and records what it was asked. */
function secretsOf(answers: { password?: string } = {}): { secrets: SecretProvider; asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    secrets: {
      password: () => {
        asked.push('password')
        return Promise.resolve(answers.password)
      },
      passphrase: () => {
        asked.push('passphrase')
        return Promise.resolve(undefined)
      },
      keyboardInteractive: () => {
        asked.push('keyboard-interactive')
        return Promise.resolve(undefined)
      },
    },
  }
}

/** A known_hosts file that trusts exactly the given lab hosts (as the lab knows their keys now). */
function knownHostsFor(name: string, hosts: readonly LabHost[]): string {
  const file = join(work, name)
  writeFileSync(file, hosts.map((h) => h.knownHostsLine).join('\n') + (hosts.length > 0 ? '\n' : ''))
  return file
}

function keyTarget(host: LabHost, over: Partial<HostTarget> = {}): HostTarget {
  return {
    id: host.name,
    host: host.address,
    port: host.port,
    user: host.user,
    auth: 'key',
    keyPath: host.privateKeyPath,
    ...over,
  }
}

/** sshd's log of a lab host (LogLevel VERBOSE: one "Connection from" line per TCP connection). */
function sshdLog(host: LabHost): string {
  return readFileSync(join(host.dir, 'log', 'sshd.log'), 'utf8')
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0
}

describeLab('SSH on the lab hosts', (lab: () => Lab) => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ghw-ssh-lab-'))
  })
  afterAll(() => {
    rmSync(work, { recursive: true, force: true })
  })

  it('logs in with the key file, with the password, and names the method when a password is wrong', async () => {
    const ml1 = labHost(lab(), 'ml1')
    const trust = new HostKeyTrust(undefined, [knownHostsFor('kh-auth', [ml1])])
    const keyed = secretsOf()
    const pool = new SshPool({ trust, secrets: keyed.secrets })
    const viaKey = await pool.exec(keyTarget(ml1), ['id', '-un'])
    expect(viaKey).toMatchObject({ code: 0, stdout: `${ml1.user}\n` })
    expect(keyed.asked).toEqual([]) // an unencrypted key needs no question
    await pool.dispose()

    const right = secretsOf({ password: ml1.password })
    const pwPool = new SshPool({ trust, secrets: right.secrets })
    const viaPassword = await pwPool.exec(keyTarget(ml1, { auth: 'password' }), ['hostname'])
    expect(viaPassword).toMatchObject({ code: 0, stdout: `${ml1.hostname}\n` })
    expect(right.asked).toEqual(['password'])
    await pwPool.dispose()

    const wrongPool = new SshPool({ trust, secrets: secretsOf({ password: 'not-the-password' }).secrets })
    const failure = await failureOf(wrongPool.connect(keyTarget(ml1, { auth: 'password' })))
    expect(failure.code).toBe('AUTH_FAILED')
    expect(failure.message).toContain(`${ml1.user}@${ml1.address}:22`)
    expect(failure.message).toContain('tried: password')
    expect(failure.retryable).toBe(false)
    await wrongPool.dispose()
    // The password never reached sshd's log.
    expect(sshdLog(ml1)).not.toContain(ml1.password)
    expect(sshdLog(ml1)).not.toContain('not-the-password')
  })

  it('logs in through a real ssh-agent holding the lab key, and says so when the agent has no usable key', async () => {
    const net = labHost(lab(), 'net')
    const trust = new HostKeyTrust(undefined, [knownHostsFor('kh-agent', [net])])
    const sock = join(work, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' })
    try {
      for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50))
      const env = { SSH_AUTH_SOCK: sock }
      const empty = new SshPool({ trust, secrets: secretsOf().secrets, env })
      const refused = await failureOf(empty.connect(keyTarget(net, { auth: 'agent' })))
      expect(refused.code).toBe('AUTH_FAILED')
      expect(refused.hint).toContain('ssh-agent')
      await empty.dispose()

      execFileSync('ssh-add', [net.privateKeyPath], { env: { ...process.env, ...env }, stdio: 'ignore' })
      const accepted = count(sshdLog(net), /Accepted publickey for tester/)
      const asked = secretsOf()
      const pool = new SshPool({ trust, secrets: asked.secrets, env })
      const r = await pool.exec(keyTarget(net, { auth: 'agent' }), ['id', '-un'])
      expect(r).toMatchObject({ code: 0, stdout: `${net.user}\n` })
      expect(asked.asked).toEqual([])
      expect(count(sshdLog(net), /Accepted publickey for tester/)).toBe(accepted + 1)
      await pool.dispose()
    } finally {
      agent.kill()
    }
  })

  it('logs in with an encrypted OpenSSH key, asking for the passphrase again after a wrong one', async () => {
    const ml1 = labHost(lab(), 'ml1')
    const key = join(work, 'id_encrypted')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'lab-passphrase', '-C', 'ghw-lab', '-f', key])
    const authorized = join(ml1.home, '.ssh', 'authorized_keys')
    const original = readFileSync(authorized, 'utf8')
    appendFileSync(authorized, readFileSync(`${key}.pub`, 'utf8'))
    try {
      const trust = new HostKeyTrust(undefined, [knownHostsFor('kh-enc', [ml1])])
      const asked: string[] = []
      const answers = ['wrong-passphrase', 'lab-passphrase']
      const secrets: SecretProvider = {
        ...secretsOf().secrets,
        passphrase: (_t, keyPath, retry) => {
          asked.push(`${retry ? 'again' : 'first'}:${keyPath}`)
          return Promise.resolve(answers.shift())
        },
      }
      const pool = new SshPool({ trust, secrets })
      const r = await pool.exec(keyTarget(ml1, { keyPath: key }), ['id', '-un'])
      expect(r).toMatchObject({ code: 0, stdout: `${ml1.user}\n` })
      expect(asked).toEqual([`first:${key}`, `again:${key}`])
      await pool.dispose()

      const giveUp = new SshPool({ trust, secrets: secretsOf().secrets })
      const failure = await failureOf(giveUp.connect(keyTarget(ml1, { keyPath: key })))
      expect(failure.code).toBe('PASSPHRASE_REQUIRED')
      expect(failure.message).toContain(key)
      await giveUp.dispose()
    } finally {
      writeFileSync(authorized, original)
    }
  })

  it('accepts a lab host listed in a hashed known_hosts file', async () => {
    const ml2 = labHost(lab(), 'ml2')
    const file = knownHostsFor('kh-hashed', [ml2])
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' })
    const text = readFileSync(file, 'utf8')
    expect(text).toMatch(/^\|1\|[^ ]+ ssh-ed25519 /)
    expect(text).not.toContain(ml2.address)
    const pool = new SshPool({ trust: new HostKeyTrust(undefined, [file]), secrets: secretsOf().secrets })
    const key = await pool.connect(keyTarget(ml2))
    expect(key).toMatchObject({ fingerprint: ml2.hostKeyFingerprint, keyType: 'ssh-ed25519' })
    expect((await pool.exec(keyTarget(ml2), ['hostname'])).stdout).toBe(`${ml2.hostname}\n`)
    await pool.dispose()
  })

  it('refuses a changed host key with both fingerprints, before any login', async () => {
    const before = labHost(lab(), 'ml1')
    const file = knownHostsFor('kh-rotate', [before])
    const trust = new HostKeyTrust(undefined, [file])
    const rotated = await rotateHostKey(lab(), 'ml1')
    try {
      expect(rotated.host.hostKeyFingerprint).not.toBe(before.hostKeyFingerprint)
      const logins = count(sshdLog(before), /Accepted \w+ for tester/)
      const failedLogins = count(sshdLog(before), /Failed \w+ for tester/)
      const { secrets, asked } = secretsOf({ password: before.password })
      const pool = new SshPool({ trust, secrets })
      for (const auth of ['key', 'password'] as const) {
        const failure = await failureOf(pool.exec(keyTarget(before, { auth, id: `ml1-${auth}` }), ['true']))
        expect(failure.code).toBe('HOST_KEY_CHANGED')
        expect(failure.retryable).toBe(false)
        expect(failure.details).toMatchObject({
          host: before.address,
          port: 22,
          keyType: 'ssh-ed25519',
          fingerprint: rotated.host.hostKeyFingerprint,
          expectedFingerprint: rotated.previousFingerprint,
          source: `${file}:1`, // where the old key is trusted, so the user can find it
        })
        expect(failure.message).toContain(rotated.previousFingerprint)
        expect(failure.message).toContain(rotated.host.hostKeyFingerprint)
      }
      expect(asked).toEqual([]) // no password was asked for, let alone sent
      expect(count(sshdLog(before), /Accepted \w+ for tester/)).toBe(logins)
      expect(count(sshdLog(before), /Failed \w+ for tester/)).toBe(failedLogins)
      await pool.dispose()
    } finally {
      await rotated.undo()
    }
    // After the undo the old key is back and trusted again.
    const pool = new SshPool({ trust, secrets: secretsOf().secrets })
    expect((await pool.connect(keyTarget(before))).fingerprint).toBe(before.hostKeyFingerprint)
    await pool.dispose()
  })

  it('reaches ml2 only through net as a jump host, verifying every hop', async () => {
    const net = labHost(lab(), 'net')
    const ml2 = labHost(lab(), 'ml2')
    const undo = await onlyReachableFrom(lab(), 'ml2', 'net')
    try {
      const both = new HostKeyTrust(undefined, [knownHostsFor('kh-jump', [net, ml2])])
      const direct = new SshPool({ trust: both, secrets: secretsOf().secrets, timeouts: { connectMs: 1500 } })
      const blocked = await failureOf(direct.connect(keyTarget(ml2)))
      expect(blocked.code).toBe('TIMEOUT')
      expect(blocked.message).toContain(`${ml2.address}:22`)
      await direct.dispose()

      const jump = keyTarget(net)
      const viaNet = keyTarget(ml2, { jump })
      const pool = new SshPool({ trust: both, secrets: secretsOf().secrets })
      const r = await pool.exec(viaNet, ['sh', '-c', 'echo "$SSH_CONNECTION"; hostname'])
      expect(r.code).toBe(0)
      const [connection, hostname] = r.stdout.split('\n')
      // ml2 saw the connection come from net, not from this machine.
      expect(connection?.split(' ')[0]).toBe(net.address)
      expect(hostname).toBe(ml2.hostname)
      expect(pool.stats(net.name)).toMatchObject({ inUse: 1, connects: 1 })
      await pool.dispose()

      // net's key unknown: the chain stops at net, and ml2 never sees a connection.
      const fromNet = new RegExp(`Connection from ${net.address.replace(/\./g, '\\.')} `)
      const ml2Connections = count(sshdLog(ml2), fromNet)
      const onlyMl2 = new HostKeyTrust(undefined, [knownHostsFor('kh-jump-ml2', [ml2])])
      const stopAtNet = new SshPool({ trust: onlyMl2, secrets: secretsOf().secrets })
      const atNet = await failureOf(stopAtNet.exec(viaNet, ['true']))
      expect(atNet.code).toBe('HOST_KEY_UNKNOWN')
      expect(atNet.details).toMatchObject({ host: net.address, fingerprint: net.hostKeyFingerprint })
      expect(onlyMl2.lastSeen(ml2.address, 22)).toBeUndefined()
      expect(count(sshdLog(ml2), fromNet)).toBe(ml2Connections)
      await stopAtNet.dispose()

      // net trusted, ml2 unknown: the second hop is checked the same way.
      const onlyNet = new HostKeyTrust(undefined, [knownHostsFor('kh-jump-net', [net])])
      const stopAtMl2 = new SshPool({ trust: onlyNet, secrets: secretsOf().secrets })
      const atMl2 = await failureOf(stopAtMl2.exec(viaNet, ['true']))
      expect(atMl2.code).toBe('HOST_KEY_UNKNOWN')
      expect(atMl2.details).toMatchObject({
        host: ml2.address,
        fingerprint: ml2.hostKeyFingerprint,
        keyType: 'ssh-ed25519',
      })
      await stopAtMl2.dispose()
    } finally {
      await undo()
    }
  })

  it('runs the checks on ml2 through net when the profile says net is its jump host', async () => {
    const net = labHost(lab(), 'net')
    const ml2 = labHost(lab(), 'ml2')
    const server = (h: LabHost, role: Server['role'], jumpHostId?: string): Server => ({
      ...labServer(h, role),
      ...(jumpHostId ? { jumpHostId } : {}),
    })
    const now = new Date().toISOString()
    const profile: Profile = {
      schemaVersion: 1,
      id: 'jump',
      name: 'jump',
      topology: 'split',
      servers: [server(net, 'network'), server(ml2, 'ml', 'net')],
      createdAt: now,
      updatedAt: now,
    }
    const undo = await onlyReachableFrom(lab(), 'ml2', 'net')
    const pool = new SshPool({
      trust: new HostKeyTrust(undefined, [knownHostsFor('kh-checks', [net, ml2])]),
      secrets: secretsOf().secrets,
      timeouts: { connectMs: 3000 },
    })
    try {
      const out = await runChecksOnProfile({
        profile,
        executor: pool,
        models: [],
        modelSource: 'offline',
        checkIds: ['ssh.connect'],
        serverIds: ['ml2'],
      })
      const connect = out.results.find((r) => r.checkId === 'ssh.connect' && r.serverId === 'ml2')
      expect(connect?.status).toBe('pass')
      expect(out.hosts.find((h) => h.serverId === 'ml2')?.error).toBeUndefined()
      // The probe rode the pooled connection to net.
      expect(pool.stats('net')?.connects).toBe(1)
    } finally {
      await pool.dispose()
      await undo()
    }
  })

  it('reports a command cut by killed sshd connections as CONNECTION_LOST, and the next command reconnects', async () => {
    const ml1 = labHost(lab(), 'ml1')
    const events: PoolEvent[] = []
    const pool = new SshPool({
      trust: new HostKeyTrust(undefined, [knownHostsFor('kh-kill', [ml1])]),
      secrets: secretsOf().secrets,
      onEvent: (e) => events.push(e),
    })
    const t = keyTarget(ml1)
    let started!: () => void
    const running = new Promise<void>((r) => (started = r))
    const cut = pool.exec(t, ['sh', '-c', 'echo started; exec sleep 30'], {
      onStdout: (chunk) => {
        if (chunk.includes('started')) started()
      },
    })
    // Handled from the start: the failure arrives while the fault is still being injected.
    const cutFailure = failureOf(cut)
    await running
    await killSshConnections(lab(), 'ml1')
    const failure = await cutFailure
    expect(failure.code).toBe('CONNECTION_LOST')
    expect(failure.message).toContain(ml1.address)
    expect(failure.message).toMatch(/while running sh; it may or may not have finished/)
    expect(failure.hint).toMatch(/reconnects/)
    expect(failure.details).toMatchObject({ host: ml1.address, port: 22, command: 'sh' })
    expect(events.map((e) => e.state)).toContain('dropped')

    const again = await pool.exec(t, ['echo', 'back'])
    expect(again).toMatchObject({ code: 0, stdout: 'back\n' })
    expect(pool.stats(ml1.name)?.connects).toBe(2)
    expect(events.map((e) => e.state)).toContain('reconnecting')
    await pool.dispose()
  })

  it('runs 20 parallel commands on one connection with never more than 8 running on the host', async () => {
    const net = labHost(lab(), 'net')
    const pool = new SshPool({
      trust: new HostKeyTrust(undefined, [knownHostsFor('kh-cap', [net])]),
      secrets: secretsOf().secrets,
    })
    const dir = `/tmp/ghw-cap-${process.pid}`
    const t = keyTarget(net)
    await pool.exec(t, ['mkdir', '-p', dir])
    // Each command marks itself running in `dir` and reports how many markers it saw; the channel of
    // a command stays open until its marker is gone again, so the highest count is the channel peak.
    const script = 'touch "$1/$$"; n=$(ls "$1" | wc -l); sleep 1; rm "$1/$$"; echo "$n"'
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => pool.exec(t, ['sh', '-c', script, 'sh', dir])),
      )
      const seen = results.map((r) => Number.parseInt(r.stdout, 10))
      expect(results.every((r) => r.code === 0)).toBe(true)
      expect(Math.max(...seen)).toBeLessThanOrEqual(8)
      // They did run side by side (up to the cap), not one after another.
      expect(Math.max(...seen)).toBeGreaterThanOrEqual(6)
      expect(pool.stats(net.name)).toMatchObject({ peak: 8, connects: 1, inUse: 0 })
    } finally {
      await rootExec(net, ['rm', '-rf', dir])
      await pool.dispose()
    }
  })

  it('hands hostile argv to a lab host unchanged, and refuses NUL before touching the network', async () => {
    const ml2 = labHost(lab(), 'ml2')
    const trust = new HostKeyTrust(undefined, [knownHostsFor('kh-argv', [ml2])])
    const connections = count(sshdLog(ml2), /Connection from /)
    const nulPool = new SshPool({ trust, secrets: secretsOf().secrets })
    const nul = await failureOf(nulPool.exec(keyTarget(ml2), ['echo', 'a\0b']))
    expect(nul.code).toBe('INVALID_INPUT')
    expect(count(sshdLog(ml2), /Connection from /)).toBe(connections)
    await nulPool.dispose()

    const pool = new SshPool({ trust, secrets: secretsOf().secrets })
    const run = async (argv: string[]): Promise<string[]> => {
      const r = await pool.exec(keyTarget(ml2), ['printf', '%s\\0', 'MARK', ...argv])
      expect(r.code).toBe(0)
      const parts = r.stdout.split('\0')
      parts.pop()
      expect(parts.shift()).toBe('MARK')
      return parts
    }
    const hostile = [
      "it's",
      '$(touch /tmp/pwned)',
      '`id`',
      'a\nb\n',
      '; rm -rf ~',
      '"$HOME"',
      '*',
      '',
      '\\',
      '!!',
      '-e',
      "'; echo injected; '",
      '\r\n',
      'ünïcødé ✓',
    ]
    expect(await run(hostile)).toEqual(hostile)
    expect((await rootExec(ml2, ['test', '-e', '/tmp/pwned'])).code).not.toBe(0)
    const arg = fc
      .string({ unit: 'binary', maxLength: 24 })
      .filter((s) => !s.includes('\0') && Buffer.from(s, 'utf8').toString('utf8') === s)
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { maxLength: 4 }), async (argv) => {
        expect(await run(argv)).toEqual(argv)
      }),
      { numRuns: 30 },
    )
    expect(pool.stats(ml2.name)?.connects).toBe(1)
    await pool.dispose()
  })
})
