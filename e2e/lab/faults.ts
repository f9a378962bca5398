// Faults a test injects into a running lab. Each returns an undo that puts the host back.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { labHost, labScriptForHost, rootExec, writeLab } from './lab-control'
import type { Lab, LabHost } from './lab-schema'

const execFileAsync = promisify(execFile)

/** Reverts one fault. Safe to call once. */
export type Undo = () => Promise<void>

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function readPid(host: LabHost, name: 'sshd' | 'dockerd'): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(host.dir, 'pid', `${name}.pid`), 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    // A zombie still answers signal 0; it is gone for our purposes.
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')
  } catch {
    return false
  }
}

async function stopPid(pid: number, graceMs: number): Promise<void> {
  if (!alive(pid)) return
  process.kill(pid, 'SIGTERM')
  for (let waited = 0; waited < graceMs && alive(pid); waited += 50) await sleep(50)
  if (alive(pid)) process.kill(pid, 'SIGKILL')
  for (let waited = 0; waited < 3000 && alive(pid); waited += 50) await sleep(50)
}

/** Resolves host names of the lab (and 'gateway', the machine itself) to addresses. */
function resolveSource(lab: Lab, source: string): string {
  if (source === 'gateway') return lab.gateway
  if (/^198\.51\.100\.\d{1,3}$/.test(source)) return source
  return labHost(lab, source).address
}

export interface BlockPortOptions {
  port: number
  proto?: 'tcp' | 'udp'
  /** DROP makes connects hang (a silent firewall); REJECT refuses at once. */
  action?: 'DROP' | 'REJECT'
  /** Block only these sources (host names, 'gateway', or addresses); default every source. */
  from?: readonly string[]
  /** Block every source except these. */
  except?: readonly string[]
  /**
   * The port is published by a container (`-p 8080:8080`): Docker's DNAT sends such traffic
   * through FORWARD, never INPUT, so the rules also go into DOCKER-USER (matching the container
   * port, which must then equal the host port).
   */
  published?: boolean
}

/** Blocks a port on a host's eth0 (INPUT chain, plus DOCKER-USER when published; loopback stays open). */
export async function blockPort(lab: Lab, hostName: string, options: BlockPortOptions): Promise<Undo> {
  const host = labHost(lab, hostName)
  const proto = options.proto ?? 'tcp'
  const target =
    (options.action ?? 'DROP') === 'DROP'
      ? ['-j', 'DROP']
      : ['-j', 'REJECT', '--reject-with', proto === 'tcp' ? 'tcp-reset' : 'icmp-port-unreachable']
  const rules: string[][] = []
  for (const chain of options.published === true ? ['INPUT', 'DOCKER-USER'] : ['INPUT']) {
    const base = [chain, '-i', 'eth0', '-p', proto, '--dport', String(options.port)]
    if (options.from !== undefined && options.from.length > 0) {
      for (const s of options.from) rules.push([...base, '-s', resolveSource(lab, s), ...target])
    } else {
      rules.push([...base, ...target])
    }
    // Inserted last so they sit above the block rule.
    for (const s of options.except ?? []) rules.push([...base, '-s', resolveSource(lab, s), '-j', 'ACCEPT'])
  }
  const added: string[][] = []
  for (const rule of rules) {
    const [chain, ...spec] = rule
    await rootExec(host, ['iptables', '-w', '-I', chain ?? 'INPUT', ...spec], { check: true })
    added.push(rule)
  }
  return async () => {
    for (const rule of added.reverse()) {
      const [chain, ...spec] = rule
      await rootExec(host, ['iptables', '-w', '-D', chain ?? 'INPUT', ...spec], { check: true })
    }
  }
}

/** Makes a host reachable on a port (SSH by default) only from one other host: for jump-host tests. */
export function onlyReachableFrom(lab: Lab, hostName: string, fromHost: string, port = 22): Promise<Undo> {
  return blockPort(lab, hostName, { port, except: [fromHost] })
}

/** Starts a host's dockerd again (waits until it answers). */
export async function startDocker(lab: Lab, hostName: string): Promise<void> {
  await labScriptForHost(lab, 'start-dockerd', hostName)
}

