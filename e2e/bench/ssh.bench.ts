// SSH benchmark: what pooling and parallelism buy. Prints ratios as JSON; asserts no timing.
import { execFile } from 'node:child_process'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { SshPool } from '../../electron/core/ssh/pool'
import { HostKeyTrust } from '../../electron/core/ssh/trust'
import type { HostTarget, SecretProvider } from '../../electron/core/ssh/types'

const execFileAsync = promisify(execFile)

/** One host to measure: address, port, user, private key and its known_hosts line (`host keytype base64`). */
export interface BenchHost {
  readonly name: string
  readonly address: string
  readonly port: number
  readonly user: string
  readonly privateKeyPath: string
  readonly knownHostsLine: string
}

/** The JSON the benchmark prints. */
export interface SshBenchResult {
  readonly hosts: number
  readonly commands: number
  readonly oneHostConnectAndCommandMs: number
  readonly allHostsParallelConnectAndCommandMs: number
  /** parallel-all / one: near 1 means hosts really run in parallel. */
  readonly parallelRatio: number
  readonly pooledCommandsMs: number
  /** pooledCommandsMs / commands: channel open + exec + exit on a live connection (a few RTT + sshd's fork). */
  readonly pooledMsPerCommand: number
  readonly separateSshProcessesMs: number
  readonly separateMsPerCommand: number
  /** separate / pooled: how many times faster the pooled connection is. */
  readonly pooledSpeedup: number
}

const noSecrets: SecretProvider = {
  password: () => Promise.resolve(undefined),
  passphrase: () => Promise.resolve(undefined),
  keyboardInteractive: () => Promise.resolve(undefined),
}

function targetOf(h: BenchHost): HostTarget {
  return { id: h.name, host: h.address, port: h.port, user: h.user, auth: 'key', keyPath: h.privateKeyPath }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()
  return Math.round((performance.now() - start) * 10) / 10
}

/** Measures connect + one command (one host vs all in parallel) and N pooled commands vs N `ssh` runs. */
export async function runSshBench(hosts: readonly BenchHost[], commands = 20): Promise<SshBenchResult> {
  const first = hosts[0]
  if (!first) throw new Error('the SSH benchmark needs at least one host')
  const dir = mkdtempSync(join(tmpdir(), 'ghw-bench-ssh-'))
  const knownHosts = join(dir, 'known_hosts')
  writeFileSync(
    knownHosts,
    hosts
      .map((h) => {
        const [, type, key] = h.knownHostsLine.trim().split(/\s+/)
        return `${h.port === 22 ? h.address : `[${h.address}]:${h.port}`} ${type ?? ''} ${key ?? ''}`
      })
      .join('\n') + '\n',
  )
  const trust = new HostKeyTrust(undefined, [knownHosts])
  const fresh = (): SshPool => new SshPool({ trust, secrets: noSecrets })
  try {
    let pool = fresh()
    const one = await timed(() => pool.exec(targetOf(first), ['true']))
    await pool.dispose()
    pool = fresh()
    const all = await timed(() => Promise.all(hosts.map((h) => pool.exec(targetOf(h), ['true']))))
    await pool.dispose()

    pool = fresh()
    await pool.connect(targetOf(first))
    const pooled = await timed(async () => {
      for (let i = 0; i < commands; i++) await pool.exec(targetOf(first), ['true'])
    })
    await pool.dispose()
    const separate = await timed(async () => {
      for (let i = 0; i < commands; i++) {
        await execFileAsync('ssh', [
          '-i',
          first.privateKeyPath,
          '-p',
          String(first.port),
          '-o',
          `UserKnownHostsFile=${knownHosts}`,
          '-o',
          'StrictHostKeyChecking=yes',
          '-o',
          'BatchMode=yes',
          '-o',
          'IdentitiesOnly=yes',
          `${first.user}@${first.address}`,
          'true',
        ])
      }
    })
    return {
      hosts: hosts.length,
      commands,
      oneHostConnectAndCommandMs: one,
      allHostsParallelConnectAndCommandMs: all,
      parallelRatio: Math.round((all / one) * 100) / 100,
      pooledCommandsMs: pooled,
      pooledMsPerCommand: Math.round((pooled / commands) * 10) / 10,
      separateSshProcessesMs: separate,
      separateMsPerCommand: Math.round((separate / commands) * 10) / 10,
      pooledSpeedup: Math.round((separate / pooled) * 100) / 100,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
