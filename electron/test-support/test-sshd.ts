/**
 * Test helper (not app code): a real OpenSSH sshd on 127.0.0.1 with its own host key, config and a
 * private `tester` user, started in a private mount namespace so the machine's user database and
 * /run are never touched. Needs Linux, root, openssh-server and util-linux `unshare`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Why a real sshd cannot be started here, or undefined when it can. */
export function sshdUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'a test sshd needs Linux'
  if (process.getuid?.() !== 0) return 'a test sshd needs root (private mount namespace, a test user)'
  try {
    execFileSync('/usr/sbin/sshd', ['-V'], { stdio: 'ignore' })
  } catch (error) {
    // `sshd -V` exits non-zero on older versions but still proves the binary exists.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '/usr/sbin/sshd is not installed'
  }
  return undefined
}

/** Options of {@link startTestSshd}. */
export interface TestSshdOptions {
  /** Use PAM (a private, minimal /etc/pam.d/sshd) so keyboard-interactive logins work for real. */
  readonly keyboardInteractive?: boolean
  /** Extra sshd_config lines (e.g. `AuthenticationMethods publickey,keyboard-interactive`). */
  readonly extraConfig?: readonly string[]
  /** sshd MaxSessions (default 100, so the client's own cap is what a test observes). */
  readonly maxSessions?: number
}

/** A running test sshd. */
export interface TestSshd {
  readonly host: '127.0.0.1'
  readonly port: number
  readonly user: 'tester'
  readonly password: string
  readonly dir: string
  /** Unencrypted ed25519 client key authorised for `tester`. */
  readonly keyPath: string
  /** `SHA256:…` of the server's ed25519 host key. */
  fingerprint(): string
  /** The host's public key line (`ssh-ed25519 AAAA…`). */
  publicKeyLine(): string
  /** Authorises another public key (OpenSSH `.pub` content) for `tester`. */
  authorize(publicKeyLine: string): void
  /** Replaces the host key and restarts sshd on the same port (a reinstalled server, or an attacker). */
  rotateHostKey(): Promise<void>
  /** Kills every process under the listener (all client connections); the listener stays. */
  killConnections(): number
  stop(): Promise<void>
}

const TESTER_UID = 15_321

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

async function waitListening(port: number, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${readFileSync(log, 'utf8')}`)
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`sshd did not listen on ${port}: ${readFileSync(log, 'utf8')}`)
}

/** Starts a test sshd; call `stop()` in afterAll. */
export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'ghw-sshd-'))
  chmodSync(dir, 0o755)
  const password = 'tester-pw-' + Math.random().toString(36).slice(2, 10)
  const home = join(dir, 'home', 'tester')
  mkdirSync(join(home, '.ssh'), { recursive: true })
  const etc = join(dir, 'etc')
  mkdirSync(join(etc, 'pam.d'), { recursive: true })
  const hash = execFileSync('openssl', ['passwd', '-6', password], { encoding: 'utf8' }).trim()
  writeFileSync(
    join(etc, 'passwd'),
    readFileSync('/etc/passwd', 'utf8') + `tester:x:${TESTER_UID}:${TESTER_UID}::${home}:/bin/sh\n`,
  )
  writeFileSync(join(etc, 'group'), readFileSync('/etc/group', 'utf8') + `tester:x:${TESTER_UID}:\n`)
  writeFileSync(
    join(etc, 'shadow'),
    readFileSync('/etc/shadow', 'utf8') + `tester:${hash}:19000:0:99999:7:::\n`,
    { mode: 0o600 },
  )
  // Only pam_unix: no loginuid/selinux/motd modules that assume a full system login.
  writeFileSync(
    join(etc, 'pam.d', 'sshd'),
    'auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_permit.so\npassword required pam_deny.so\n',
  )
  const keyPath = join(dir, 'id_tester')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tester', '-f', keyPath])
  writeFileSync(join(home, '.ssh', 'authorized_keys'), readFileSync(keyPath + '.pub', 'utf8'))
  for (const p of [home, join(home, '.ssh'), join(home, '.ssh', 'authorized_keys')])
    chownSync(p, TESTER_UID, TESTER_UID)
  chmodSync(join(home, '.ssh', 'authorized_keys'), 0o600)

  const hostKey = join(dir, 'ssh_host_ed25519_key')
  const makeHostKey = (): void => {
    rmSync(hostKey, { force: true })
    rmSync(hostKey + '.pub', { force: true })
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey])
  }
  makeHostKey()
  const port = await freePort()
  const config = join(dir, 'sshd_config')
  const log = join(dir, 'sshd.log')
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      `PasswordAuthentication ${options.keyboardInteractive ? 'no' : 'yes'}`,
      `KbdInteractiveAuthentication ${options.keyboardInteractive ? 'yes' : 'no'}`,
      `UsePAM ${options.keyboardInteractive ? 'yes' : 'no'}`,
      'PermitRootLogin no',
      'AllowUsers tester',
      'StrictModes no',
      'MaxStartups 100:30:200',
      `MaxSessions ${options.maxSessions ?? 100}`,
      'PerSourcePenalties no',
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
  )

  let child: ChildProcess
  const start = async (): Promise<void> => {
    // Bind-mount the private user database and PAM config, and a private /run for sshd's privsep dir.
    const script = [
      'set -e',
      `mount --bind ${etc}/passwd /etc/passwd`,
      `mount --bind ${etc}/group /etc/group`,
      `mount --bind ${etc}/shadow /etc/shadow`,
      `mount --bind ${etc}/pam.d/sshd /etc/pam.d/sshd`,
      'mount -t tmpfs -o mode=755 tmpfs /run',
      'mkdir -p /run/sshd',
      `exec /usr/sbin/sshd -D -f ${config} -E ${log}`,
    ].join('\n')
    child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: 'ignore' })
    await waitListening(port, child, log)
  }
  const stopChild = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  // PerSourcePenalties is unknown to OpenSSH < 9.8; drop it when this sshd rejects it.
  try {
    execFileSync('/usr/sbin/sshd', ['-t', '-f', config], { stdio: 'pipe' })
  } catch {
    writeFileSync(config, readFileSync(config, 'utf8').replace('PerSourcePenalties no\n', ''))
  }
  await start()

  // Every descendant of the listener: the privileged monitor, the user's session process (which
  // holds the socket) and the commands it runs.
  const children = (): number[] => {
    const byParent = new Map<number, number[]>()
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        byParent.set(ppid, [...(byParent.get(ppid) ?? []), Number(entry)])
      } catch {
        /* process ended */
      }
    }
    const pids: number[] = []
    const walk = (pid: number): void => {
      for (const c of byParent.get(pid) ?? []) {
        pids.push(c)
        walk(c)
      }
    }
    if (child.pid !== undefined) walk(child.pid)
    return pids
  }

  return {
    host: '127.0.0.1',
    port,
    user: 'tester',
    password,
    dir,
    keyPath,
    fingerprint: () =>
      execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', hostKey + '.pub'], { encoding: 'utf8' }).split(
        ' ',
      )[1] ?? '',
    publicKeyLine: () =>
      readFileSync(hostKey + '.pub', 'utf8')
        .split(' ')
        .slice(0, 2)
        .join(' '),
    authorize(line) {
      writeFileSync(join(home, '.ssh', 'authorized_keys'), line.trim() + '\n', { flag: 'a' })
    },
    async rotateHostKey() {
      await stopChild()
      makeHostKey()
      await start()
    },
    killConnections() {
      const pids = children()
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          /* already gone */
        }
      }
      return pids.length
    },
    async stop() {
      await stopChild()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
