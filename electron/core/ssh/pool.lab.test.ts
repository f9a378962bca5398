import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { AppFailure } from '../errors'
import { SshPool } from './pool'
import { writeRemoteFileAtomic } from './sftp'
import { describeSshd } from '../../test-support/sshd-guard'
import { startTestSshd, type TestSshd } from '../../test-support/test-sshd'
import { HostKeyTrust } from './trust'
import type { HostTarget, SecretProvider } from './types'

let sshd: TestSshd
let work: string
let knownHosts: string

async function failureOf(p: Promise<unknown>): Promise<AppFailure> {
  try {
    await p
  } catch (error) {
    if (error instanceof AppFailure) return error
    throw error
  }
  throw new Error('expected a failure')
}

/** A SecretProvider that records every question (so a test can prove none was asked). */
function recordingSecrets(answers: { password?: string; passphrase?: string[]; kbd?: string[] } = {}) {
  const asked: string[] = []
  const passphrases = [...(answers.passphrase ?? [])]
  const secrets: SecretProvider = {
    password: () => {
      asked.push('password')
      return Promise.resolve(answers.password)
    },
    passphrase: (_t, _k, retry) => {
      asked.push(retry ? 'passphrase-retry' : 'passphrase')
      return Promise.resolve(passphrases.shift())
    },
    keyboardInteractive: (_t, prompts) => {
      asked.push(`kbd:${prompts.map((p) => p.prompt).join('|')}`)
      return Promise.resolve(answers.kbd)
    },
  }
  return { secrets, asked }
}

