import type { CheckResult, PathResult, PathState } from '../../../../electron/shared/checks'
import type { Profile, Server, ServerRole } from '../../../../electron/shared/profile'
import { pathKey } from '../../store/checks-slice'

/** The source of arrows that start on this computer. */
export const DESKTOP = 'desktop'

/** Ports that must be reachable from outside, per role (the same rule as the check catalogue). */
export function publicPorts(role: ServerRole): number[] {
  return role === 'ml' ? [] : [5000, 8000]
}

/** Ports that must never be reachable from outside, per role (the same rule as the check catalogue). */
export function privatePorts(role: ServerRole): number[] {
  const network = [9100, 9200, 26657]
  const ml = [5050, 8080]
  return role === 'network' ? network : role === 'ml' ? ml : [...network, ...ml]
}

/** What an arrow stands for: a path between hosts, or from outside to public or private ports. */
export type ArrowKind = 'internal' | 'public' | 'private'

/** One arrow of the picture: a required connection (or a group of ports with the same rule). */
export interface Arrow {
  readonly id: string
  readonly kind: ArrowKind
  /** Server id, or {@link DESKTOP}. */
  readonly from: string
  readonly to: string
  /** Each port with its last tested state (`unknown` when not tested yet). */
  readonly ports: readonly { readonly port: number; readonly state: PathState }[]
  /** The one state the arrow is coloured by. */
  readonly state: PathState
}

// Worst first: the arrow shows the worst of its ports.
const WORST: Record<ArrowKind, readonly PathState[]> = {
  internal: ['blocked', 'not-listening', 'exposed', 'would-be-exposed', 'unknown', 'closed', 'reachable'],
  public: ['blocked', 'not-listening', 'unknown', 'closed', 'exposed', 'would-be-exposed', 'reachable'],
  private: ['exposed', 'would-be-exposed', 'reachable', 'unknown', 'blocked', 'not-listening', 'closed'],
}

function worst(kind: ArrowKind, states: readonly PathState[]): PathState {
  return WORST[kind].find((s) => states.includes(s)) ?? 'unknown'
}

/** The server every ML node talks to: the network node (or the combined one on a single machine). */
export function hubOf(profile: Profile): Server | undefined {
  return (
    profile.servers.find((s) => s.role === 'network') ?? profile.servers.find((s) => s.role === 'combined')
  )
}

/** Every arrow of the picture, coloured by the paths tested so far. */
export function buildArrows(profile: Profile, paths: Readonly<Record<string, PathResult>>): Arrow[] {
  const arrows: Arrow[] = []
  const add = (kind: ArrowKind, from: string, to: string, ports: readonly number[]): void => {
    if (ports.length === 0) return
    const tested = ports.map((port) => ({
      port,
      state: paths[pathKey({ from, to, port })]?.state ?? ('unknown' as const),
    }))
    arrows.push({
      id: `${kind}:${from}>${to}:${ports.join(',')}`,
      kind,
      from,
      to,
      ports: tested,
      state: worst(
        kind,
        tested.map((p) => p.state),
      ),
    })
  }
  const hub = hubOf(profile)
  const mls = profile.servers.filter((s) => s.role === 'ml')
  // Only a separate network node has paths between hosts to test.
  if (hub?.role === 'network') {
    for (const ml of mls) {
      add('internal', ml.id, hub.id, [9100])
      add('internal', hub.id, ml.id, [5050])
      add('internal', hub.id, ml.id, [8080])
    }
  }
  for (const server of profile.servers) {
    add('public', DESKTOP, server.id, publicPorts(server.role))
    add('private', DESKTOP, server.id, privatePorts(server.role))
  }
  return arrows
}

/** Where this computer is, as the last outside-in results found it (`unknown` before any). */
export type DesktopPlace = 'inside' | 'outside' | 'unsure' | 'unknown'

/** Reads the position facts of the outside-in results: inside when it is inside any server's network. */
export function desktopPlace(results: readonly CheckResult[]): DesktopPlace {
  const facts = results.filter((r) => r.checkId.startsWith('outside.')).map((r) => r.facts ?? {})
  if (facts.length === 0) return 'unknown'
  if (facts.some((f) => f.inside === true)) return 'inside'
  if (facts.some((f) => f.unsure === true)) return 'unsure'
  return facts.some((f) => f.inside === false) ? 'outside' : 'unknown'
}
