import type { NodeRow, NodesListing } from '../../shared/nodes'
import { openCliService, unwrap } from '../cli-service'
import { CliUsageError, parseOptions, type CliCommand } from '../io'

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

const WORDS: Record<NodeRow['comparison'], string> = {
  registered: 'registered',
  missing: 'missing (in the profile, not registered)',
  unknown: 'unknown to the profile',
  different: 'registered with different settings',
}

function printListing(listing: NodesListing, out: (line: string) => void): void {
  out(`ML nodes known to the api on ${listing.networkServerId} (read through an SSH tunnel):`)
  if (listing.rows.length === 0) out('  (none, and the profile expects none)')
  for (const row of listing.rows) {
    const r = row.registered
    const e = row.expected
    const where = r
      ? `${r.host}:${r.inferencePort}/${r.pocPort}`
      : e
        ? `${e.host}:${e.inferencePort}/${e.pocPort}`
        : ''
    const state = r
      ? `${r.enabled === false ? 'disabled' : r.enabled === true ? 'enabled' : 'enabled?'}, ${r.currentStatus ?? 'UNKNOWN'}`
      : ''
    out(
      `  ${row.id.padEnd(16)} ${WORDS[row.comparison]}${row.differences.length ? ` (${row.differences.join(', ')})` : ''}`,
    )
    out(`  ${''.padEnd(16)} ${where}${state ? `  ${state}` : ''}`)
    if (r?.failureReason) out(`  ${''.padEnd(16)} failure: ${r.failureReason}`)
  }
  out(
    'node-config.json is read only on the api’s first start; later changes go through the admin API (this command).',
  )
}

/** `nodes`: the ML nodes registered with the network node's api. */
export const nodesCommand: CliCommand = {
  name: 'nodes',
  usage: 'nodes list --profile P [--json]',
  summary: 'List the ML nodes the network node knows and compare them with the profile.',
  help: [
    'Subcommands:',
    '  list   GET /admin/v1/nodes through an SSH tunnel to the network server’s 127.0.0.1:9200',
    '         (nothing is opened on any network), compared with the profile:',
    '         registered, missing, unknown to the profile, or registered with different settings.',
    'Options:',
    '  --profile P   a saved profile (id or name) or a profile file',
    '  --id ID       only this node',
    '  --json        {"networkServer", "expectedSource", "nodes":[{id, comparison, differences, host,',
    '                inferencePort, pocPort, enabled, currentStatus, failureReason, models}]}',
    'Adding, updating, enabling, disabling, removing and rehearsing nodes are not in this build: they are',
    'server changes and wait for the plan/apply engine.',
    'Exit status: 0 when every node is registered as the profile says, 1 when one is missing, unknown,',
    'different, or the api cannot be read, 2 on wrong usage.',
  ].join('\n'),
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub !== 'list')
      throw new CliUsageError(
        sub === undefined
          ? 'Give a subcommand: list.'
          : `Unknown or unavailable subcommand "${sub}" (available: list).`,
      )
    const { values } = parseOptions(rest, {
      profile: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean' },
    })
    if (!values.profile) throw new CliUsageError('--profile is required.')
    const cli = await openCliService(io)
    try {
      const profile = await cli.resolveProfile(values.profile)
      const listing = unwrap(await cli.service.invoke('listNodes', { profile }))
      const rows = values.id !== undefined ? listing.rows.filter((r) => r.id === values.id) : listing.rows
      if (values.id !== undefined && rows.length === 0) {
        io.err(`No node "${values.id}" in the profile or at the api.`)
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
      else printListing({ ...listing, rows }, (line) => io.out(line))
      return rows.every((r) => r.comparison === 'registered') ? 0 : 1
    } finally {
      await cli.close()
    }
  },
}
