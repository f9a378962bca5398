import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { AppError } from '../../shared/result'
import { parsePort } from '../../shared/profile'
import { AppFailure, toAppError } from '../../core/errors'
import { probeHostFacts } from '../../core/ssh/facts'
import { appendKnownHost } from '../../core/ssh/known-hosts'
import { SshPool } from '../../core/ssh/pool'
import { HostKeyTrust } from '../../core/ssh/trust'
import type { HostTarget, SecretProvider } from '../../core/ssh/types'
import { CliUsageError, parseOptions, readStdin, type CliCommand, type CliIo } from '../io'

/** Exit codes of `connect` (scripts and acceptance checks rely on them). */
export const CONNECT_EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  hostKeyUnknown: 3,
  hostKeyChanged: 4,
  authFailed: 5,
  unreachable: 6,
} as const

/** Splits `USER@HOST[:PORT]` (IPv6 as `user@[::1]:22`). */
export function parseDestination(spec: string): { user: string; host: string; port: number } {
  const at = spec.lastIndexOf('@')
  if (at <= 0) throw new CliUsageError(`"${spec}" is not USER@HOST[:PORT].`)
  const user = spec.slice(0, at)
  let rest = spec.slice(at + 1)
  let portText: string | undefined
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest)
  if (v6) {
    rest = v6[1] ?? ''
    portText = v6[2]
  } else if (rest.split(':').length === 2) {
    ;[rest, portText] = rest.split(':') as [string, string]
  }
  const port = portText === undefined ? 22 : parsePort(portText)
  if (rest === '' || port === undefined) throw new CliUsageError(`"${spec}" is not USER@HOST[:PORT].`)
  return { user, host: rest, port }
}

function exitCodeOf(error: AppError): number {
  switch (error.code) {
    case 'HOST_KEY_UNKNOWN':
      return CONNECT_EXIT.hostKeyUnknown
    case 'HOST_KEY_CHANGED':
      return CONNECT_EXIT.hostKeyChanged
    case 'AUTH_FAILED':
    case 'PASSPHRASE_REQUIRED':
    case 'WRONG_PASSPHRASE':
      return CONNECT_EXIT.authFailed
    case 'UNREACHABLE':
    case 'TIMEOUT':
    case 'CONNECTION_REFUSED':
    case 'CONNECTION_LOST':
      return CONNECT_EXIT.unreachable
    case 'INVALID_INPUT':
      return CONNECT_EXIT.usage
    default:
      return CONNECT_EXIT.failure
  }
}

/** `connect`: tests one SSH login with host-key verification, like `ssh -o StrictHostKeyChecking`. */
export const connectCommand: CliCommand = {
  name: 'connect',
  usage:
    'connect USER@HOST[:PORT] [--key FILE] [--password-stdin] [--known-hosts FILE] [--accept-new] [--json]',
  summary: 'Connect over SSH, verify the host key, log in and print the host facts.',
  help: [
    'Options:',
    '  --key FILE          log in with this private key (default: ssh-agent via SSH_AUTH_SOCK)',
    '  --password-stdin    read one secret from stdin: the login password, or with --key the key passphrase',
    '  --known-hosts FILE  verify the host key against FILE (default ~/.ssh/known_hosts)',
    '  --accept-new        add an unknown host key to the known_hosts file (a changed key is still refused)',
    '  --json              print one JSON object',
    '',
    'Exit codes: 0 connected and trusted; 3 host key unknown (not accepted); 4 host key changed (refused);',
    '            5 authentication failed; 6 unreachable or timed out; 2 wrong usage; 1 anything else.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        key: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'known-hosts': { type: 'string' },
        'accept-new': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      true,
    )
    if (positionals.length !== 1) throw new CliUsageError('Give exactly one USER@HOST[:PORT].')
    const dest = parseDestination(positionals[0] ?? '')
    const home = io.env.HOME ?? homedir()
    const knownHosts = resolve(values['known-hosts'] ?? join(home, '.ssh', 'known_hosts'))
    const secret = values['password-stdin'] ? await readStdin(io.stdin) : undefined
    const target: HostTarget = {
      id: `${dest.user}@${dest.host}:${dest.port}`,
      host: dest.host,
      port: dest.port,
      user: dest.user,
      auth: values.key !== undefined ? 'key' : secret !== undefined ? 'password' : 'agent',
      ...(values.key !== undefined ? { keyPath: resolve(values.key) } : {}),
    }
    // Non-interactive: the only secret is the one from stdin; keyboard-interactive gets it for a
    // password prompt (handled in auth) and nothing else.
    const secrets: SecretProvider = {
      password: () => Promise.resolve(target.auth === 'password' ? secret : undefined),
      passphrase: (_t, _k, retry) => Promise.resolve(retry ? undefined : secret),
      keyboardInteractive: () => Promise.resolve(undefined),
    }
    return runConnect(io, target, {
      knownHosts,
      acceptNew: values['accept-new'] === true,
      json: values.json === true,
      secrets,
      home,
    })
  },
}

