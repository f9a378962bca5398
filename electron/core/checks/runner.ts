import {
  CHECK_IDS,
  type CheckId,
  type CheckProgressData,
  type CheckResult,
  type CheckSettings,
  type CheckStatus,
  type HostRunSummary,
  type ModelRequirement,
  type PathResult,
  type RunChecksOutput,
} from '../../shared/checks'
import type { Profile, Server } from '../../shared/profile'
import { AppFailure, throwIfAborted } from '../errors'
import { targetOf as targetOfProfileServer } from '../ssh/targets'
import type { HostTarget, RemoteExecutor } from '../ssh/types'
import { checksForRole } from './catalogue'
import { createNetworkPhase, type NetworkHost } from './network'
import { parseListenOutput, parseProbeOutput, probeArgs, probeStdin } from './probe'
import { evaluateHost, HOST_RULE_IDS, toResult, type ServerRef } from './rules'

const DEFAULT_GPU_IMAGE = 'nvidia/cuda:12.6.0-base-ubuntu22.04'

/** Everything one run needs. */
export interface CheckRunOptions {
  readonly profile: Profile
  readonly executor: RemoteExecutor
  readonly models: readonly ModelRequirement[]
  readonly modelSource: RunChecksOutput['modelSource']
  readonly checkIds?: readonly CheckId[]
  readonly serverIds?: readonly string[]
  readonly settings?: CheckSettings
  readonly signal?: AbortSignal
  /** Streams each piece of the run as it is known. */
  readonly onProgress?: (data: CheckProgressData) => void
  /** Counts remote commands per host (benchmark). */
  readonly onExec?: (hostId: string) => void
  /**
   * Builds the SSH target of a server. Defaults to the one the connection layer uses: the profile's
   * fields with the ProxyJump chain resolved through `jumpHostId`, so checks reach the same hosts
   * (through the same pooled, verified hops) as "Test connection" does.
   */
  readonly targetOf?: (server: Server) => HostTarget
}

function refOf(server: Server): ServerRef {
  return {
    id: server.id,
    name: server.name || server.address,
    role: server.role,
    user: server.user,
    address: server.address,
  }
}

function count(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 }
  for (const r of results) counts[r.status] += 1
  return counts
}

/**
 * Runs the checks of a profile: one probe per host, all hosts at once, each host's results reported
 * as soon as its probe answers; then the network checks between hosts and from this computer.
 */
