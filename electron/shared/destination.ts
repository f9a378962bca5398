import { parsePort, validateAddress, validateUser, type ValidationKey } from './profile'

/** Where an SSH login goes: `USER@HOST[:PORT]` split into its parts (host without brackets). */
export interface Destination {
  readonly user: string
  readonly host: string
  readonly port: number
}

/** The outcome of {@link parseDestination}: the parts, or the first problem as a validation key. */
export type DestinationResult =
  | { readonly ok: true; readonly value: Destination }
  | {
      readonly ok: false
      /** Which part is wrong. */
      readonly part: 'user' | 'host' | 'port'
      readonly problem: ValidationKey
    }

/** The default SSH port when a destination names none. */
export const DEFAULT_SSH_PORT = 22

/**
 * Parses `USER@HOST[:PORT]` the way every entry point does (CLI flags, forms): the user as a profile
 * accepts it, the host as {@link validateAddress} accepts it (IPv6 in brackets when a port follows,
 * e.g. `root@[2001:db8::1]:2222`; bare IPv6 means port 22), and the port a whole number in 1..65535.
 */
export function parseDestination(spec: string): DestinationResult {
  const text = spec.trim()
  const at = text.indexOf('@')
  if (at < 0) return { ok: false, part: 'user', problem: 'userRequired' }
  const user = text.slice(0, at)
  const userProblem = validateUser(user)
  if (userProblem) return { ok: false, part: 'user', problem: userProblem }
  const rest = text.slice(at + 1)
  if (/\s/.test(rest)) return { ok: false, part: 'host', problem: 'addressInvalid' }
  // Say what is wrong with the whole host part before a `:` in a scheme or path is taken for a port.
  const whole = validateAddress(rest)
  if (whole === 'addressHasScheme' || whole === 'addressHasPath')
    return { ok: false, part: 'host', problem: whole }
  let host = rest
  let portText: string | undefined
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(rest)
  if (bracketed) {
    host = bracketed[1] ?? ''
    portText = bracketed[2]
    if (!host.includes(':')) return { ok: false, part: 'host', problem: 'addressInvalid' }
  } else if (rest.split(':').length === 2) {
    ;[host, portText] = rest.split(':') as [string, string]
  }
  const hostProblem = validateAddress(host)
  if (hostProblem) return { ok: false, part: 'host', problem: hostProblem }
  const port = portText === undefined ? DEFAULT_SSH_PORT : parsePort(portText)
  if (port === undefined) return { ok: false, part: 'port', problem: 'portRange' }
  return { ok: true, value: { user, host, port } }
}

/** Writes a destination back as `USER@HOST:PORT` (IPv6 in brackets), which {@link parseDestination} reads. */
export function formatDestination(d: Destination): string {
  return `${d.user}@${d.host.includes(':') ? `[${d.host}]` : d.host}:${d.port}`
}
