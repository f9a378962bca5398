import type { DeployPlan, I18nText } from '../../shared/deploy'
import type { NodeChange, NodeRow, NodesListing, RehearsalResult } from '../../shared/nodes'
import type { ProgressEvent } from '../../shared/progress'
import type { Profile } from '../../shared/profile'
import { renderDeployText } from '../../core/deploy/texts'
import {
  CliServiceError,
  newRunId,
  openCliService,
  printFailure,
  unwrap,
  type CliService,
} from '../cli-service'
import { CliUsageError, parseOptions, type CliCommand, type CliIo } from '../io'
import { cliLanguage } from '../language'
import { confirmAndApply, EXIT, type PlanApplyJson } from '../plan-apply'
import { textsFor, type CliTextKey } from '../texts'

type Texts = ReturnType<typeof textsFor>

/** One line of `nodes list --json`'s `nodes`. */
export interface NodeJsonEntry {
  readonly id: string
  readonly comparison: NodeRow['comparison']
  readonly differences: readonly string[]
  readonly host: string | null
  readonly inferencePort: number | null
  readonly pocPort: number | null
  readonly enabled: boolean | null
  readonly currentStatus: string | null
  readonly failureReason: string | null
  readonly models: readonly string[]
}

/** The JSON form of one row. */
export function nodeJson(row: NodeRow): NodeJsonEntry {
  const r = row.registered
  const e = row.expected
  return {
    id: row.id,
    comparison: row.comparison,
    differences: row.differences,
    host: r?.host ?? e?.host ?? null,
    inferencePort: r?.inferencePort ?? e?.inferencePort ?? null,
    pocPort: r?.pocPort ?? e?.pocPort ?? null,
    enabled: r?.enabled ?? null,
    currentStatus: r?.currentStatus ?? null,
    failureReason: r?.failureReason ?? null,
    models: (r?.models ?? e?.models ?? []).map((m) => m.id),
  }
}

const WORDS: Record<NodeRow['comparison'], CliTextKey> = {
  registered: 'cli.nodes.comparison.registered',
  missing: 'cli.nodes.comparison.missing',
  unknown: 'cli.nodes.comparison.unknown',
  different: 'cli.nodes.comparison.different',
}

function printListing(listing: NodesListing, out: (line: string) => void, t: Texts): void {
  out(t('cli.nodes.listHeader', { server: listing.networkServerId }))
  if (listing.rows.length === 0) out(`  ${t('cli.nodes.listNone')}`)
  for (const row of listing.rows) {
    const r = row.registered
    const e = row.expected
    const where = r
      ? `${r.host}:${r.inferencePort}/${r.pocPort}`
      : e
        ? `${e.host}:${e.inferencePort}/${e.pocPort}`
        : ''
    const state = r
      ? `${t(r.enabled === false ? 'cli.nodes.disabled' : r.enabled === true ? 'cli.nodes.enabled' : 'cli.nodes.enabledUnknown')}, ${r.currentStatus ?? 'UNKNOWN'}`
      : ''
    out(
      `  ${row.id.padEnd(16)} ${t(WORDS[row.comparison])}${row.differences.length ? ` (${row.differences.join(', ')})` : ''}`,
    )
    out(`  ${''.padEnd(16)} ${where}${state ? `  ${state}` : ''}`)
    if (r?.failureReason) out(`  ${''.padEnd(16)} ${t('cli.nodes.failure', { reason: r.failureReason })}`)
  }
  out(t('cli.nodes.listFooter'))
}

/** `nodes`: the ML nodes registered with the network node's api. */
export const nodesCommand: CliCommand = {
  name: 'nodes',
  usage:
    'nodes list --profile P [--json] | nodes add|update|enable|disable|remove --profile P [--id ID] [--json] [--yes] | nodes rehearse --profile P --id ID [--callback URL] [--wait S] [--json] [--yes]',
  async run(args, io) {
    const t = textsFor(io.env)
    const [sub, ...rest] = args
    if (sub === 'rehearse') return runRehearse(rest, io)
    if (sub !== undefined && sub in CHANGES) return runChange(CHANGES[sub] ?? 'register', sub, rest, io)
    if (sub !== 'list')
      throw new CliUsageError(
        sub === undefined ? t('cli.nodes.noSubcommand') : t('cli.nodes.unknownSubcommand', { sub }),
      )
    const { values } = parseOptions(rest, {
      profile: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean' },
    })
    if (!values.profile) throw new CliUsageError(t('cli.common.profileRequired'))
    const cli = await openCliService(io)
    try {
      const profile = await cli.resolveProfile(values.profile)
      const listing = unwrap(await cli.service.invoke('listNodes', { profile }))
      const rows = values.id !== undefined ? listing.rows.filter((r) => r.id === values.id) : listing.rows
      if (values.id !== undefined && rows.length === 0) {
        io.err(t('cli.nodes.noSuchNode', { id: values.id }))
        return 1
      }
      if (values.json)
        io.out(
          JSON.stringify({
            networkServer: listing.networkServerId,
            expectedSource: listing.expectedSource,
            nodes: rows.map(nodeJson),
          }),
        )
      else printListing({ ...listing, rows }, (line) => io.out(line), t)
      return rows.every((r) => r.comparison === 'registered') ? 0 : 1
    } finally {
      await cli.close()
    }
  },
}