export async function runChecksOnProfile(options: CheckRunOptions): Promise<RunChecksOutput> {
  const startedAt = new Date().toISOString()
  const { profile, executor, signal } = options
  const emit = options.onProgress ?? (() => undefined)
  const targetOf = options.targetOf ?? ((server: Server) => targetOfProfileServer(server, profile.servers))
  const wanted = options.checkIds ? new Set(options.checkIds) : undefined
  const servers = profile.servers.filter((s) => !options.serverIds || options.serverIds.includes(s.id))
  if (servers.length === 0) throw new AppFailure('INVALID_INPUT', 'The profile has no servers to check.')
  const results: CheckResult[] = []
  const byHost = new Map<string, CheckResult[]>()
  const report = (result: CheckResult): void => {
    results.push(result)
    const list = byHost.get(result.serverId) ?? []
    list.push(result)
    byHost.set(result.serverId, list)
    emit({ type: 'result', result })
  }
  const errors = new Map<string, string>()

  // The network checks run as a pipeline beside the probes: a host's temporary listeners start in
  // its probe's own channel, and each connect starts as soon as both of its ends have answered.
  const netIds = new Set<CheckId>(
    (['net.callback', 'net.inference', 'net.poc', 'outside.public', 'outside.private'] as const).filter(
      (id) => !wanted || wanted.has(id),
    ),
  )
  const phase =
    netIds.size > 0
      ? createNetworkPhase({
          executor,
          hosts: servers.map((s) => ({ server: refOf(s), target: targetOf(s) }) satisfies NetworkHost),
          checkIds: netIds,
          skipOutside: options.settings?.skipOutside ?? false,
          ...(options.settings?.desktopLocation ? { desktopLocation: options.settings.desktopLocation } : {}),
          ...(signal ? { signal } : {}),
          onResult: report,
          ...(options.onExec ? { onExec: options.onExec } : {}),
        })
      : undefined

  const probes = Promise.all(
    servers.map(async (server) => {
      const ref = refOf(server)
      const ids = checksForRole(server.role).filter((id) => !wanted || wanted.has(id))
      emit({ type: 'host-start', serverId: server.id, checkIds: ids })
      const hostIds = ids.filter((id) => HOST_RULE_IDS.includes(id))
      const needsProbe = hostIds.length > 0 || ids.includes('ssh.connect') || !wanted
      if (!needsProbe) {
        phase?.listenWithoutProbe(server.id)
        return
      }
      const listen = phase?.listenRequest(server.id)
      let listenerMayRun = false
      try {
        throwIfAborted(signal)
        options.onExec?.(server.id)
        listenerMayRun = listen !== undefined
        const startMs = Date.now()
        const r = await executor.exec(
          targetOf(server),
          probeArgs(server.role, {
            ...(options.settings?.deployDir ? { deployDir: options.settings.deployDir } : {}),
            ...(options.settings?.hfHome ? { hfHome: options.settings.hfHome } : {}),
            gpuTestImage: options.settings?.gpuTestImage ?? DEFAULT_GPU_IMAGE,
          }),
          { stdin: probeStdin(listen), timeoutMs: 120_000, ...(signal ? { signal } : {}) },
        )
        const endMs = Date.now()
        let probe
        try {
          probe = parseProbeOutput(r.stdout)
        } catch (error) {
          const why =
            `${error instanceof Error ? error.message : String(error)} ${r.stderr.trim().slice(0, 200)}`.trim()
          report(
            toResult('ssh.connect', ref, {
              status: 'fail',
              msg: 'probeFailed',
              values: { error: why },
              fix: { variant: 'connect' },
            }),
          )
          errors.set(server.id, why)
          phase?.settle(server.id, { reachable: false }, listenerMayRun)
          return
        }
        const listeners = parseListenOutput(r.stdout)
        phase?.settle(
          server.id,
          listeners ? { reachable: true, listeners: listeners.ports } : { reachable: true },
          listenerMayRun,
        )
        if (!wanted || wanted.has('ssh.connect'))
          report(toResult('ssh.connect', ref, { status: 'pass', msg: 'ok' }))
        for (const result of evaluateHost(
          probe,
          {
            server: ref,
            models: options.models,
            gpuTestImage: options.settings?.gpuTestImage ?? DEFAULT_GPU_IMAGE,
            probeWindow: { startMs, endMs },
          },
          hostIds,
        )) {
          report(result)
        }
      } catch (error) {
        phase?.settle(server.id, { reachable: false }, listenerMayRun)
        if (error instanceof AppFailure && error.code === 'CANCELLED') throw error
        if (signal?.aborted) throw new AppFailure('CANCELLED', 'The operation was cancelled.')
        const message = error instanceof Error ? error.message : String(error)
        errors.set(server.id, message)
        report(
          toResult('ssh.connect', ref, {
            status: 'fail',
            msg: 'failed',
            values: { error: message },
            fix: { variant: 'connect' },
          }),
        )
      }
    }),
  )

  let paths: PathResult[] = []
  try {
    await probes
  } finally {
    // Always finish the phase (it stops every listener), even when a probe threw or was cancelled.
    if (phase) {
      const done = await phase.finish()
      paths = done.paths
    }
  }
  throwIfAborted(signal)
  if (phase) emit({ type: 'paths', paths })

  const hosts: HostRunSummary[] = servers.map((s) => {
    const summary: HostRunSummary = {
      serverId: s.id,
      serverName: s.name || s.address,
      role: s.role,
      counts: count(byHost.get(s.id) ?? []),
      ...(errors.has(s.id) ? { error: errors.get(s.id) } : {}),
    }
    emit({ type: 'host-done', summary })
    return summary
  })
  // Streamed in arrival order; returned in a stable order: servers as in the profile, checks as in
  // the catalogue, so tables and JSON read the same on every run.
  const serverIndex = new Map(servers.map((s, i) => [s.id, i]))
  const checkIndex = new Map<CheckId, number>(CHECK_IDS.map((id, i) => [id, i]))
  const ordered = [...results].sort(
    (a, b) =>
      (serverIndex.get(a.serverId) ?? 0) - (serverIndex.get(b.serverId) ?? 0) ||
      (checkIndex.get(a.checkId) ?? 0) - (checkIndex.get(b.checkId) ?? 0),
  )
  return {
    results: ordered,
    hosts,
    paths,
    failed: results.some((r) => r.status === 'fail'),
    modelSource: options.modelSource,
    startedAt,
    finishedAt: new Date().toISOString(),
  }
}
