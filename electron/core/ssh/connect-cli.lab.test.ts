// `npm run cli -- connect` against the lab's hosts: the exit codes scripts rely on (0 connected and
// trusted, 3 unknown host key, 4 changed host key, 5 login refused, 6 unreachable) and what it prints.
import { execFileSync, spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { blockPort, labHost, rotateHostKey, type Lab, type LabHost } from '../../../e2e/lab'
import { describeLab } from '../../../e2e/lab/require-lab'
import type { Server } from '../../shared/profile'
import { createLogger } from '../log'
import { createService, type AppService } from '../service'
import { labServer } from '../../test-support/lab-setup'

const REPO = resolve(__dirname, '..', '..', '..')
/** Each CLI run starts npm and tsx (2–5 s on a loaded 2-core machine); some tests make three runs. */
const CLI_TEST_TIMEOUT_MS = 180_000
let home: string

interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `npm run cli -- connect ARGS` as a user would, with a private HOME (so the app's data folder is
 * HOME/.config/gonka-host-wizard unless `extraEnv` sets GHW_USER_DATA_DIR) and no ssh-agent.
 */
function connectCli(
  args: readonly string[],
  stdin?: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ...extraEnv }
    if (extraEnv.GHW_USER_DATA_DIR === undefined) delete env.GHW_USER_DATA_DIR
    delete env.SSH_AUTH_SOCK
    const child = spawn('npm', ['run', '--silent', 'cli', '--', 'connect', ...args], {
      cwd: REPO,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }))
    child.stdin.end(stdin ?? '')
  })
}

/** The one JSON object `--json` prints. */
function jsonOf(run: CliRun): Record<string, unknown> {
  const line = run.stdout.trim().split('\n').pop() ?? ''
  return JSON.parse(line) as Record<string, unknown>
}

function knownHosts(name: string, hosts: readonly LabHost[]): string {
  const file = join(home, name)
  writeFileSync(file, hosts.map((h) => `${h.knownHostsLine}\n`).join(''))
  return file
}

