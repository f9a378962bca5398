import type { Server } from '../../shared/profile'
import { AppFailure } from '../errors'
import type { HostTarget } from './types'

/** The SSH target of one profile server, with its ProxyJump chain resolved through `jumpHostId`. */
export function targetOf(server: Server, all: readonly Server[]): HostTarget {
  const seen = new Set<string>()
  const build = (s: Server): HostTarget => {
    if (seen.has(s.id)) {
      throw new AppFailure(
        'INVALID_INPUT',
        `The jump hosts of ${server.name || server.address} form a loop.`,
        {
          hint: 'Pick a jump host that is reached directly.',
          retryable: false,
          details: { serverId: server.id },
        },
      )
    }
    seen.add(s.id)
    let jump: HostTarget | undefined
    if (s.jumpHostId !== undefined && s.jumpHostId !== '') {
      const hop = all.find((o) => o.id === s.jumpHostId)
      if (!hop) {
        throw new AppFailure(
          'INVALID_INPUT',
          `The jump host of ${s.name || s.address} is not in the profile.`,
          {
            retryable: false,
            details: { serverId: s.id, jumpHostId: s.jumpHostId },
          },
        )
      }
      jump = build(hop)
    }
    return {
      id: s.id,
      host: s.address.trim(),
      port: s.port,
      user: s.user.trim(),
      auth: s.auth,
      ...(s.keyPath ? { keyPath: s.keyPath } : {}),
      ...(jump ? { jump } : {}),
    }
  }
  return build(server)
}

/** Every target in a chain, innermost (the server itself) first. */
export function chainOf(target: HostTarget): HostTarget[] {
  const out: HostTarget[] = []
  for (let t: HostTarget | undefined = target; t; t = t.jump) out.push(t)
  return out
}