const CHANGES: Readonly<Record<string, NodeChange>> = {
  add: 'register',
  update: 'update',
  enable: 'enable',
  disable: 'disable',
  remove: 'remove',
}

async function planChange(
  cli: CliService,
  profile: Profile,
  change: NodeChange,
  id: string | undefined,
  host: string | undefined,
  waitSeconds?: number,
  callbackUrl?: string,
): Promise<DeployPlan> {
  return unwrap(
    await cli.service.invoke(
      'planNodes',
      {
        profile,
        change,
        ...(id !== undefined ? { nodeId: id } : {}),
        ...(host !== undefined ? { host } : {}),
        ...(waitSeconds !== undefined ? { waitSeconds } : {}),
        ...(callbackUrl !== undefined ? { callbackUrl } : {}),
        ...(change === 'remove' ? { confirm: true as const } : {}),
      },
      { runId: newRunId('nodes-plan') },
    ),
  )
}

/** `nodes add|update|enable|disable|remove`: a plan through the engine, shown, approved, applied. */
async function runChange(
  change: NodeChange,
  sub: string,
  rest: readonly string[],
  io: CliIo,
): Promise<number> {
  const { values } = parseOptions([...rest], {
    profile: { type: 'string' },
    id: { type: 'string' },
    host: { type: 'string' },
    wait: { type: 'string' },
    json: { type: 'boolean' },
    yes: { type: 'boolean' },
  })
  const t = textsFor(io.env)
  if (!values.profile) throw new CliUsageError(t('cli.common.profileRequired'))
  const wait = values.wait === undefined ? undefined : Number(values.wait)
  if (wait !== undefined && (change !== 'update' || !Number.isInteger(wait) || wait < 5 || wait > 3600))
    throw new CliUsageError(t('cli.nodes.waitUpdate'))
  if (change !== 'register' && change !== 'update' && values.id === undefined)
    throw new CliUsageError(t('cli.nodes.needsId', { sub }))
  if (values.host !== undefined && values.id === undefined)
    throw new CliUsageError(t('cli.nodes.hostNeedsId'))
  if (change === 'remove' && values.yes !== true) {
    io.err(t('cli.nodes.removeNeedsYes'))
    return 2
  }
  const cli = await openCliService(io)
  try {
    const profile = await cli.resolveProfile(values.profile)
    const plan = await planChange(cli, profile, change, values.id, values.host, wait)
    const outcome = await confirmAndApply(cli, io, plan, {
      yes: values.yes === true,
      json: values.json === true,
      refuseBlocked: true,
      runPrefix: 'nodes',
      emptyMessage: t('cli.nodes.nothingToChange'),
      doneMessage: t('cli.nodes.done'),
    })
    return outcome.exitCode
  } catch (error) {
    if (error instanceof CliServiceError) {
      printFailure(io, error.error)
      return 1
    }
    throw error
  } finally {
    await cli.close()
  }
}

const CAUSE_WORDS: Record<NonNullable<RehearsalResult['cause']>, CliTextKey> = {
  callbackWrongUrl: 'cli.nodes.cause.callbackWrongUrl',
  callbackUnreachable: 'cli.nodes.cause.callbackUnreachable',
  callbackRejected: 'cli.nodes.cause.callbackRejected',
  gpuError: 'cli.nodes.cause.gpuError',
  generateFailed: 'cli.nodes.cause.generateFailed',
  noBatches: 'cli.nodes.cause.noBatches',
}

/** Why a rehearsal plan is refused (`deploy.node.change.rehearseRefused.<reason>`), when it is. */
export function rehearsalRefusal(plan: DeployPlan): string | undefined {
  const prefix = 'deploy.node.change.rehearseRefused.'
  for (const c of plan.hosts.flatMap((h) => h.changes))
    if (c.kind === 'blocked' && c.summary.key.startsWith(prefix)) return c.summary.key.slice(prefix.length)
  return undefined
}

