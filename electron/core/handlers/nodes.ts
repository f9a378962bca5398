import type { HostStatus, NodesListing, StatusProblem } from '../../shared/nodes'
import type { Profile } from '../../shared/profile'
import { AppFailure, toAppError } from '../errors'
import { AdminApiClient, ADMIN_API_PORT, tunnelAgent } from '../gonka/admin-api'
import { addressFromReport, buildHostStatus, type StatusParts } from '../gonka/host-status'
import { compareNodes, expectedNodes, networkServerOf, toRegisteredNode } from '../gonka/nodes-view'
import { PublicApiClient } from '../gonka/public-api'
import type { Handlers } from '../handler-types'
import type { SshPool } from '../ssh/pool'
import { targetOf } from '../ssh/targets'
import type { HostTarget } from '../ssh/types'
import type { ProfileStore } from '../storage/profile-store'

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

/** Handlers of steps 7 (ML nodes, read side) and 8 (status). */
export function createNodeHandlers(deps: {
  profiles: ProfileStore
  pool: () => TunnelOpener | undefined
  now?: () => Date
}): Handlers<'listNodes' | 'getStatus'> {
  const now = deps.now ?? (() => new Date())
  const poolOf = (): TunnelOpener => {
    const pool = deps.pool()
    if (!pool) throw new AppFailure('UNSUPPORTED', 'The admin API needs the SSH connection layer.')
    return pool
  }
  return {
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
      return buildHostStatus({
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
    },
  }
}