describeLab('npm run cli -- connect against the lab hosts', (lab: () => Lab) => {
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'ghw-connect-cli-'))
  })
  afterAll(() => {
    rmSync(home, { recursive: true, force: true })
  })

  it(
    'exits 0 for a trusted host and prints the key and the facts found',
    async () => {
      const net = labHost(lab(), 'net')
      const file = knownHosts('kh-ok', [net])
      const args = [`${net.user}@${net.address}`, '--key', net.privateKeyPath, '--known-hosts', file]
      const json = await connectCli([...args, '--json'])
      expect(json.code).toBe(0)
      expect(jsonOf(json)).toMatchObject({
        host: net.address,
        port: 22,
        user: net.user,
        fingerprint: net.hostKeyFingerprint,
        keyType: 'ssh-ed25519',
        trusted: true,
        accepted: false,
        facts: { user: net.user },
      })
      const text = await connectCli(args)
      expect(text.code).toBe(0)
      expect(text.stdout).toContain(`Connected to ${net.user}@${net.address}:22`)
      expect(text.stdout).toContain(`ssh-ed25519 ${net.hostKeyFingerprint} (trusted)`)
    },
    CLI_TEST_TIMEOUT_MS,
  )

  it(
    'exits 3 for an unknown host key and shows its fingerprint; --accept-new pins it, then it is trusted',
    async () => {
      const ml1 = labHost(lab(), 'ml1')
      const file = knownHosts('kh-unknown', [])
      const args = [`${ml1.user}@${ml1.address}`, '--key', ml1.privateKeyPath, '--known-hosts', file]
      const unknown = await connectCli(args)
      expect(unknown.code).toBe(3)
      expect(unknown.stderr).toContain(`ssh-ed25519 key fingerprint is ${ml1.hostKeyFingerprint}`)
      expect(unknown.stderr).toContain('--accept-new')
      expect(readFileSync(file, 'utf8')).toBe('') // nothing trusted without the flag

      const accepted = await connectCli([...args, '--accept-new', '--json'])
      expect(accepted.code).toBe(0)
      expect(jsonOf(accepted)).toMatchObject({ fingerprint: ml1.hostKeyFingerprint, accepted: true })
      expect(readFileSync(file, 'utf8')).toContain(ml1.knownHostsLine.split(' ').slice(1).join(' '))

      const again = await connectCli([...args, '--json'])
      expect(again.code).toBe(0)
      expect(jsonOf(again)).toMatchObject({ trusted: true, accepted: false })
    },
    CLI_TEST_TIMEOUT_MS,
  )

  it(
    'exits 4 when the host key changed, naming both fingerprints, even with --accept-new',
    async () => {
      const before = labHost(lab(), 'ml2')
      const file = knownHosts('kh-changed', [before])
      const rotated = await rotateHostKey(lab(), 'ml2')
      try {
        const args = [
          `${before.user}@${before.address}`,
          '--key',
          before.privateKeyPath,
          '--known-hosts',
          file,
        ]
        const refused = await connectCli(args)
        expect(refused.code).toBe(4)
        expect(refused.stderr).toContain(
          `expected ${rotated.previousFingerprint} (from ${file}:1), got ${rotated.host.hostKeyFingerprint}`,
        )
        const withAccept = await connectCli([...args, '--accept-new', '--json'])
        expect(withAccept.code).toBe(4)
        expect(jsonOf(withAccept)).toMatchObject({
          trusted: false,
          fingerprint: rotated.host.hostKeyFingerprint,
          error: {
            code: 'HOST_KEY_CHANGED',
            details: { expectedFingerprint: rotated.previousFingerprint },
          },
        })
        // The old key stays the only one trusted: the changed key was not written anywhere.
        expect(readFileSync(file, 'utf8')).toBe(`${before.knownHostsLine}\n`)
      } finally {
        await rotated.undo()
      }
    },
    CLI_TEST_TIMEOUT_MS,
  )

  it(
    'exits 5 when the login is refused, saying which method was tried',
    async () => {
      const net = labHost(lab(), 'net')
      const file = knownHosts('kh-auth', [net])
      const wrong = await connectCli(
        [`${net.user}@${net.address}`, '--password-stdin', '--known-hosts', file, '--json'],
        'not-the-password\n',
      )
      expect(wrong.code).toBe(5)
      expect(jsonOf(wrong)).toMatchObject({
        trusted: false,
        error: { code: 'AUTH_FAILED', details: { triedMethods: 'password' } },
      })
      expect(wrong.stdout + wrong.stderr).not.toContain('not-the-password')

      // The right password from stdin logs in (the password is never an argument).
      const right = await connectCli(
        [`${net.user}@${net.address}`, '--password-stdin', '--known-hosts', file],
        `${net.password}\n`,
      )
      expect(right.code).toBe(0)
      expect(right.stdout + right.stderr).not.toContain(net.password)
    },
    CLI_TEST_TIMEOUT_MS,
  )

  it(
    'exits 6 for an unused address in the lab subnet and for a port that refuses connections',
    async () => {
      const current = lab()
      const base = Number.parseInt(current.subnet.split('/')[0]?.split('.')[3] ?? '', 10)
      const used = new Set([current.gateway, ...current.hosts.map((h) => h.address)])
      // The last usable address of the lab's /28: nothing answers there (ARP goes unanswered).
      const unused = `198.51.100.${base + 14}`
      expect(used.has(unused)).toBe(false)
      const file = knownHosts('kh-unreachable', current.hosts)
      const key = current.clientKeyPath
      const nobody = await connectCli([`tester@${unused}`, '--key', key, '--known-hosts', file, '--json'])
      expect(nobody.code).toBe(6)
      expect(jsonOf(nobody)).toMatchObject({ host: unused, trusted: false, error: { code: 'UNREACHABLE' } })

      const undo = await blockPort(current, 'ml1', { port: 22, action: 'REJECT' })
      try {
        const ml1 = labHost(current, 'ml1')
        const refused = await connectCli([`${ml1.user}@${ml1.address}`, '--key', key, '--known-hosts', file])
        expect(refused.code).toBe(6)
        expect(refused.stderr).toContain(`${ml1.address}:22 refused the connection`)
        expect(refused.stderr).toMatch(/What to do: .*sshd/)
      } finally {
        await undo()
      }
    },
    CLI_TEST_TIMEOUT_MS,
  )

  it(
    'shares pins with the app: a key the app pinned is trusted by connect, and one connect --accept-new pinned is trusted by the app',
    async () => {
      const net = labHost(lab(), 'net')
      const ml1 = labHost(lab(), 'ml1')
      const dataDir = join(home, 'shared-data')
      const shared = { GHW_USER_DATA_DIR: dataDir }
      /** The desktop app's service over `dataDir` (a new one reads the pins from disk, like a restarted app). */
      const app = (): AppService =>
        createService(
          {
            dataDir,
            appName: 'Gonka Host Wizard',
            appVersion: '0.0.0',
            platform: 'linux',
            runtime: 'electron',
            homeDir: home,
          },
          { logger: createLogger('error', () => undefined) },
        )
      const server = (h: LabHost): Server => labServer(h, 'combined')
      const first = app()
      try {
        const tested = await first.invoke(
          'testConnection',
          { servers: [server(net)] },
          { runId: 'pin-share-1' },
        )
        expect(tested.ok && tested.value.reports[0]).toMatchObject({
          connected: false,
          fingerprint: net.hostKeyFingerprint,
          error: { code: 'HOST_KEY_UNKNOWN' },
        })
        // The user compared the fingerprint and trusts it in the app.
        const pinned = await first.invoke('trustHostKey', {
          host: net.address,
          port: net.port,
          fingerprint: net.hostKeyFingerprint,
        })
        expect(pinned.ok).toBe(true)
      } finally {
        await first.dispose()
      }
      // No known_hosts anywhere: only the app's pin makes the key trusted for the CLI.
      const byApp = await connectCli(
        [`${net.user}@${net.address}`, '--key', net.privateKeyPath, '--json'],
        '',
        shared,
      )
      expect(byApp.code).toBe(0)
      expect(jsonOf(byApp)).toMatchObject({
        fingerprint: net.hostKeyFingerprint,
        trusted: true,
        accepted: false,
      })
      // Another data folder does not know it: the trust came from the shared store.
      const elsewhere = await connectCli([`${net.user}@${net.address}`, '--key', net.privateKeyPath], '', {
        GHW_USER_DATA_DIR: join(home, 'other-data'),
      })
      expect(elsewhere.code).toBe(3)

      // The reverse: connect --accept-new pins ml1 in the app's store...
      const accepted = await connectCli(
        [`${ml1.user}@${ml1.address}`, '--key', ml1.privateKeyPath, '--accept-new', '--json'],
        '',
        shared,
      )
      expect(accepted.code).toBe(0)
      expect(jsonOf(accepted)).toMatchObject({ fingerprint: ml1.hostKeyFingerprint, accepted: true, dataDir })
      // ...and the app trusts it on its next test, without asking.
      const second = app()
      try {
        const after = await second.invoke(
          'testConnection',
          { servers: [server(ml1)] },
          { runId: 'pin-share-2' },
        )
        expect(after.ok && after.value.reports[0]).toMatchObject({
          connected: true,
          trusted: true,
          fingerprint: ml1.hostKeyFingerprint,
        })
      } finally {
        await second.dispose()
      }
    },
    CLI_TEST_TIMEOUT_MS,
  )

  it(
    'never waits for a terminal: an encrypted key without --password-stdin is exit 5 at once; a wrong passphrase is not asked for again',
    async () => {
      const net = labHost(lab(), 'net')
      const file = knownHosts('kh-passphrase', [net])
      const key = join(home, 'id_encrypted')
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'lab-passphrase', '-C', 'ghw-cli', '-f', key])
      const authorized = join(net.home, '.ssh', 'authorized_keys')
      const original = readFileSync(authorized, 'utf8')
      appendFileSync(authorized, readFileSync(`${key}.pub`, 'utf8'))
      try {
        const args = [`${net.user}@${net.address}`, '--key', key, '--known-hosts', file, '--json']
        const none = await connectCli(args)
        expect(none.code).toBe(5)
        expect(jsonOf(none)).toMatchObject({ trusted: false, error: { code: 'PASSPHRASE_REQUIRED' } })
        const wrong = await connectCli([...args, '--password-stdin'], 'not-it\n')
        expect(wrong.code).toBe(5)
        expect(jsonOf(wrong)).toMatchObject({
          error: { code: expect.stringMatching(/PASSPHRASE/) as unknown },
        })
        const right = await connectCli([...args, '--password-stdin'], 'lab-passphrase\n')
        expect(right.code).toBe(0)
        expect(right.stdout + right.stderr).not.toContain('lab-passphrase')
      } finally {
        writeFileSync(authorized, original)
      }
    },
    CLI_TEST_TIMEOUT_MS,
  )
})
