import type { CheckResult, ModelRequirement, PathResult, PathState } from './checks'
import type { Profile } from './profile'

/** One ML server's test of the network server's callback port (step 5, check `net.callback`). */
export interface CallbackReach {
  /** The ML server (profile id) the connect ran from. */
  readonly fromServerId: string
  /** The network server's address that was tried (its profile address unless said otherwise). */
  readonly address: string
  readonly port: number
  readonly state: PathState
}

/** The GPUs step 2 found on one server. */
export interface GpuFacts {
  readonly count: number
  /** Sum of every GPU's memory, in GB. */
  readonly totalGb: number
  /** GPU names as nvidia-smi reports them (comma-separated when mixed). */
  readonly names?: string
}

/**
 * What steps 2 and 5 found, as the configuration needs it. Built from the last check results with
 * {@link deployFactsFromChecks}; every field is optional (a fact not measured is simply absent).
 */
export interface DeployFacts {
  /**
   * The network server's address as the ML servers reach it (private network). Absent: the network
   * server's profile address is used.
   */
  readonly networkPrivateAddress?: string
  /** Step 5's tests of `<network>:9100` from each ML server. */
  readonly callbackReach?: readonly CallbackReach[]
  /** Free space under HF_HOME per server id, in GB (check `hf.cache`). */
  readonly hfFreeGb?: Readonly<Record<string, number>>
  /** GPUs per server id (checks `gpu.driver` and `gpu.vram`). */
  readonly gpus?: Readonly<Record<string, GpuFacts>>
  /** The chosen models' requirements from the network's governance list (with `modelArgs`). */
  readonly models?: readonly ModelRequirement[]
  /** The seed's P2P port when read from `<seed>/chain-rpc/status` (default 5000). */
  readonly seedP2pPort?: number
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/**
 * Builds {@link DeployFacts} from the results (and paths) of the last `runChecks` of a profile, plus
 * the model list the user saw in step 2. Pure; unknown or failed measurements are left out.
 */
export function deployFactsFromChecks(
  profile: Pick<Profile, 'servers'>,
  results: readonly CheckResult[],
  paths: readonly PathResult[] = [],
  models?: readonly ModelRequirement[],
): DeployFacts {
  const network = profile.servers.find((s) => s.role === 'network')
  const hfFreeGb: Record<string, number> = {}
  const gpus: Record<string, GpuFacts> = {}
  const allPaths = [...paths, ...results.flatMap((r) => r.paths ?? [])]
  for (const r of results) {
    if (r.checkId === 'hf.cache') {
      const free = num(r.facts?.freeGb)
      if (free !== undefined) hfFreeGb[r.serverId] = free
    }
    if (r.checkId === 'gpu.vram') {
      const totalGb = num(r.facts?.totalGb)
      const count = num(r.facts?.gpus)
      if (totalGb !== undefined && count !== undefined && count > 0) {
        const prev = gpus[r.serverId]
        gpus[r.serverId] = { ...prev, count, totalGb }
      }
    }
    if (r.checkId === 'gpu.driver') {
      const names = r.facts?.names
      const count = num(r.facts?.count)
      const prev = gpus[r.serverId]
      if (typeof names === 'string' && names !== '')
        gpus[r.serverId] = { count: prev?.count ?? count ?? 0, totalGb: prev?.totalGb ?? 0, names }
    }
  }
  const seen = new Map<string, CallbackReach>()
  if (network) {
    for (const p of allPaths) {
      if (p.to !== network.id || p.port !== 9100 || p.from === 'desktop') continue
      seen.set(p.from, { fromServerId: p.from, address: network.address, port: p.port, state: p.state })
    }
  }
  return {
    ...(seen.size > 0 ? { callbackReach: [...seen.values()] } : {}),
    ...(Object.keys(hfFreeGb).length > 0 ? { hfFreeGb } : {}),
    ...(Object.keys(gpus).length > 0 ? { gpus } : {}),
    ...(models && models.length > 0 ? { models: [...models] } : {}),
  }
}
