import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import type { DeployPlan } from '../../shared/deploy'
import type { HostStatus, NodesListing, RehearsalResult, StatusProblem } from '../../shared/nodes'
import { requestThrough } from '../gonka/rehearsal'
import { rehearsalAction } from '../gonka/rehearsal-action'
import { ActionOutputs } from '../deploy/action-outputs'
import { safeUpdateNodeAction } from '../gonka/safe-update'
import { expandHome, remoteHome } from '../deploy/remote-file'
import { resolveNetworkModels } from '../checks/governance'
import { DeployEngine } from '../deploy/engine'
import { gonkaMarkerStore } from '../deploy/gonka-actions'
import { LocalJournal } from '../deploy/journal'
import type { Logger } from '../log'
import { adminChangeAction, registerNodeAction, type NodeActionDeps } from '../gonka/node-actions'
import type { PlanRegistry } from './deploy'
import type { Profile } from '../../shared/profile'
import { AppFailure, toAppError } from '../errors'
import { AdminApiClient, ADMIN_API_PORT, tunnelAgent } from '../gonka/admin-api'
import {
  addressFromReport,
  buildHostStatus,
  NVIDIA_SMI_QUERY,
  parseNvidiaSmi,
  type StatusParts,
} from '../gonka/host-status'
import { bareHost, compareNodes, expectedNodes, networkServerOf, toRegisteredNode } from '../gonka/nodes-view'
import { PublicApiClient } from '../gonka/public-api'
import type { Handlers } from '../handler-types'
import type { SshPool } from '../ssh/pool'
import { targetOf } from '../ssh/targets'
import type { HostTarget } from '../ssh/types'
import type { ProfileStore } from '../storage/profile-store'

function isSshPool(pool: TunnelOpener): pool is SshPool {
  return (
    typeof (pool as Partial<SshPool>).exec === 'function' &&
    typeof (pool as Partial<SshPool>).withSftp === 'function'
  )
}

/** The pooled connections' tunnel opener (a narrow view of {@link SshPool}). */
export type TunnelOpener = Pick<SshPool, 'forwardOut'>

/**
 * The admin API of the profile's network server, reached through an SSH tunnel over the pooled
 * connection to its own 127.0.0.1:9200 (nothing is opened on any network, here or there).
 */
export function adminClientFor(
  pool: TunnelOpener,
  profile: Profile,
  signal?: AbortSignal,
): { client: AdminApiClient; serverId: string; target: HostTarget } {
  const server = networkServerOf(profile)
  if (!server)
    throw new AppFailure('INVALID_INPUT', `Profile "${profile.name}" has no network server.`, {
      hint: 'Add the network server in step 1.',
    })
  const target = targetOf(server, profile.servers)
  const agent = tunnelAgent(() => pool.forwardOut(target, '127.0.0.1', ADMIN_API_PORT, signal))
  return {
    client: new AdminApiClient({ baseUrl: `http://127.0.0.1:${ADMIN_API_PORT}`, agent }),
    serverId: server.id,
    target,
  }
}

function problem(part: StatusProblem['part'], error: unknown): StatusProblem {
  const e = toAppError(error)
  if (e.code === 'CANCELLED') throw error
  return { part, code: e.code, message: e.message }
}

