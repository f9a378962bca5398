import { join, resolve } from 'node:path'
import { formatDestination, type Destination } from '../../shared/destination'
import type { ConnectionReport } from '../../shared/ops/ssh'
import type { AuthMethod, Server } from '../../shared/profile'
import type { AppError } from '../../shared/result'
import {
  answerSecretPrompts,
  cliHome,
  newRunId,
  openCliService,
  type CliService,
  type HeadlessSecrets,
} from '../cli-service'
import { CliUsageError, destinationArg, parseOptions, readStdin, type CliCommand, type CliIo } from '../io'
import { textsFor } from '../texts'

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

/** The exit code of `connect` for a failure. */
export function connectExitCode(error: Pick<AppError, 'code'>): number {
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

/** What `connect` was asked to do, from its flags. */
interface ConnectRequest {
  readonly dest: Destination
  readonly auth: AuthMethod
  readonly keyPath?: string
  readonly secrets: HeadlessSecrets
  /** `--known-hosts FILE`, absolute. */
  readonly knownHostsFile?: string
  readonly acceptNew: boolean
  readonly json: boolean
}

/** `connect`: tests one SSH login with host-key verification, like `ssh -o StrictHostKeyChecking`. */
export const connectCommand: CliCommand = {
  name: 'connect',
  usage:
    'connect USER@HOST[:PORT] [--key FILE] [--password-stdin] [--known-hosts FILE] [--accept-new] [--json]',
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
    const t = textsFor(io.env)
    if (positionals.length !== 1) throw new CliUsageError(t('cli.connect.oneDestination'))
    const dest = destinationArg(t('cli.connect.theDestination'), positionals[0] ?? '', t)
    if (values.key !== undefined && values.key.trim() === '')
      throw new CliUsageError(t('cli.connect.keyNeedsFile'))
    const keyPath = values.key !== undefined ? resolve(values.key) : undefined
    const secret = values['password-stdin'] ? await readStdin(io.stdin) : undefined
    const auth: AuthMethod = keyPath !== undefined ? 'key' : secret !== undefined ? 'password' : 'agent'
    const knownHostsFile = values['known-hosts'] !== undefined ? resolve(values['known-hosts']) : undefined
    const cli = await openCliService(io, { knownHosts: [knownHostsFile] })
    try {
      return await runConnect(cli, io, {
        dest,
        auth,
        ...(keyPath !== undefined ? { keyPath } : {}),
        // Only what was given on stdin, and only for the method it was meant for.
        secrets: auth === 'password' ? { password: secret } : auth === 'key' ? { passphrase: secret } : {},
        ...(knownHostsFile !== undefined ? { knownHostsFile } : {}),
        acceptNew: values['accept-new'] === true,
        json: values.json === true,
      })
    } finally {
      await cli.close()
    }
  },
}

/** The one server `connect` tests, as an unsaved form would give it to `testConnection`. */
function serverOf(req: ConnectRequest): Server {
  return {
    id: 'connect',
    name: formatDestination(req.dest).slice(0, 64),
    address: req.dest.host,
    port: req.dest.port,
    user: req.dest.user,
    auth: req.auth,
    ...(req.keyPath !== undefined ? { keyPath: req.keyPath } : {}),
    role: 'combined',
  }
}

/** Runs `testConnection` for the one server, answering its secret prompts from the flags. */
async function testOnce(cli: CliService, req: ConnectRequest): Promise<ConnectionReport | AppError> {
  const runId = newRunId('connect')
  const stop = answerSecretPrompts(cli, runId, req.secrets)
  try {
    const result = await cli.service.invoke('testConnection', { servers: [serverOf(req)] }, { runId })
    if (!result.ok) return result.error
    return result.value.reports[0] ?? { code: 'INTERNAL', message: 'No report came back.', retryable: false }
  } finally {
    stop()
  }
}

function isReport(value: ConnectionReport | AppError): value is ConnectionReport {
  return 'connected' in value
}

