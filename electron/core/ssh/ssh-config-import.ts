import { readFile } from 'node:fs/promises'
import SSHConfig, { LineType, type Line } from 'ssh-config'
import type { SshConfigCandidate } from '../../shared/ops/ssh'
import { AppFailure } from '../errors'
import { expandHome } from './auth'

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Splits `user@host:port` / `[v6]:port` (a ProxyJump element). */
export function parseJumpSpec(spec: string): { user?: string; host: string; port?: number } {
  let rest = spec.trim().replace(/^ssh:\/\//, '')
  let user: string | undefined
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    user = rest.slice(0, at)
    rest = rest.slice(at + 1)
  }
  let port: number | undefined
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest)
  if (v6) {
    rest = v6[1] ?? rest
    if (v6[2]) port = Number(v6[2])
  } else {
    const m = /^([^:]+):(\d+)$/.exec(rest)
    if (m) {
      rest = m[1] ?? rest
      port = Number(m[2])
    }
  }
  return { ...(user ? { user } : {}), host: rest, ...(port ? { port } : {}) }
}

/** Concrete aliases: `Host` patterns without wildcards or negation (those only hold defaults). */
function aliasesOf(config: SSHConfig): string[] {
  const aliases: string[] = []
  for (const line of config as Line[]) {
    if (line.type !== LineType.DIRECTIVE || line.param.toLowerCase() !== 'host' || !('config' in line))
      continue
    const values = Array.isArray(line.value) ? line.value.map((v) => v.val) : line.value.split(/\s+/)
    for (const value of values)
      if (value && !/[*?!]/.test(value) && !aliases.includes(value)) aliases.push(value)
  }
  return aliases
}

/**
 * Turns ssh config text into candidate servers: every concrete `Host` alias with its computed
 * HostName, User, Port, IdentityFile and ProxyJump (defaults from `Host *` applied, as ssh does).
 * `Match exec` is never evaluated: importing must not run commands from a file.
 */
export function candidatesFromSshConfig(text: string, homeDir?: string): SshConfigCandidate[] {
  const config = SSHConfig.parse(text)
  const resolveHop = (spec: string): SshConfigCandidate['jumps'][number] => {
    const parsed = parseJumpSpec(spec)
    const known = aliasesOf(config).includes(parsed.host)
    if (!known)
      return { address: parsed.host, port: parsed.port ?? 22, ...(parsed.user ? { user: parsed.user } : {}) }
    const c = config.compute(parsed.host, { ignoreCase: true, matchExec: false })
    const user = parsed.user ?? first(c.user)
    return {
      alias: parsed.host,
      address: first(c.hostname) ?? parsed.host,
      port: parsed.port ?? Number(first(c.port) ?? 22),
      ...(user ? { user } : {}),
    }
  }
  return aliasesOf(config).map((alias) => {
    const c = config.compute(alias, { ignoreCase: true, matchExec: false })
    const user = first(c.user)
    const identity = first(c.identityfile)
    const proxyJump = first(c.proxyjump)
    const port = Number(first(c.port) ?? 22)
    const jumps =
      proxyJump && proxyJump.toLowerCase() !== 'none' ? proxyJump.split(',').map((s) => resolveHop(s)) : []
    return {
      alias,
      address: first(c.hostname) ?? alias,
      port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 22,
      ...(user ? { user } : {}),
      ...(identity ? { keyPath: expandHome(identity, homeDir) } : {}),
      ...(proxyJump && proxyJump.toLowerCase() !== 'none' ? { proxyJump } : {}),
      jumps,
    }
  })
}

/** Reads an ssh config file; a missing file yields no candidates (most users have none). */
export async function importSshConfig(path: string, homeDir?: string): Promise<SshConfigCandidate[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return []
    throw new AppFailure('PERMISSION_DENIED', `${path} cannot be read.`, {
      retryable: false,
      details: { path, cause: code ?? '' },
    })
  }
  return candidatesFromSshConfig(text, homeDir)
}