/** Stops a host's dockerd (its containers stop with it); undo starts it again. */
export async function stopDocker(lab: Lab, hostName: string): Promise<Undo> {
  const host = labHost(lab, hostName)
  if (!host.docker) throw new Error(`${hostName} has no dockerd`)
  const pid = readPid(host, 'dockerd')
  if (pid !== undefined) await stopPid(pid, 15_000)
  return () => startDocker(lab, hostName)
}

function childrenOf(): Map<number, number[]> {
  const map = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // The command name may contain spaces and parentheses; fields resume after the last ')'.
      const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10)
      const list = map.get(ppid) ?? []
      list.push(Number.parseInt(entry, 10))
      map.set(ppid, list)
    } catch {
      // The process ended while we looked.
    }
  }
  return map
}

/** Drops every open SSH connection to a host (sshd keeps listening). Undo does nothing. */
export async function killSshConnections(lab: Lab, hostName: string): Promise<Undo> {
  const host = labHost(lab, hostName)
  const listener = readPid(host, 'sshd')
  if (listener === undefined) throw new Error(`no sshd pid for ${hostName}`)
  const tree = childrenOf()
  const victims: number[] = []
  const walk = (pid: number): void => {
    for (const child of tree.get(pid) ?? []) {
      victims.push(child)
      walk(child)
    }
  }
  walk(listener)
  for (const pid of victims) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  for (let waited = 0; waited < 3000 && victims.some(alive); waited += 50) await sleep(50)
  return () => Promise.resolve()
}

async function restartSshd(lab: Lab, host: LabHost): Promise<void> {
  const pid = readPid(host, 'sshd')
  if (pid !== undefined) await stopPid(pid, 3000)
  await labScriptForHost(lab, 'start-sshd', host.name)
}

async function hostKeyFacts(
  keyPath: string,
  address: string,
): Promise<{ line: string; fingerprint: string }> {
  const pub = readFileSync(`${keyPath}.pub`, 'utf8').trim().split(/\s+/)
  const { stdout } = await execFileAsync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${keyPath}.pub`])
  const fingerprint = stdout.trim().split(/\s+/)[1] ?? ''
  return { line: `${address} ${pub[0] ?? ''} ${pub[1] ?? ''}`, fingerprint }
}

/**
 * Restarts a host's sshd with a new host key. hosts.json and the lab's known_hosts get the new key;
 * the result carries the updated lab and the old fingerprint (what a client pinned before).
 */
export async function rotateHostKey(
  lab: Lab,
  hostName: string,
): Promise<{ undo: Undo; lab: Lab; host: LabHost; previousFingerprint: string }> {
  const host = labHost(lab, hostName)
  const key = join(host.dir, 'ssh', 'ssh_host_ed25519_key')
  const backup = `${key}.before-rotate`
  renameSync(key, backup)
  renameSync(`${key}.pub`, `${backup}.pub`)
  await execFileAsync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    `${host.hostname}-rotated`,
    '-f',
    key,
  ])
  await restartSshd(lab, host)
  const facts = await hostKeyFacts(key, host.address)
  const updatedHost: LabHost = { ...host, knownHostsLine: facts.line, hostKeyFingerprint: facts.fingerprint }
  const updated: Lab = { ...lab, hosts: lab.hosts.map((h) => (h.name === hostName ? updatedHost : h)) }
  writeLab(updated)
  const undo: Undo = async () => {
    renameSync(backup, key)
    renameSync(`${backup}.pub`, `${key}.pub`)
    await restartSshd(lab, host)
    writeLab({ ...updated, hosts: updated.hosts.map((h) => (h.name === hostName ? host : h)) })
  }
  return { undo, lab: updated, host: updatedHost, previousFingerprint: host.hostKeyFingerprint }
}

/** Removes the test user's Docker Compose v2 plugin (`docker compose` stops working); undo restores it. */
export function removeComposePlugin(lab: Lab, hostName: string): Promise<Undo> {
  const host = labHost(lab, hostName)
  const plugin = join(host.home, '.docker', 'cli-plugins', 'docker-compose')
  // Kept outside the home so nothing the app lists there still shows it.
  const parked = join(host.dir, 'docker-compose.removed')
  if (!existsSync(plugin)) throw new Error(`${hostName} has no compose plugin at ${plugin}`)
  renameSync(plugin, parked)
  return Promise.resolve(() => {
    renameSync(parked, plugin)
    return Promise.resolve()
  })
}

/** Mounts a small tmpfs at a path inside the host, so `df` there shows `sizeMb`; undo unmounts it. */
export async function smallDisk(lab: Lab, hostName: string, path: string, sizeMb: number): Promise<Undo> {
  if (!path.startsWith('/')) throw new Error('smallDisk needs an absolute path')
  const host = labHost(lab, hostName)
  await rootExec(host, ['mkdir', '-p', path], { check: true })
  await rootExec(host, ['mount', '-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=1777`, 'lab-small-disk', path], {
    check: true,
  })
  return async () => {
    await rootExec(host, ['umount', path], { check: true })
  }
}

