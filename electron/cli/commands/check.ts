import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import {
  CHECK_IDS,
  type CheckResult,
  type CheckStatus,
  type ModelRequirement,
  type RunChecksOutput,
} from '../../shared/checks'
import { profileSchema, validateSeedApiUrl } from '../../shared/profile'
import { LocalExecutor } from '../../core/checks/local-executor'
import { resolveNetworkModels } from '../../core/checks/governance'
import { runChecksOnProfile } from '../../core/checks/runner'
import { AppFailure } from '../../core/errors'
import { SshPool } from '../../core/ssh/pool'
import { HostKeyTrust } from '../../core/ssh/trust'
import type { RemoteExecutor, SecretProvider } from '../../core/ssh/types'
import { CliUsageError, parseOptions, type CliCommand } from '../io'

/** The profile file as the CLI reads it: the app's schema plus the proposed `knownHostsPath`. */
const cliProfileSchema = profileSchema.extend({ knownHostsPath: z.string().max(4096).optional() })

/** One line of `check --json`. */
export interface CheckJsonEntry {
  readonly host: string
  readonly check: string
  readonly status: CheckStatus
  readonly message: string
  readonly fix: string | null
  readonly command: string | null
}

/** The CLI's JSON form of a result. */
export function toJsonEntry(r: CheckResult): CheckJsonEntry {
  return {
    host: r.serverName,
    check: r.checkId,
    status: r.status,
    message: r.message,
    fix: r.fix?.text ?? null,
    command: r.fix?.command ?? null,
  }
}

/** Headless runs never prompt: key files without a passphrase and ssh-agent only. */
const noSecrets: SecretProvider = {
  password: () => Promise.resolve(undefined),
  passphrase: () => Promise.resolve(undefined),
  keyboardInteractive: () => Promise.resolve(undefined),
}

/** The chosen models' requirements and one line saying where they came from (for stderr). */
export interface CliModels {
  readonly models: ModelRequirement[]
  readonly source: RunChecksOutput['modelSource']
  readonly notes: string[]
}

/**
 * Resolves `--model` ids: against the seed's governance list when a seed is set (`--seed`, else the
 * profile's `seedApiUrl`), against the dated offline list when there is none or it cannot be read.
 */
export async function cliModels(
  ids: readonly string[],
  seedApiUrl: string | undefined,
  options: { timeoutMs?: number } = {},
): Promise<CliModels> {
  if (ids.length === 0) return { models: [], source: 'none', notes: [] }
  const { list, models, unknown } = await resolveNetworkModels(ids, seedApiUrl, options)
  const notes: string[] = []
  if (list.source === 'network') {
    notes.push(`Models: network list from ${list.seedApiUrl ?? ''} (read ${list.asOf}).`)
    for (const s of list.skipped ?? []) notes.push(`  not usable in the network list: ${s}`)
  } else if (list.error) {
    notes.push(
      `Models: offline list of ${list.asOf}, because the seed's list could not be read: ${list.error}`,
    )
  } else {
    notes.push(`Models: offline list of ${list.asOf} (no seed given; use --seed URL for the network's list).`)
  }
  if (unknown.length > 0) notes.push(`Unknown model(s) in the ${list.source} list: ${unknown.join(', ')}`)
  return { models, source: list.source, notes }
}

const MARK: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' }