function trusted(): HostKeyTrust {
  writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.publicKeyLine()}\n`)
  return new HostKeyTrust(undefined, [knownHosts])
}

const target = (over: Partial<HostTarget> = {}): HostTarget => ({
  id: 'local',
  host: '127.0.0.1',
  port: sshd.port,
  user: 'tester',
  auth: 'key',
  keyPath: sshd.keyPath,
  ...over,
})

describeSshd('SSH pool against a real OpenSSH sshd', () => {
  beforeAll(async () => {
    sshd = await startTestSshd({ maxSessions: 10 })
    work = mkdtempSync(join(tmpdir(), 'ghw-pool-'))
    knownHosts = join(work, 'known_hosts')
  })
  afterAll(async () => {
    await sshd.stop()
    rmSync(work, { recursive: true, force: true })
  })

  it('never logs in or asks for a secret before the host key is trusted, on every entry point', async () => {
    const { secrets, asked } = recordingSecrets({ password: sshd.password })
    const pool = new SshPool({ trust: new HostKeyTrust(undefined, [join(work, 'empty')]), secrets })
    const t = target({ auth: 'password' })
    const attempts = [
      pool.connect(t),
      pool.exec(t, ['true']),
      pool.withSftp(t, () => Promise.resolve(1)),
      pool.forwardOut(t, '127.0.0.1', 22),
      pool.openUnixSocket(t, '/var/run/docker.sock'),
    ]
    for (const attempt of attempts) {
      const failure = await failureOf(attempt)
      expect(failure.code).toBe('HOST_KEY_UNKNOWN')
      expect(failure.details).toMatchObject({
        fingerprint: sshd.fingerprint(),
        keyType: 'ssh-ed25519',
        port: sshd.port,
      })
    }
    expect(asked).toEqual([])
    // sshd saw no authentication attempt at all for tester.
    expect(readFileSync(join(sshd.dir, 'sshd.log'), 'utf8')).not.toMatch(/(Accepted|Failed) \w+ for tester/)
    await pool.dispose()
  })

  it('accepts a hashed known_hosts entry and refuses a changed key with both fingerprints', async () => {
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.publicKeyLine()}\n`)
    execFileSync('ssh-keygen', ['-H', '-f', knownHosts], { stdio: 'ignore' })
    expect(readFileSync(knownHosts, 'utf8')).toMatch(/^\|1\|/)
    const trust = new HostKeyTrust(undefined, [knownHosts])
    const pool = new SshPool({ trust, secrets: recordingSecrets().secrets })
    expect((await pool.connect(target())).fingerprint).toBe(sshd.fingerprint())
    await pool.dispose()

    const before = sshd.fingerprint()
    await sshd.rotateHostKey()
    const pool2 = new SshPool({ trust, secrets: recordingSecrets().secrets })
    const failure = await failureOf(pool2.exec(target(), ['true']))
    expect(failure.code).toBe('HOST_KEY_CHANGED')
    expect(failure.details).toMatchObject({ expectedFingerprint: before, fingerprint: sshd.fingerprint() })
    await pool2.dispose()
  })

  it('hands hostile argv to the remote program unchanged (property) and refuses NUL', async () => {
    const pool = new SshPool({ trust: trusted(), secrets: recordingSecrets().secrets })
    const fixed = ["it's", '$(id)', '`id`', 'a\nb\n', '; rm -rf ~', '"$HOME"', '*', '', '\\', '!!', '-e']
    const run = async (argv: string[]): Promise<string[]> => {
      const r = await pool.exec(target(), ['printf', '%s\\0', 'MARK', ...argv])
      expect(r.code).toBe(0)
      const parts = r.stdout.split('\0')
      parts.pop()
      expect(parts.shift()).toBe('MARK')
      return parts
    }
    expect(await run(fixed)).toEqual(fixed)
    const arg = fc
      .string({ unit: 'binary', maxLength: 30 })
      .filter((s) => !s.includes('\0') && Buffer.from(s, 'utf8').toString('utf8') === s)
    await fc.assert(
      fc.asyncProperty(fc.array(arg, { maxLength: 5 }), async (argv) => {
        expect(await run(argv)).toEqual(argv)
      }),
      { numRuns: 60 },
    )
    const nul = await failureOf(pool.exec(target(), ['echo', 'a\0b']))
    expect(nul.code).toBe('INVALID_INPUT')
    expect(pool.stats('local')?.connects).toBe(1)
    await pool.dispose()
  })

  it('streams output, returns exit code and signal, keeps secrets on stdin', async () => {
    const pool = new SshPool({ trust: trusted(), secrets: recordingSecrets().secrets })
    const chunks: string[] = []
    const r = await pool.exec(target(), ['sh', '-c', 'cat; echo err >&2; exit 7'], {
      stdin: 'canary-secret',
      onStdout: (c) => chunks.push(c),
    })
    expect(r).toMatchObject({ code: 7, stdout: 'canary-secret', stderr: 'err\n' })
    expect(chunks.join('')).toBe('canary-secret')
    const killed = await pool.exec(target(), ['sh', '-c', 'kill -TERM $$'])
    // The login shell reports the child's death as 128+15, or sshd passes the signal on.
    expect(killed.signal === 'TERM' || killed.code === 143).toBe(true)
    expect(readFileSync(join(sshd.dir, 'sshd.log'), 'utf8')).not.toContain('canary-secret')
    await pool.dispose()
  })

  it('runs 20 parallel commands on one connection without exceeding 8 channels', async () => {
    const pool = new SshPool({ trust: trusted(), secrets: recordingSecrets().secrets })
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pool.exec(target(), ['sh', '-c', `sleep 0.2; echo ${i}`])),
    )
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)))
    expect(pool.stats('local')).toMatchObject({ peak: 8, connects: 1 })
    await pool.dispose()
  })

  it('reports a command cut by a dropped connection clearly, then reconnects', async () => {
    const pool = new SshPool({ trust: trusted(), secrets: recordingSecrets().secrets })
    const running = pool.exec(target(), ['sleep', '30'])
    await new Promise((r) => setTimeout(r, 500))
    expect(sshd.killConnections()).toBeGreaterThan(0)
    const failure = await failureOf(running)
    expect(failure.code).toBe('CONNECTION_LOST')
    expect(failure.message).toMatch(/may or may not have finished/)
    const again = await pool.exec(target(), ['echo', 'back'])
    expect(again.stdout).toBe('back\n')
    expect(pool.stats('local')?.connects).toBe(2)
    await pool.dispose()
  })

  it('times out and cancels a command', async () => {
    const pool = new SshPool({ trust: trusted(), secrets: recordingSecrets().secrets })
    expect((await failureOf(pool.exec(target(), ['sleep', '10'], { timeoutMs: 300 }))).code).toBe('TIMEOUT')
    const controller = new AbortController()
    const p = pool.exec(target(), ['sleep', '10'], { signal: controller.signal })
    setTimeout(() => controller.abort(), 300)
    expect((await failureOf(p)).code).toBe('CANCELLED')
    // The connection is still usable afterwards.
    expect((await pool.exec(target(), ['true'])).code).toBe(0)
    await pool.dispose()
  })

  it('logs in with an encrypted key (passphrase asked again after a wrong one) and maps refusals', async () => {
    const key = join(work, 'enc_rsa')
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'right-pass', '-f', key])
    sshd.authorize(readFileSync(key + '.pub', 'utf8'))
    const trust = trusted()
    const ok = recordingSecrets({ passphrase: ['wrong', 'right-pass'] })
    const pool = new SshPool({ trust, secrets: ok.secrets })
    expect((await pool.exec(target({ keyPath: key }), ['whoami'])).stdout).toBe('tester\n')
    expect(ok.asked).toEqual(['passphrase', 'passphrase-retry'])
    await pool.dispose()

    const wrong = new SshPool({ trust, secrets: recordingSecrets({ passphrase: ['a', 'b', 'c'] }).secrets })
    expect((await failureOf(wrong.connect(target({ keyPath: key })))).code).toBe('WRONG_PASSPHRASE')
    const none = new SshPool({ trust, secrets: recordingSecrets().secrets })
    expect((await failureOf(none.connect(target({ keyPath: key })))).code).toBe('PASSPHRASE_REQUIRED')
    const ecdsa = join(work, 'not_authorized')
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', ecdsa])
    const refused = await failureOf(none.connect(target({ id: 'other', keyPath: ecdsa })))
    expect(refused.code).toBe('AUTH_FAILED')
    expect(refused.details).toMatchObject({ triedMethods: 'publickey' })
  })

  it('logs in with a password, and names the tried method when it is wrong', async () => {
    const trust = trusted()
    const pool = new SshPool({ trust, secrets: recordingSecrets({ password: sshd.password }).secrets })
    expect((await pool.exec(target({ auth: 'password' }), ['id', '-un'])).stdout).toBe('tester\n')
    await pool.dispose()
    const bad = new SshPool({ trust, secrets: recordingSecrets({ password: 'nope' }).secrets })
    const failure = await failureOf(bad.connect(target({ auth: 'password' })))
    expect(failure.code).toBe('AUTH_FAILED')
    expect(failure.message).toContain('tried: password')
  })

  it('logs in through a real ssh-agent', async () => {
    const sock = join(work, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' })
    try {
      for (let i = 0; i < 50 && !existsSafe(sock); i++) await new Promise((r) => setTimeout(r, 50))
      execFileSync('ssh-add', [sshd.keyPath], {
        env: { ...process.env, SSH_AUTH_SOCK: sock },
        stdio: 'ignore',
      })
      const pool = new SshPool({
        trust: trusted(),
        secrets: recordingSecrets().secrets,
        env: { SSH_AUTH_SOCK: sock },
      })
      expect((await pool.exec(target({ auth: 'agent' }), ['id', '-un'])).stdout).toBe('tester\n')
      await pool.dispose()
      const noAgent = new SshPool({ trust: trusted(), secrets: recordingSecrets().secrets, env: {} })
      expect((await failureOf(noAgent.connect(target({ auth: 'agent' })))).code).toBe('AUTH_FAILED')
    } finally {
      agent.kill()
    }
  })

  it('reaches a host through a jump host, verifying both hops', async () => {
    const trust = trusted()
    const pool = new SshPool({ trust, secrets: recordingSecrets().secrets })
    const jump = target({ id: 'jump' })
    const inner = target({ id: 'inner', jump })
    const r = await pool.exec(inner, ['sh', '-c', 'echo $SSH_CONNECTION'])
    expect(r.stdout).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\n$/)
    expect(r.code).toBe(0)
    expect(pool.stats('jump')?.inUse).toBe(1) // the forward holds one channel of the jump connection
    await pool.dispose()
  })

  it('writes a remote file atomically: backup, mode 0600, verified hash', async () => {
    const pool = new SshPool({ trust: trusted(), secrets: recordingSecrets().secrets })
    const home = join(sshd.dir, 'home', 'tester')
    const remote = join(home, 'config.env')
    const first = await writeRemoteFileAtomic(pool, target(), remote, 'A=1\n')
    expect(first.backupPath).toBeUndefined()
    const second = await writeRemoteFileAtomic(pool, target(), remote, 'A=2\n')
    expect(readFileSync(remote, 'utf8')).toBe('A=2\n')
    expect(readFileSync(second.backupPath ?? '', 'utf8')).toBe('A=1\n')
    expect(statSync(remote).mode & 0o777).toBe(0o600)
    await pool.dispose()
  })
})

