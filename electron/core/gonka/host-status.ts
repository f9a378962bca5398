import type { GpuUse, HostStatus, NodeHealth, StatusCheck, StatusProblem } from '../../shared/nodes'
import {
  blockSyncDetailsSchema,
  mlnodeCheckDetailsSchema,
  type AdminNodeItem,
  type SetupReport,
} from './admin-api'
import { toRegisteredNode } from './nodes-view'
import {
  participantStatusName,
  type ChainHeight,
  type EpochLatest,
  type EpochParticipants,
  type Participant,
} from './public-api'

/** Setup report check ids we explain in the user's language (`status:check.<id>`). */
export const KNOWN_CHECKS = [
  'cold_key_configured',
  'cold_key_not_in_keyring',
  'warm_key_in_keyring',
  'warm_key_address_match',
  'permissions_granted',
  'feegrant_allowance',
  'consensus_key_match',
  'active_in_epoch',
  'validator_in_set',
  'missed_requests_threshold',
  'block_sync',
  'mlnode',
] as const

/** Seconds per block when the seed does not tell (Gonka's chain makes a block about every 6 s). */
export const DEFAULT_SECONDS_PER_BLOCK = 6

/** What was read for the status page; each part may be missing (its problem says why). */
export interface StatusParts {
  readonly networkServerId: string
  readonly now: Date
  readonly report?: SetupReport
  readonly nodes?: readonly AdminNodeItem[]
  readonly seedHeight?: ChainHeight
  readonly address?: string
  /** undefined = not asked; null = the seed does not know the address. */
  readonly participant?: Participant | null
  readonly epoch?: EpochLatest
  /** null = the seed answered 404 (empty active set). */
  readonly active?: EpochParticipants | null
  readonly problems: readonly StatusProblem[]
}

const KNOWN: ReadonlySet<string> = new Set(KNOWN_CHECKS)

function checkOf(raw: SetupReport['checks'][number]): StatusCheck {
  const node = /^mlnode_(.+)$/.exec(raw.id)
  const known = node ? 'mlnode' : KNOWN.has(raw.id) ? raw.id : undefined
  return {
    id: raw.id,
    status: raw.status.toUpperCase(),
    message: raw.message ?? '',
    ...(known ? { known } : {}),
    ...(node?.[1] ? { nodeId: node[1] } : {}),
  }
}

function toNumber(v: number | string | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? n : undefined
}

/** The cold key address the setup report names (in `permissions_granted`'s details). */
export function addressFromReport(report: SetupReport | undefined): string | undefined {
  const check = report?.checks.find((c) => c.id === 'permissions_granted')
  const details = check?.details
  if (details && typeof details === 'object') {
    const d = details as Record<string, unknown>
    const address = d.cold_key_address ?? d.granter
    if (typeof address === 'string' && address !== '') return address
  }
  return undefined
}

function gpusOf(details: unknown): { models: string[]; gpus: GpuUse[] } {
  const parsed = mlnodeCheckDetailsSchema.safeParse(details ?? {})
  if (!parsed.success) return { models: [], gpus: [] }
  const gpus = (parsed.data.gpus ?? []).map((g): GpuUse => {
    const used = g.used_memory_gb ?? g.used_gb ?? undefined
    const total = g.total_memory_gb ?? g.total_gb ?? undefined
    return {
      name: g.name ?? `GPU ${g.index ?? '?'}`,
      ...(used != null ? { usedGb: used } : {}),
      ...(total != null ? { totalGb: total } : {}),
      ...(g.utilization_percent != null ? { utilizationPercent: g.utilization_percent } : {}),
      ...(g.available != null ? { available: g.available } : {}),
    }
  })
  return { models: parsed.data.models ?? [], gpus }
}