/** `check`: runs every check on the profile's hosts; exit 1 when any check fails. */
export const checkCommand: CliCommand = {
  name: 'check',
  usage:
    'check --profile FILE [--json] [--seed URL] [--model ID ...] [--only CHECK_ID ...] [--known-hosts FILE]',
  summary: 'Run the prerequisite and network checks on every host of a profile.',
  help: [
    'Options:',
    '  --profile FILE      profile written by `profile init` (or exported by the app)',
    '  --json              one JSON entry per host and check: host, check, status, message, fix, command',
    "  --seed URL          seed node's public API to read the approved models from, e.g. http://node2.gonka.ai:8000",
    "                      (GET <seed>/v1/governance/models; default: the profile's seedApiUrl)",
    "  --model ID          model the ML nodes will serve (repeatable); checked against the seed's list,",
    '                      or the dated offline list when no seed is set or it cannot be read',
    '  --only CHECK_ID     re-run only this check (repeatable)',
    "  --known-hosts FILE  verify host keys against this file (default: the profile's, else ~/.ssh/known_hosts)",
    '  --skip-outside      do not test ports from this computer',
    'Host keys are always verified; an unknown or changed key fails the host with HOST_KEY_* and is never accepted here.',
    'Exit status: 0 when nothing failed (warnings allowed), 1 when a check failed, 2 on wrong usage.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      model: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      'known-hosts': { type: 'string' },
      'skip-outside': { type: 'boolean' },
    })
    if (!values.profile) throw new CliUsageError('--profile is required.')
    if (values.seed !== undefined) {
      const problem = values.seed.trim() === '' ? 'seedUrlInvalid' : validateSeedApiUrl(values.seed)
      if (problem)
        throw new CliUsageError(
          `--seed must be an http:// or https:// URL without user name, password, query or fragment (${problem}), e.g. http://node2.gonka.ai:8000.`,
        )
    }
    const only = values.only ?? []
    for (const id of only)
      if (!(CHECK_IDS as readonly string[]).includes(id)) throw new CliUsageError(`Unknown check id "${id}".`)
    let raw: unknown
    try {
      raw = JSON.parse(await readFile(values.profile, 'utf8'))
    } catch (error) {
      throw new CliUsageError(
        `Cannot read ${values.profile}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
    const parsed = cliProfileSchema.safeParse(raw)
    if (!parsed.success)
      throw new CliUsageError(
        `${values.profile} is not a valid profile: ${parsed.error.issues[0]?.message ?? ''}`,
      )
    const { knownHostsPath, ...profile } = parsed.data
    const chosen = await cliModels(values.model ?? [], values.seed ?? profile.seedApiUrl)
    for (const note of chosen.notes) io.err(note)
    let executor: RemoteExecutor
    let dispose = (): Promise<void> => Promise.resolve()
    // Development only: run the probe on this machine instead of over SSH.
    if (io.env.GHW_CHECK_EXECUTOR === 'local') {
      executor = new LocalExecutor()
    } else {
      const knownHosts = values['known-hosts'] ?? knownHostsPath ?? join(homedir(), '.ssh', 'known_hosts')
      const pool = new SshPool({
        trust: new HostKeyTrust(undefined, [knownHosts]),
        secrets: noSecrets,
        env: io.env,
      })
      executor = pool
      dispose = () => pool.dispose()
    }
    try {
      const out = await runChecksOnProfile({
        profile,
        executor,
        models: chosen.models,
        modelSource: chosen.source,
        ...(only.length > 0 ? { checkIds: only as (typeof CHECK_IDS)[number][] } : {}),
        settings: { skipOutside: values['skip-outside'] ?? false },
      })
      if (values.json) {
        io.out(JSON.stringify(out.results.map(toJsonEntry), null, 2))
      } else {
        const hostWidth = Math.max(4, ...out.results.map((r) => r.serverName.length))
        for (const r of out.results) {
          io.out(
            `${MARK[r.status]}  ${r.serverName.padEnd(hostWidth)}  ${r.checkId.padEnd(22)}  ${r.message}`,
          )
          if (r.fix && (r.status === 'fail' || r.status === 'warn')) {
            io.out(`${' '.repeat(hostWidth + 32)}fix: ${r.fix.text}`)
            if (r.fix.command)
              for (const line of r.fix.command.split('\n')) io.out(`${' '.repeat(hostWidth + 32)}  $ ${line}`)
          }
        }
        const n = (s: CheckStatus): number => out.results.filter((r) => r.status === s).length
        io.out(`\n${n('pass')} passed, ${n('warn')} warnings, ${n('fail')} failed, ${n('skip')} not checked.`)
      }
      return out.failed ? 1 : 0
    } catch (error) {
      if (error instanceof AppFailure) {
        io.err(`${error.code}: ${error.message}`)
        return 1
      }
      throw error
    } finally {
      await dispose()
    }
  },
}
