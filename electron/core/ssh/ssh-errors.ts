import { AppFailure } from '../errors'
import type { HostTarget } from './types'

/** Where in the life of a connection an error happened; it decides how the error reads. */
export type ErrorPhase = 'connect' | 'handshake' | 'auth' | 'session'

interface ErrorLike {
  readonly code?: unknown
  readonly level?: unknown
  readonly message?: unknown
}

function where(target: Pick<HostTarget, 'host' | 'port'>): string {
  return `${target.host}:${target.port}`
}

/**
 * Turns a socket or ssh2 error into an {@link AppFailure} a user can act on. An AppFailure passes
 * through unchanged (host-key and auth failures are built where the facts are known).
 */
export function mapSshError(
  error: unknown,
  target: Pick<HostTarget, 'host' | 'port' | 'user'>,
  phase: ErrorPhase,
): AppFailure {
  if (error instanceof AppFailure) return error
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike
  const code = typeof e.code === 'string' ? e.code : undefined
  const level = typeof e.level === 'string' ? e.level : undefined
  const message = typeof e.message === 'string' ? e.message : String(error)
  const details = { host: target.host, port: target.port, phase, ...(code ? { cause: code } : {}) }
  switch (code) {
    case 'ECONNREFUSED':
      return new AppFailure('CONNECTION_REFUSED', `${where(target)} refused the connection.`, {
        hint: 'Check the port, and that sshd is running there (systemctl status ssh) and not blocked by a firewall.',
        details,
      })
    case 'ETIMEDOUT':
      return new AppFailure('TIMEOUT', `${where(target)} did not answer in time.`, {
        hint: 'Check the address, and that a firewall or security group lets SSH through.',
        details,
      })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AppFailure('UNREACHABLE', `The name ${target.host} could not be resolved.`, {
        hint: 'Check the spelling of the address, or use the IP address.',
        details,
      })
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return new AppFailure('UNREACHABLE', `There is no network route to ${where(target)}.`, {
        hint: 'Check the address and your network; a host on a private network may need a jump host.',
        details,
      })
    case 'ECONNRESET':
    case 'EPIPE':
      return new AppFailure('CONNECTION_LOST', `The connection to ${where(target)} was cut.`, {
        hint:
          phase === 'connect' || phase === 'handshake'
            ? 'Something closed the connection during the handshake: sshd limits (MaxStartups, PerSourcePenalties) or a firewall.'
            : 'Try again; if it keeps happening, check the network between you and the server.',
        details,
      })
  }
  if (level === 'client-timeout') {
    return new AppFailure('TIMEOUT', `${where(target)} did not finish the SSH handshake in time.`, {
      hint: 'The port may not be an SSH server, or the server is overloaded.',
      details,
    })
  }
  if (level === 'client-authentication') {
    return new AppFailure('AUTH_FAILED', `${target.user}@${where(target)} did not accept the login.`, {
      hint: 'Check the user name and the key or password.',
      retryable: false,
      details,
    })
  }
  if (level === 'protocol' || level === 'handshake') {
    return new AppFailure('CONNECTION_LOST', `The SSH handshake with ${where(target)} failed: ${message}`, {
      hint: 'Check that the port belongs to an SSH server (not HTTP or a proxy).',
      retryable: false,
      details,
    })
  }
  if (/Channel open failure|open failed/i.test(message)) {
    return new AppFailure('REMOTE_COMMAND_FAILED', `${where(target)} refused to open another channel.`, {
      hint: "The server's MaxSessions limit was reached or forwarding is disabled; the app will reconnect.",
      details,
    })
  }
  if (/Not connected|No response from server|Connection lost|socket/i.test(message)) {
    return new AppFailure('CONNECTION_LOST', `The connection to ${where(target)} was lost.`, {
      hint: 'Try again; the app reconnects automatically.',
      details,
    })
  }
  return new AppFailure('CONNECTION_LOST', `SSH to ${where(target)} failed: ${message}`, {
    hint: 'Try again; if it keeps happening, look at the log.',
    details,
  })
}