/** Builds the status page's answer from what could be read. */
export function buildHostStatus(parts: StatusParts): HostStatus {
  const { report } = parts
  const checks = report?.checks.map(checkOf) ?? []
  // Nodes: every node the api knows, with the report's health check and GPUs where it has one.
  const byId = new Map<string, NodeHealth>()
  for (const item of parts.nodes ?? []) {
    const r = toRegisteredNode(item)
    byId.set(r.id, {
      id: r.id,
      models: r.models.map((m) => m.id),
      gpus: [],
      enabled: r.enabled,
      ...(r.currentStatus ? { currentStatus: r.currentStatus } : {}),
      ...(r.failureReason ? { failureReason: r.failureReason } : {}),
    })
  }
  for (const raw of report?.checks ?? []) {
    const id = /^mlnode_(.+)$/.exec(raw.id)?.[1]
    if (!id) continue
    const { models, gpus } = gpusOf(raw.details)
    const before = byId.get(id)
    byId.set(id, {
      ...(before ?? { id, models: [], gpus: [] }),
      id,
      healthy: raw.status.toUpperCase() === 'PASS',
      message: raw.message ?? '',
      models: models.length > 0 ? models : (before?.models ?? []),
      gpus,
      ...(gpus.length > 0 ? { gpuSource: 'report' as const } : {}),
    })
  }

  const syncCheck = report?.checks.find((c) => c.id === 'block_sync')
  const sync = blockSyncDetailsSchema.safeParse(syncCheck?.details ?? {})
  const localHeight = sync.success
    ? toNumber(sync.data.latest_height ?? sync.data.latest_block_height)
    : undefined
  const secondsSinceBlock = sync.success ? (sync.data.seconds_since_block ?? undefined) : undefined
  const seedHeight = parts.seedHeight?.height
  const behind =
    localHeight !== undefined && seedHeight !== undefined ? Math.max(0, seedHeight - localHeight) : undefined

  const epoch = parts.epoch
  const blockHeight = toNumber(epoch?.block_height)
  const nextPocBlock = toNumber(epoch?.next_epoch_stages?.poc_start ?? epoch?.epoch_stages?.next_poc_start)
  const perBlock = parts.seedHeight?.secondsPerBlock ?? DEFAULT_SECONDS_PER_BLOCK
  const nextPocAt =
    nextPocBlock !== undefined && blockHeight !== undefined && nextPocBlock >= blockHeight
      ? new Date(parts.now.getTime() + (nextPocBlock - blockHeight) * perBlock * 1000).toISOString()
      : undefined

  const address = parts.address
  const me = parts.active?.active_participants?.participants?.find((p) => p.index === address)
  const participant = parts.participant

  return {
    checkedAt: parts.now.toISOString(),
    networkServerId: parts.networkServerId,
    passed: report?.overall_status.toUpperCase() === 'PASS',
    ...(report
      ? {
          report: {
            overall: report.overall_status.toUpperCase(),
            ...(report.generated_at ? { generatedAt: report.generated_at } : {}),
            checks,
            issues: report.summary?.issues ?? [],
            recommendations: report.summary?.recommendations ?? [],
          },
        }
      : {}),
    ...(localHeight !== undefined || seedHeight !== undefined
      ? {
          sync: {
            ...(localHeight !== undefined ? { localHeight } : {}),
            ...(seedHeight !== undefined ? { seedHeight } : {}),
            ...(behind !== undefined ? { behind } : {}),
            ...(behind !== undefined ? { catchingUp: behind > 10 } : {}),
            ...(secondsSinceBlock !== undefined ? { secondsSinceBlock } : {}),
          },
        }
      : {}),
    ...(address ? { address } : {}),
    ...(participant !== undefined
      ? {
          participant:
            participant === null
              ? { found: false }
              : {
                  found: true,
                  status: participantStatusName(participant.status),
                  ...(participant.inference_url ? { inferenceUrl: participant.inference_url } : {}),
                  ...(participant.weight != null ? { weight: participant.weight } : {}),
                  ...(participant.epochs_completed != null
                    ? { epochsCompleted: participant.epochs_completed }
                    : {}),
                },
        }
      : {}),
    ...(epoch
      ? {
          epoch: {
            ...(epoch.latest_epoch?.index != null ? { index: epoch.latest_epoch.index } : {}),
            ...(epoch.phase ? { phase: epoch.phase } : {}),
            ...(blockHeight !== undefined ? { blockHeight } : {}),
            ...(nextPocBlock !== undefined ? { nextPocBlock } : {}),
            ...(nextPocAt ? { nextPocAt } : {}),
          },
        }
      : {}),
    ...(parts.active !== undefined && address
      ? {
          activeSet: {
            active: me !== undefined,
            ...(me?.weight != null ? { weight: me.weight } : {}),
            ...(parts.active?.active_participants?.epoch_id != null
              ? { epochId: parts.active.active_participants.epoch_id }
              : {}),
          },
        }
      : {}),
    nodes: [...byId.values()],
    problems: parts.problems,
  }
}

/** A change worth a notification between two status reads (a node failing, the host becoming active). */
export interface StatusChange {
  readonly kind:
    'node-failed' | 'node-recovered' | 'host-active' | 'host-inactive' | 'report-passed' | 'report-failed'
  readonly nodeId?: string
}

/** What changed from `before` to `after` that the user should be told. */
export function statusChanges(before: HostStatus | undefined, after: HostStatus): StatusChange[] {
  if (!before) return []
  const out: StatusChange[] = []
  const old = new Map(before.nodes.map((n) => [n.id, n]))
  for (const n of after.nodes) {
    const was = old.get(n.id)
    if (!was) continue
    if (was.healthy !== false && n.healthy === false) out.push({ kind: 'node-failed', nodeId: n.id })
    if (was.healthy === false && n.healthy === true) out.push({ kind: 'node-recovered', nodeId: n.id })
  }
  if (before.activeSet && after.activeSet && before.activeSet.active !== after.activeSet.active)
    out.push({ kind: after.activeSet.active ? 'host-active' : 'host-inactive' })
  if (before.report && after.report && before.passed !== after.passed)
    out.push({ kind: after.passed ? 'report-passed' : 'report-failed' })
  return out
}

/** The `nvidia-smi` query the status page runs when the report has no GPUs of a node. */
export const NVIDIA_SMI_QUERY = [
  'nvidia-smi',
  '--query-gpu=name,memory.used,memory.total,utilization.gpu',
  '--format=csv,noheader,nounits',
] as const

/** Parses {@link NVIDIA_SMI_QUERY}'s output (MiB → GB); lines it cannot read are skipped. */
export function parseNvidiaSmi(stdout: string): GpuUse[] {
  const out: GpuUse[] = []
  for (const line of stdout.split('\n')) {
    const parts = line.split(',').map((p) => p.trim())
    if (parts.length < 4 || parts[0] === '') continue
    const num = (v: string | undefined): number | undefined => {
      const n = Number(v)
      return v !== undefined && v !== '' && Number.isFinite(n) ? n : undefined
    }
    const used = num(parts[1])
    const total = num(parts[2])
    const util = num(parts[3])
    out.push({
      name: parts[0] ?? '',
      ...(used !== undefined ? { usedGb: Math.round((used / 1024) * 10) / 10 } : {}),
      ...(total !== undefined ? { totalGb: Math.round((total / 1024) * 10) / 10 } : {}),
      ...(util !== undefined ? { utilizationPercent: util } : {}),
    })
  }
  return out
}