/** Makes `free` and /proc/meminfo inside a host show `totalMb` of RAM; undo shows the real figures again. */
export async function lowMemory(
  lab: Lab,
  hostName: string,
  totalMb: number,
  availableMb = Math.floor(totalMb / 2),
): Promise<Undo> {
  const host = labHost(lab, hostName)
  const total = totalMb * 1024
  const avail = Math.min(availableMb, totalMb) * 1024
  const overrides: Record<string, number> = {
    MemTotal: total,
    MemFree: Math.floor(avail / 2),
    MemAvailable: avail,
    Buffers: 0,
    Cached: Math.floor(avail / 2),
    SReclaimable: 0,
    Shmem: 0,
    SwapTotal: 0,
    SwapFree: 0,
  }
  const lines = readFileSync('/proc/meminfo', 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const name = line.split(':')[0] ?? ''
      const value = overrides[name]
      return value === undefined ? line : `${`${name}:`.padEnd(16)}${String(value).padStart(8)} kB`
    })
  const fake = join(host.dir, 'meminfo.fake')
  writeFileSync(fake, `${lines.join('\n')}\n`)
  await rootExec(host, ['mount', '--bind', fake, '/proc/meminfo'], { check: true })
  return async () => {
    await rootExec(host, ['umount', '/proc/meminfo'], { check: true })
  }
}

/**
 * Publishes a port on 0.0.0.0 from a container (what Docker's default `-p 8080:8080` does to a
 * private port); undo removes the container.
 */
export async function publishPrivatePort(lab: Lab, hostName: string, port = 8080): Promise<Undo> {
  const host = labHost(lab, hostName)
  const name = `lab-fault-publish-${port}`
  await rootExec(
    host,
    [
      'docker',
      'run',
      '-d',
      '--name',
      name,
      '-p',
      `0.0.0.0:${port}:${port}`,
      'lab/busybox:1',
      'httpd',
      '-f',
      '-p',
      String(port),
    ],
    { check: true },
  )
  return async () => {
    await rootExec(host, ['docker', 'rm', '-f', name], { check: true })
  }
}

/**
 * Enables ufw on a host with the given rules (each one `ufw` argv, e.g. ['deny', '5050/tcp']).
 * SSH stays allowed unless `allowSsh` is false. Undo disables ufw and resets its rules.
 */
export async function enableUfw(
  lab: Lab,
  hostName: string,
  rules: readonly (readonly string[])[],
  options: { allowSsh?: boolean } = {},
): Promise<Undo> {
  const host = labHost(lab, hostName)
  const all = (options.allowSsh ?? true) ? [['allow', '22/tcp'], ...rules] : rules
  for (const rule of all) await rootExec(host, ['ufw', ...rule], { check: true })
  await rootExec(host, ['ufw', '--force', 'enable'], { check: true })
  return async () => {
    await rootExec(host, ['ufw', '--force', 'disable'], { check: true })
    await rootExec(host, ['ufw', '--force', 'reset'], { check: true })
  }
}