/** Handlers of steps 7 (ML nodes: listing, and plans through the deploy engine) and 8 (status). */
export function createNodeHandlers(deps: {
  profiles: ProfileStore
  pool: () => TunnelOpener | undefined
  now?: () => Date
  /** Where node plans are held for `applyPlan`; without it `planNodes` is unsupported. */
  plans?: PlanRegistry
  dataDir?: string
  log?: Logger
}): Handlers<'listNodes' | 'getStatus' | 'planNodes'> {
  const now = deps.now ?? (() => new Date())
  const poolOf = (): TunnelOpener => {
    const pool = deps.pool()
    if (!pool) throw new AppFailure('UNSUPPORTED', 'The admin API needs the SSH connection layer.')
    return pool
  }
  return {
    async planNodes(input, call): Promise<DeployPlan> {
      const pool = poolOf()
      if (!deps.plans || deps.dataDir === undefined || !isSshPool(pool))
        throw new AppFailure('UNSUPPORTED', 'Node plans need the deploy engine and the SSH connection layer.')
      const profile = input.profile ?? (await deps.profiles.load(input.profileId ?? ''))
      const { client, serverId, target } = adminClientFor(pool, profile, call.signal)
      const expected = expectedNodes(profile).nodes
      let governance: Promise<readonly string[] | undefined> | undefined
      const actionDeps: NodeActionDeps = {
        client,
        networkServerId: serverId,
        exec: pool,
        target,
        governanceModels: (signal) => {
          // Read once per plan; without a seed the models are not checked here (the api checks them).
          const seed = profile.seedApiUrl?.trim() ?? ''
          if (seed === '') return Promise.resolve(undefined)
          governance ??= resolveNetworkModels([], seed, { signal }).then((r) =>
            r.source === 'network' ? r.list.models.map((m) => m.id) : undefined,
          )
          return governance
        },
      }
      const journal = new LocalJournal(deps.dataDir)
      let actions
      if (input.change === 'update') {
        const chosen =
          input.nodeId === undefined ? expected : expected.filter((n) => n.nodeId === input.nodeId)
        if (chosen.length === 0)
          throw new AppFailure(
            'NOT_FOUND',
            `Profile "${profile.name}" has no ML node ${input.nodeId ?? ''}.`,
            {
              hint: 'Add the ML servers in step 1 and their nodes in step 4.',
            },
          )
        const registered = new Set((await client.listNodes(call.signal)).map((i) => i.node.id))
        const dirSetting = (profile as { deployment?: { dir?: string } }).deployment?.dir?.trim() || '~/gonka'
        let previous: string | undefined
        actions = chosen.map((given) => {
          if (!registered.has(given.nodeId))
            return registerNodeAction(
              actionDeps,
              given,
              input.host !== undefined ? { rawHost: input.host } : {},
            )
          // A host given for this node replaces the profile's (made bare, as registration does).
          const n = input.host !== undefined ? { ...given, host: bareHost(input.host).host } : given
          const mlServer = profile.servers.find((s) => s.id === n.serverId)
          const mlTarget = mlServer ? targetOf(mlServer, profile.servers) : target
          const healthAgent = tunnelAgent(() => pool.forwardOut(target, n.host, n.pocPort, call.signal))
          let join: Promise<string> | undefined
          const action = safeUpdateNodeAction(
            {
              ...actionDeps,
              pool,
              mlTarget,
              mlJoinDir: (signal) => {
                join ??= remoteHome(pool, mlTarget, signal).then((home) =>
                  posix.join(posix.normalize(expandHome(dirSetting, home)), 'deploy', 'join'),
                )
                return join.catch(() => undefined)
              },
              mlHealth: (signal) =>
                requestThrough(healthAgent, n.host, n.pocPort, 'GET', '/health', undefined, signal),
              journal: () => journal.read(profile.id),
              ...(input.waitSeconds !== undefined
                ? { drainSeconds: input.waitSeconds, healthSeconds: input.waitSeconds }
                : {}),
            },
            n,
            previous,
          )
          previous = action.id
          return action
        })
      } else if (input.change === 'rehearse') {
        const node = expected.find((n) => n.nodeId === input.nodeId)
        if (!node)
          throw new AppFailure(
            'NOT_FOUND',
            `Profile "${profile.name}" has no ML node ${input.nodeId ?? ''}.`,
            {
              hint: 'Add the ML servers in step 1 and their nodes in step 4.',
            },
          )
        const mlServer = profile.servers.find((s) => s.id === node.serverId)
        const mlTarget = mlServer ? targetOf(mlServer, profile.servers) : target
        // The ML node's management port, reached from the network server (a tunnel through it).
        const agent = tunnelAgent(() => pool.forwardOut(target, node.host, node.pocPort, call.signal))
        const deployment = (profile as { deployment?: { callbackUrl?: string } }).deployment
        const outputs = new ActionOutputs(deps.dataDir)
        actions = [
          rehearsalAction(
            {
              networkServerId: serverId,
              listNodes: (signal) => client.listNodes(signal),
              mlRequest: (method, path, body, signal) =>
                requestThrough(agent, node.host, node.pocPort, method, path, body, signal),
              exec: pool,
              networkTarget: target,
              mlTarget,
              sameMachine: node.serverId === serverId,
              topology: profile.topology,
              ...(deployment?.callbackUrl?.trim() ? { profileCallback: deployment.callbackUrl.trim() } : {}),
              results: {
                get: async (actionId) =>
                  (await outputs.get(profile.id, actionId)) as RehearsalResult | undefined,
                put: (actionId, result) => outputs.put(profile.id, actionId, result),
              },
              journal: () => journal.read(profile.id),
            },
            node,
            {
              key: `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
              ...(input.callbackUrl !== undefined ? { callbackUrl: input.callbackUrl } : {}),
              ...(input.waitSeconds !== undefined ? { waitSeconds: input.waitSeconds } : {}),
            },
          ),
        ]
      } else if (input.change === 'register') {
        const chosen =
          input.nodeId === undefined ? expected : expected.filter((n) => n.nodeId === input.nodeId)
        if (chosen.length === 0)
          throw new AppFailure(
            'NOT_FOUND',
            input.nodeId === undefined
              ? `Profile "${profile.name}" has no ML node to register.`
              : `Profile "${profile.name}" has no ML node ${input.nodeId}.`,
            { hint: 'Add the ML servers in step 1 and their nodes in step 4.' },
          )
        actions = chosen.map((n) =>
          registerNodeAction(actionDeps, n, input.host !== undefined ? { rawHost: input.host } : {}),
        )
      } else {
        actions = [adminChangeAction(actionDeps, input.change, input.nodeId ?? '')]
      }
      const engine = new DeployEngine({
        journal,
        markers: gonkaMarkerStore(pool, profile),
        ...(deps.log ? { log: deps.log } : {}),
      })
      call.progress({ stepId: 'plan', kind: 'start', title: 'deploy.progress.planning' })
      const server = profile.servers.find((s) => s.id === serverId)
      const plan = await engine.plan({
        profileId: profile.id,
        actions,
        hosts: [{ hostId: serverId, host: server?.name || server?.address || serverId }],
        signal: call.signal,
      })
      deps.plans.hold(plan.planId, engine)
      return plan
    },

    async listNodes(input, call): Promise<NodesListing> {
      const profile = input.profile ?? (await deps.profiles.load(input.profileId ?? ''))
      const { client, serverId } = adminClientFor(poolOf(), profile, call.signal)
      const items = await client.listNodes(call.signal)
      const expected = expectedNodes(profile)
      return {
        networkServerId: serverId,
        rows: compareNodes(expected.nodes, items.map(toRegisteredNode)),
        expectedSource: expected.source,
        checkedAt: now().toISOString(),
      }
    },

    async getStatus(input, call): Promise<HostStatus> {
      const profile = input.profile ?? (await deps.profiles.load(input.profileId ?? ''))
      const { client, serverId } = adminClientFor(poolOf(), profile, call.signal)
      const problems: StatusProblem[] = []
      const seedUrl = profile.seedApiUrl?.trim() ?? ''
      const seed = seedUrl !== '' ? new PublicApiClient(seedUrl) : undefined
      // The admin API and the seed are read at the same time; each part that fails says why.
      const [report, nodes, seedHeight, epoch] = await Promise.all([
        client.setupReport(call.signal).catch((e: unknown) => void problems.push(problem('report', e))),
        client.listNodes(call.signal).catch((e: unknown) => void problems.push(problem('nodes', e))),
        seed?.chainHeight(call.signal).catch((e: unknown) => void problems.push(problem('seed', e))),
        seed?.epochLatest(call.signal).catch((e: unknown) => void problems.push(problem('epoch', e))),
      ])
      const address = input.address ?? addressFromReport(report ?? undefined)
      let participant: StatusParts['participant']
      let active: StatusParts['active']
      if (seed && address) {
        const [p, a] = await Promise.all([
          seed
            .participant(address, call.signal)
            .then((v) => v ?? null)
            .catch((e: unknown) => void problems.push(problem('participant', e))),
          seed
            .currentParticipants(call.signal)
            .then((v) => v ?? null)
            .catch((e: unknown) => void problems.push(problem('epoch', e))),
        ])
        participant = p ?? undefined
        active = a ?? undefined
        if (p === null) participant = null
        if (a === null) active = null
      }
      if (!seed)
        problems.push({
          part: 'seed',
          code: 'INVALID_INPUT',
          message:
            'The profile has no seed API address (step 2); chain sync and the participant record need one.',
        })
      const built = buildHostStatus({
        networkServerId: serverId,
        now: now(),
        ...(report ? { report } : {}),
        ...(nodes ? { nodes } : {}),
        ...(seedHeight ? { seedHeight } : {}),
        ...(address ? { address } : {}),
        ...(participant !== undefined ? { participant } : {}),
        ...(epoch ? { epoch } : {}),
        ...(active !== undefined ? { active } : {}),
        problems,
      })
      // GPUs the report does not give: nvidia-smi over SSH on the node's ML server (read only).
      const pool = poolOf()
      if (!isSshPool(pool)) return built
      const expected = expectedNodes(profile).nodes
      const withGpus = await Promise.all(
        built.nodes.map(async (n) => {
          if (n.gpus.length > 0) return n
          const server = profile.servers.find(
            (s) => s.id === expected.find((e) => e.nodeId === n.id)?.serverId,
          )
          if (!server) return n
          const r = await pool
            .exec(targetOf(server, profile.servers), [...NVIDIA_SMI_QUERY], {
              signal: call.signal,
              timeoutMs: 15_000,
            })
            .catch(() => undefined)
          const gpus = r && r.code === 0 ? parseNvidiaSmi(r.stdout) : []
          return gpus.length > 0 ? { ...n, gpus, gpuSource: 'nvidia-smi' as const } : n
        }),
      )
      return { ...built, nodes: withGpus }
    },
  }
}