function existsSafe(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}

describeSshd('keyboard-interactive login against sshd with PAM', () => {
  let pam: TestSshd
  beforeAll(async () => {
    // Either a key followed by a keyboard-interactive step (2FA-shaped), or keyboard-interactive alone.
    pam = await startTestSshd({
      keyboardInteractive: true,
      extraConfig: ['AuthenticationMethods publickey,keyboard-interactive keyboard-interactive'],
    })
  })
  afterAll(() => pam.stop())

  it('answers the PAM password prompt with the login password, and asks the user for other prompts', async () => {
    const kh = join(pam.dir, 'kh')
    writeFileSync(kh, `[127.0.0.1]:${pam.port} ${pam.publicKeyLine()}\n`)
    const trust = new HostKeyTrust(undefined, [kh])
    const t: HostTarget = { id: 'pam', host: '127.0.0.1', port: pam.port, user: 'tester', auth: 'password' }
    const rec = recordingSecrets({ password: pam.password })
    const pool = new SshPool({ trust, secrets: rec.secrets })
    expect((await pool.exec(t, ['id', '-un'])).stdout).toBe('tester\n')
    expect(rec.asked).toEqual(['password'])
    await pool.dispose()
    // A key login that the server follows with a keyboard-interactive step (2FA-shaped): the prompt
    // text comes from the server and the answer from the SecretProvider.
    const twoStep = recordingSecrets({ kbd: [pam.password] })
    const pool2 = new SshPool({ trust, secrets: twoStep.secrets })
    const keyTarget: HostTarget = { ...t, id: 'pam-key', auth: 'key', keyPath: pam.keyPath }
    expect((await pool2.exec(keyTarget, ['true'])).code).toBe(0)
    expect(twoStep.asked).toHaveLength(1)
    expect(twoStep.asked[0]).toMatch(/^kbd:.*[Pp]assword/)
    await pool2.dispose()
  })
})