/** The rehearsal's result in an apply's actions (its action's `output`), when it ran. */
function rehearsalOf(outputs: readonly unknown[]): RehearsalResult | undefined {
  return outputs.find(
    (o): o is RehearsalResult =>
      typeof o === 'object' && o !== null && typeof (o as { received?: unknown }).received === 'boolean',
  )
}

/**
 * Shows the rehearsal's plan, gets it approved (or refuses it when blocked), applies it through
 * {@link confirmAndApply} and prints its result; the exit code and --json line as `nodes rehearse --help` says.
 */
export async function rehearseWithPlan(
  cli: Pick<CliService, 'service'>,
  io: CliIo,
  plan: DeployPlan,
  options: { readonly yes: boolean; readonly json: boolean; readonly nodeId: string },
): Promise<number> {
  const { json } = options
  const language = cliLanguage(io.env)
  const t = textsFor(io.env)
  // The one --json line of confirmAndApply, completed with the rehearsal's own fields.
  const lines: string[] = []
  const inner: CliIo = {
    out: (line) => (json ? lines.push(line) : io.out(line)),
    err: (line) => io.err(line),
    stdin: io.stdin,
    env: io.env,
    ...(io.terminal !== undefined ? { terminal: io.terminal } : {}),
  }
  const outcome = await confirmAndApply(cli, inner, plan, {
    yes: options.yes,
    json,
    refuseBlocked: true,
    runPrefix: 'nodes-rehearse',
    doneMessage: t('cli.nodes.rehearsalRan', { id: options.nodeId }),
    onEvent: (e: ProgressEvent) => {
      if (e.kind === 'progress') {
        const title = (e.data as { title?: I18nText } | undefined)?.title
        if (title) io.err(`[${e.stepId}] ${renderDeployText(title, language)}`)
      } else if (e.kind !== 'log') io.err(`[${e.stepId}] ${e.kind}${e.detail ? `: ${e.detail}` : ''}`)
    },
  })
  const result = rehearsalOf(outcome.result?.actions.map((a) => a.output) ?? [])
  const refused = rehearsalRefusal(plan)
  if (json) {
    const answer: PlanApplyJson & Partial<RehearsalResult> & { refused?: string } = {
      ...outcome.json,
      ...(result ?? {}),
      ...(refused !== undefined && outcome.result === undefined ? { refused } : {}),
    }
    io.out(JSON.stringify(answer))
  } else if (result) {
    const v = result
    io.out(t('cli.nodes.callback', { url: v.callbackUrl, source: v.callbackSource, batchUrl: v.batchUrl }))
    if (v.received) io.out(t('cli.nodes.received', { batches: v.batches, id: v.nodeId }))
    else {
      io.out(t('cli.nodes.notReceived', { id: v.nodeId }))
      if (v.cause) io.out(t('cli.nodes.cause.line', { cause: v.cause, words: t(CAUSE_WORDS[v.cause]) }))
    }
    if (v.evidence) io.out(`  ${v.evidence}`)
  }
  if (outcome.exitCode === EXIT.ok && result && !result.received) return EXIT.failed
  return outcome.exitCode
}

/** `nodes rehearse --profile P --id ID --yes`: the PoC rehearsal of one node that serves no epoch, as a plan. */
async function runRehearse(rest: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions([...rest], {
    profile: { type: 'string' },
    id: { type: 'string' },
    callback: { type: 'string' },
    wait: { type: 'string' },
    json: { type: 'boolean' },
    yes: { type: 'boolean' },
  })
  const t = textsFor(io.env)
  if (!values.profile) throw new CliUsageError(t('cli.common.profileRequired'))
  if (values.id === undefined) throw new CliUsageError(t('cli.nodes.rehearseNeedsId'))
  const wait = values.wait === undefined ? undefined : Number(values.wait)
  if (wait !== undefined && (!Number.isInteger(wait) || wait < 3 || wait > 300))
    throw new CliUsageError(t('cli.nodes.waitRehearse'))
  const json = values.json === true
  const cli = await openCliService(io)
  try {
    const profile = await cli.resolveProfile(values.profile)
    const plan = await planChange(cli, profile, 'rehearse', values.id, undefined, wait, values.callback)
    return await rehearseWithPlan(cli, io, plan, { yes: values.yes === true, json, nodeId: values.id })
  } catch (error) {
    if (error instanceof CliServiceError) {
      printFailure(io, error.error)
      return 1
    }
    throw error
  } finally {
    await cli.close()
  }
}