async function runConnect(
  io: CliIo,
  target: HostTarget,
  opts: { knownHosts: string; acceptNew: boolean; json: boolean; secrets: SecretProvider; home: string },
): Promise<number> {
  const trust = new HostKeyTrust(undefined, [opts.knownHosts])
  const pool = new SshPool({ trust, secrets: opts.secrets, homeDir: opts.home, env: io.env })
  const base = { host: target.host, port: target.port, user: target.user, knownHosts: opts.knownHosts }
  let accepted = false
  try {
    let key
    try {
      key = await pool.connect(target)
    } catch (error) {
      if (!(error instanceof AppFailure) || error.code !== 'HOST_KEY_UNKNOWN' || !opts.acceptNew) throw error
      const seen = trust.lastSeen(target.host, target.port)
      if (!seen) throw error
      await appendKnownHost(opts.knownHosts, target.host, target.port, seen)
      accepted = true
      // Connect again: the new line must now verify the key like any other.
      key = await pool.connect(target)
    }
    // Only a login password is worth trying with `sudo -S`; a key passphrase is not the user's password.
    const password = target.auth === 'password' ? await opts.secrets.password(target) : undefined
    const facts = await probeHostFacts(pool, target, password !== undefined ? { password } : {})
    if (opts.json) {
      io.out(
        JSON.stringify({
          ...base,
          fingerprint: key.fingerprint,
          keyType: key.keyType,
          trusted: true,
          accepted,
          facts,
        }),
      )
    } else {
      io.out(`Connected to ${target.user}@${target.host}:${target.port}`)
      io.out(
        `  host key   ${key.keyType} ${key.fingerprint}${accepted ? ` (new: added to ${opts.knownHosts})` : ' (trusted)'}`,
      )
      io.out(`  system     ${facts.os.prettyName || facts.os.id || 'unknown'}`)
      io.out(`  user       ${facts.user} (uid ${facts.uid})${facts.isRoot ? ', root' : ''}`)
      io.out(`  sudo       ${facts.sudo}`)
      io.out(
        `  docker     ${facts.docker.socketAccess ? 'socket access' : facts.docker.socket ? 'socket present, no access' : 'no socket'}${facts.docker.cli ? '' : ', no docker CLI'}`,
      )
    }
    return CONNECT_EXIT.ok
  } catch (error) {
    const appError = toAppError(error)
    const d = appError.details ?? {}
    if (opts.json) {
      io.out(
        JSON.stringify({
          ...base,
          ...(typeof d.fingerprint === 'string' ? { fingerprint: d.fingerprint } : {}),
          ...(typeof d.keyType === 'string' ? { keyType: d.keyType } : {}),
          trusted: false,
          accepted,
          error: appError,
        }),
      )
    } else {
      io.err(`Error: ${appError.message}`)
      if (appError.code === 'HOST_KEY_UNKNOWN') {
        io.err(`  ${String(d.keyType)} key fingerprint is ${String(d.fingerprint)}.`)
        io.err(
          `  Compare it with the server's console, then run again with --accept-new to add it to ${opts.knownHosts}.`,
        )
      } else if (appError.code === 'HOST_KEY_CHANGED' && d.expectedFingerprint !== undefined) {
        io.err(
          `  expected ${String(d.expectedFingerprint)} (from ${String(d.source)}), got ${String(d.fingerprint)}.`,
        )
      }
      if (appError.hint) io.err(`What to do: ${appError.hint}`)
    }
    return exitCodeOf(appError)
  } finally {
    await pool.dispose()
  }
}