async function runConnect(cli: CliService, io: CliIo, req: ConnectRequest): Promise<number> {
  const { dest } = req
  const t = textsFor(io.env)
  const trustedBy = req.knownHostsFile ?? join(cliHome(io), '.ssh', 'known_hosts')
  const base = {
    host: dest.host,
    port: dest.port,
    user: dest.user,
    knownHosts: trustedBy,
    dataDir: cli.dataDir,
  }
  let accepted = false
  let outcome = await testOnce(cli, req)
  let error: AppError | undefined = isReport(outcome) ? outcome.error : outcome
  if (isReport(outcome) && error?.code === 'HOST_KEY_UNKNOWN' && req.acceptNew && outcome.fingerprint) {
    // The key shown is pinned in the app's store (and the --known-hosts file), then the login is made
    // again so the new pin verifies the key like any other.
    const pinned = await cli.service.invoke('trustHostKey', {
      host: dest.host,
      port: dest.port,
      fingerprint: outcome.fingerprint,
    })
    if (pinned.ok) {
      accepted = true
      outcome = await testOnce(cli, req)
      error = isReport(outcome) ? outcome.error : outcome
    } else {
      error = pinned.error
    }
  }
  const report = isReport(outcome) ? outcome : undefined
  if (report?.connected && report.facts && !error) {
    const facts = report.facts
    if (req.json) {
      io.out(
        JSON.stringify({
          ...base,
          fingerprint: report.fingerprint,
          keyType: report.keyType,
          trusted: true,
          accepted,
          facts,
        }),
      )
    } else {
      const where = req.knownHostsFile ? t('cli.connect.andAddedTo', { file: req.knownHostsFile }) : ''
      io.out(t('cli.connect.connected', { user: dest.user, host: dest.host, port: dest.port }))
      const key = `${report.keyType ?? ''} ${report.fingerprint ?? ''}`
      io.out(
        `  ${accepted ? t('cli.connect.hostKeyNew', { key, dir: cli.dataDir, where }) : t('cli.connect.hostKeyTrusted', { key })}`,
      )
      io.out(
        `  ${t('cli.connect.system', { os: facts.os.prettyName || facts.os.id || t('cli.connect.unknown') })}`,
      )
      io.out(
        `  ${t('cli.connect.user', { user: facts.user, uid: facts.uid })}${facts.isRoot ? t('cli.connect.root') : ''}`,
      )
      io.out(`  ${t('cli.connect.sudo', { sudo: facts.sudo })}`)
      const docker = facts.docker.socketAccess
        ? t('cli.connect.dockerAccess')
        : facts.docker.socket
          ? t('cli.connect.dockerNoAccess')
          : t('cli.connect.dockerNoSocket')
      io.out(
        `  ${t('cli.connect.docker', { docker })}${facts.docker.cli ? '' : t('cli.connect.noDockerCli')}`,
      )
    }
    return CONNECT_EXIT.ok
  }
  const failure: AppError = error ?? { code: 'INTERNAL', message: 'The connection failed.', retryable: false }
  const d = failure.details ?? {}
  if (req.json) {
    io.out(
      JSON.stringify({
        ...base,
        ...(report?.fingerprint !== undefined ? { fingerprint: report.fingerprint } : {}),
        ...(report?.keyType !== undefined ? { keyType: report.keyType } : {}),
        trusted: false,
        accepted,
        error: failure,
      }),
    )
  } else {
    io.err(t('cli.common.error', { message: failure.message }))
    for (const [field, problem] of Object.entries(failure.fields ?? {})) io.err(`  ${field}: ${problem}`)
    if (failure.code === 'HOST_KEY_UNKNOWN') {
      io.err(
        `  ${t('cli.connect.fingerprintIs', { keyType: String(d.keyType), fingerprint: String(d.fingerprint) })}`,
      )
      const where = req.knownHostsFile ? t('cli.connect.andAddedTo', { file: req.knownHostsFile }) : ''
      io.err(`  ${t('cli.connect.compare', { dir: cli.dataDir, where })}`)
    } else if (failure.code === 'HOST_KEY_CHANGED' && d.expectedFingerprint !== undefined) {
      io.err(
        `  ${t('cli.connect.expected', { expected: String(d.expectedFingerprint), source: String(d.source), fingerprint: String(d.fingerprint) })}`,
      )
    }
    if (failure.hint) io.err(t('cli.common.whatToDo', { hint: failure.hint }))
  }
  return connectExitCode(failure)
}
