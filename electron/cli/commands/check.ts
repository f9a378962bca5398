import {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  type NetworkModels,
  type RunChecksOutput,
} from '../../shared/checks'
import { validateSeedApiUrl } from '../../shared/profile'
import type { AppService } from '../../core/service'
import { CliServiceError, followRun, newRunId, openCliService, printFailure, unwrap } from '../cli-service'
import { CliUsageError, parseOptions, type CliCommand } from '../io'
import { renderText } from '../../core/checks/texts'
import type { Language } from '../../shared/settings'
import { cliLanguage } from '../language'
import { cliText, textsFor } from '../texts'

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

/** The model list `--model` ids are checked against, and the lines saying where it came from (stderr). */
export interface CliModels {
  /** The list the service resolves the ids against (none when no model was chosen). */
  readonly list?: NetworkModels
  readonly source: NetworkModels['source'] | 'none'
  readonly notes: string[]
}

/** The stderr lines that say which model list a run uses and which ids it does not know. */
export function modelNotes(list: NetworkModels, ids: readonly string[], language: Language = 'en'): string[] {
  const t = (key: Parameters<typeof cliText>[1], params?: Record<string, string | number>): string =>
    cliText(language, key, params)
  const notes: string[] = []
  if (list.source === 'network') {
    notes.push(t('cli.check.modelsNetwork', { seed: list.seedApiUrl ?? '', asOf: list.asOf }))
    for (const s of list.skipped ?? []) notes.push(`  ${t('cli.check.notUsable', { model: s })}`)
  } else if (list.error) {
    notes.push(t('cli.check.modelsOfflineError', { asOf: list.asOf, error: list.error }))
  } else {
    notes.push(t('cli.check.modelsOffline', { asOf: list.asOf }))
  }
  const known = new Set(list.models.map((m) => m.id.toLowerCase()))
  const unknown = ids.filter((id) => !known.has(id.toLowerCase()))
  if (unknown.length > 0)
    notes.push(t('cli.check.unknownModels', { source: list.source, models: unknown.join(', ') }))
  return notes
}

/**
 * The list `--model` ids are resolved against, read once through the service's `getNetworkModels`:
 * the seed's governance list (`--seed`, else the profile's `seedApiUrl`), or the dated offline list
 * when there is none or it cannot be read. Nothing is read when no model was chosen.
 */
export async function cliModels(
  service: AppService,
  ids: readonly string[],
  seedApiUrl: string | undefined,
  language: Language = 'en',
): Promise<CliModels> {
  if (ids.length === 0) return { source: 'none', notes: [] }
  const seed = seedApiUrl?.trim() ?? ''
  const list = unwrap(await service.invoke('getNetworkModels', seed !== '' ? { seedApiUrl: seed } : {}))
  return { list, source: list.source, notes: modelNotes(list, ids, language) }
}

const MARK: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' }

/** Prints the results as a table for people, in `language` (the JSON output stays English). */
export function printTable(
  out: Pick<RunChecksOutput, 'results'>,
  line: (text: string) => void,
  language: Language,
): void {
  const hostWidth = Math.max(4, ...out.results.map((r) => r.serverName.length))
  for (const r of out.results) {
    const message = language === 'en' ? r.message : renderText(language, r.messageKey, r.messageValues)
    line(`${MARK[r.status]}  ${r.serverName.padEnd(hostWidth)}  ${r.checkId.padEnd(22)}  ${message}`)
    if (r.fix && (r.status === 'fail' || r.status === 'warn')) {
      const fix = language === 'en' ? r.fix.text : renderText(language, r.fix.key, r.messageValues)
      line(`${' '.repeat(hostWidth + 32)}fix: ${fix}`)
      if (r.fix.command)
        for (const cmd of r.fix.command.split('\n')) line(`${' '.repeat(hostWidth + 32)}  $ ${cmd}`)
    }
  }
  const n = (s: CheckStatus): number => out.results.filter((r) => r.status === s).length
  line(
    `\n${cliText(language, 'cli.check.summary', { pass: n('pass'), warn: n('warn'), fail: n('fail'), skip: n('skip') })}`,
  )
}

/** `check`: runs every check on the profile's hosts through the service; exit 1 when any check fails. */
export const checkCommand: CliCommand = {
  name: 'check',
  usage:
    'check --profile NAME|FILE [--json] [--seed URL] [--model ID ...] [--only CHECK_ID ...] [--known-hosts FILE] [--skip-outside] [--progress]',
  async run(args, io) {
    const t = textsFor(io.env)
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      model: { type: 'string', multiple: true },
      only: { type: 'string', multiple: true },
      'known-hosts': { type: 'string' },
      'skip-outside': { type: 'boolean' },
      progress: { type: 'boolean' },
    })
    if (values.profile === undefined) throw new CliUsageError(t('cli.common.profileRequired'))
    if (values.seed !== undefined) {
      const problem = values.seed.trim() === '' ? 'seedUrlInvalid' : validateSeedApiUrl(values.seed)
      if (problem) throw new CliUsageError(t('cli.check.seedInvalid', { problem }))
    }
    const only = values.only ?? []
    for (const id of only)
      if (!(CHECK_IDS as readonly string[]).includes(id))
        throw new CliUsageError(t('cli.check.unknownCheck', { id }))
    const cli = await openCliService(io, { knownHosts: [values['known-hosts']] })
    try {
      const profile = await cli.resolveProfile(values.profile)
      const ids = values.model ?? []
      const chosen = await cliModels(cli.service, ids, values.seed ?? profile.seedApiUrl, cliLanguage(io.env))
      for (const note of chosen.notes) io.err(note)
      const runId = newRunId('check')
      // Results stream as progress; the table is printed at the end in profile and catalogue order.
      const stop = values.progress ? followRun(cli, io, runId) : () => undefined
      let result
      try {
        result = await cli.service.invoke(
          'runChecks',
          {
            profile,
            ...(ids.length > 0 ? { modelIds: ids, models: chosen.list?.models ?? [] } : {}),
            ...(only.length > 0 ? { checkIds: only as CheckId[] } : {}),
            settings: { skipOutside: values['skip-outside'] ?? false },
          },
          { runId },
        )
      } finally {
        stop()
      }
      if (!result.ok) {
        printFailure(io, result.error)
        return result.error.code === 'INVALID_INPUT' ? 2 : 1
      }
      const out = result.value
      if (values.json) io.out(JSON.stringify(out.results.map(toJsonEntry), null, 2))
      else printTable(out, (text) => io.out(text), cliLanguage(io.env))
      return out.failed ? 1 : 0
    } catch (error) {
      if (error instanceof CliServiceError) {
        printFailure(io, error.error)
        return 1
      }
      throw error
    } finally {
      await cli.close()
    }
  },
}
