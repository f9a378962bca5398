// Checks benchmark: all checks on one host vs on all lab hosts at once, and remote commands (SSH
// channels) per host per run. Prints JSON; asserts no timing.
import type { Lab } from '../lab'
import type { Profile, Server } from '../../electron/shared/profile'
import { runChecksOnProfile } from '../../electron/core/checks/runner'
import { SshPool } from '../../electron/core/ssh/pool'
import { HostKeyTrust } from '../../electron/core/ssh/trust'
import type { SecretProvider } from '../../electron/core/ssh/types'

/** The JSON the checks benchmark prints. */
export interface ChecksBenchResult {
  readonly hosts: number
  readonly oneHostMs: number
  readonly allHostsMs: number
  /** all / one: near 1 means the hosts really ran in parallel. */
  readonly ratio: number
  /** The aim from issue 5: all ≤ 1.25 × one + 0.5 s. */
  readonly withinAim: boolean
  /** Remote commands (each one SSH channel) per host in the all-hosts run. */
  readonly channelsPerHost: Readonly<Record<string, number>>
  readonly results: number
}

const noSecrets: SecretProvider = {
  password: () => Promise.resolve(undefined),
  passphrase: () => Promise.resolve(undefined),
  keyboardInteractive: () => Promise.resolve(undefined),
}

function profileOf(lab: Lab, names: readonly string[]): Profile {
  const servers: Server[] = names.map((name, i) => {
    const h = lab.hosts.find((x) => x.name === name)
    if (!h) throw new Error(`no lab host ${name}`)
    return {
      id: name,
      name,
      address: h.address,
      port: h.port,
      user: h.user,
      auth: 'key',
      keyPath: h.privateKeyPath,
      role: i === 0 ? 'network' : 'ml',
    }
  })
  const now = new Date().toISOString()
  return {
    schemaVersion: 1,
    id: 'bench',
    name: 'bench',
    topology: 'split',
    servers,
    createdAt: now,
    updatedAt: now,
  }
}

/**
 * Runs every check on `net` alone, then on `net` + the ML hosts at once (fresh pools each time, so
 * both include connecting). The network phase is part of both runs.
 */
export async function runChecksBench(
  lab: Lab,
  mlHosts: readonly string[] = ['ml1', 'ml2'],
): Promise<ChecksBenchResult> {
  const measure = async (names: readonly string[]) => {
    const pool = new SshPool({ trust: new HostKeyTrust(undefined, [lab.knownHostsPath]), secrets: noSecrets })
    const channels: Record<string, number> = {}
    const started = performance.now()
    try {
      const out = await runChecksOnProfile({
        profile: profileOf(lab, names),
        executor: pool,
        models: [],
        modelSource: 'none',
        onExec: (id) => {
          channels[id] = (channels[id] ?? 0) + 1
        },
      })
      return { ms: performance.now() - started, channels, results: out.results.length }
    } finally {
      await pool.dispose()
    }
  }
  const one = await measure(['net'])
  const all = await measure(['net', ...mlHosts])
  return {
    hosts: 1 + mlHosts.length,
    oneHostMs: Math.round(one.ms),
    allHostsMs: Math.round(all.ms),
    ratio: Math.round((all.ms / one.ms) * 100) / 100,
    withinAim: all.ms <= 1.25 * one.ms + 500,
    channelsPerHost: all.channels,
    results: all.results,
  }
}
