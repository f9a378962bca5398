import type { DeployChange, I18nText } from '../../shared/deploy'
import type { ExpectedNode, NodeModel } from '../../shared/nodes'
import type { AnyAction } from '../deploy/types'
import type { HostTarget, RemoteExecutor } from '../ssh/types'
import type { AdminApiClient, AdminNodeConfig, AdminNodeInput, AdminNodeItem } from './admin-api'
import { bareHost } from './nodes-view'

/** What the node actions need: the admin API (through the tunnel) and the network server's shell. */
export interface NodeActionDeps {
  readonly client: Pick<
    AdminApiClient,
    'listNodes' | 'upsertNode' | 'enableNode' | 'disableNode' | 'deleteNode'
  >
  /** The network server (the api's host): reachability is probed from there, not from this computer. */
  readonly networkServerId: string
  readonly exec: RemoteExecutor
  readonly target: HostTarget
  /** The governance model ids; `undefined` when the list cannot be read (then models are not checked). */
  readonly governanceModels: (signal: AbortSignal) => Promise<readonly string[] | undefined>
}

const t = (key: string, params?: Record<string, string | number>): I18nText => ({
  key: `deploy.node.${key}`,
  ...(params ? { params } : {}),
})

/** The body the app sends for one expected node, with the host made bare. */
export function nodeInputOf(
  node: ExpectedNode,
  hardware?: readonly { type: string; count: number }[],
): AdminNodeInput {
  return {
    id: node.nodeId,
    host: bareHost(node.host).host,
    inference_port: node.inferencePort,
    poc_port: node.pocPort,
    max_concurrent: node.maxConcurrent ?? 500,
    models: Object.fromEntries(node.models.map((m) => [m.id, { args: [...m.args] }])),
    ...(hardware && hardware.length > 0 ? { hardware: hardware.map((h) => ({ ...h })) } : {}),
  }
}

function modelsOf(config: AdminNodeConfig): NodeModel[] {
  return Object.entries(config.models ?? {}).map(([id, m]) => ({ id, args: m.args ?? [] }))
}

function modelsKey(models: readonly NodeModel[]): string {
  return JSON.stringify(
    [...models].map((m) => [m.id, [...m.args]]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  )
}

/** Which fields of the api's config differ from the wanted body (empty: nothing to send). */
export function nodeConfigDifferences(current: AdminNodeConfig, wanted: AdminNodeInput): string[] {
  const out: string[] = []
  if (current.host.toLowerCase() !== wanted.host.toLowerCase()) out.push('host')
  if (current.inference_port !== wanted.inference_port) out.push('inference_port')
  if (current.poc_port !== wanted.poc_port) out.push('poc_port')
  if (current.max_concurrent !== wanted.max_concurrent) out.push('max_concurrent')
  const wantedModels = Object.entries(wanted.models).map(([id, m]) => ({ id, args: [...m.args] }))
  if (modelsKey(modelsOf(current)) !== modelsKey(wantedModels)) out.push('models')
  if (wanted.hardware !== undefined) {
    const key = (h: readonly { type: string; count: number }[] | null | undefined): string =>
      JSON.stringify((h ?? []).map((x) => [x.type, x.count]).sort())
    if (key(current.hardware) !== key(wanted.hardware)) out.push('hardware')
  }
  return out
}

/** What the register action reads: the api's config of this id, and the pre-flight checks' results. */
export interface RegisterState {
  readonly current?: AdminNodeConfig
  /** Ports the network server could not reach (only probed when something is to be sent). */
  readonly unreachable: readonly number[]
  /** Models not in the governance list (only checked when something is to be sent). */
  readonly unknownModels: readonly string[]
}

/**
 * The changes registering `wanted` makes from `state`: `[]` when the api has exactly this config;
 * `blocked` when the ML server is unreachable from the network server or a model is not in governance.
 */
export function describeRegister(wanted: AdminNodeInput, state: RegisterState): DeployChange[] {
  const differences = state.current ? nodeConfigDifferences(state.current, wanted) : undefined
  if (differences && differences.length === 0) return []
  const blocked: DeployChange[] = []
  if (Object.keys(wanted.models).length === 0)
    blocked.push({ kind: 'blocked', summary: t('change.noModels', { id: wanted.id }) })
  for (const model of state.unknownModels)
    blocked.push({ kind: 'blocked', summary: t('change.unknownModel', { model }) })
  for (const port of state.unreachable)
    blocked.push({ kind: 'blocked', summary: t('change.unreachable', { host: wanted.host, port }) })
  if (blocked.length > 0) return blocked
  const summary = differences
    ? t('change.update', { id: wanted.id, fields: differences.join(', ') })
    : t('change.register', {
        id: wanted.id,
        host: wanted.host,
        inferencePort: wanted.inference_port,
        pocPort: wanted.poc_port,
        models: Object.keys(wanted.models).join(', '),
      })
  return [{ kind: 'command', command: `POST /admin/v1/nodes ${JSON.stringify(wanted)}`, summary }]
}

/** True when `host` is a name on the compose network (the single machine's `inference`), not an address. */
function isComposeName(host: string): boolean {
  return host === 'inference'
}

/**
 * Probes from the network server whether `host:port` accepts a TCP connection (bash's /dev/tcp, host
 * and port passed as arguments, never spliced into the script).
 */
export async function reachableFrom(
  exec: RemoteExecutor,
  target: HostTarget,
  host: string,
  port: number,
  signal: AbortSignal,
): Promise<boolean> {
  const r = await exec.exec(
    target,
    ['timeout', '5', 'bash', '-c', 'exec 3<>"/dev/tcp/$1/$2"', 'probe', host, String(port)],
    { signal, timeoutMs: 15_000 },
  )
  return r.code === 0
}

async function findNode(
  deps: NodeActionDeps,
  id: string,
  signal: AbortSignal,
): Promise<AdminNodeItem | undefined> {
  const items = await deps.client.listNodes(signal)
  return items.find((i) => i.node.id === id)
}

/** Registers or updates one ML node (upsert by id) after checking reachability and governance. */
export function registerNodeAction(
  deps: NodeActionDeps,
  node: ExpectedNode,
  options: { rawHost?: string; hardware?: readonly { type: string; count: number }[] } = {},
): AnyAction {
  const raw = options.rawHost ?? node.host
  const { host, fixes } = bareHost(raw)
  const wanted = nodeInputOf({ ...node, host }, options.hardware)
  const action = {
    id: `${deps.networkServerId}/ml-node/${node.nodeId}`,
    hostId: deps.networkServerId,
    dependsOn: [],
    title: t('action.register', { id: node.nodeId }),
    async inspect(signal: AbortSignal): Promise<RegisterState> {
      const item = await findNode(deps, node.nodeId, signal)
      const current = item?.node
      if (current && nodeConfigDifferences(current, wanted).length === 0)
        return { current, unreachable: [], unknownModels: [] }
      const governance = await deps.governanceModels(signal)
      const known = new Set(governance ?? [])
      const unknownModels = governance ? Object.keys(wanted.models).filter((m) => !known.has(m)) : []
      const unreachable: number[] = []
      if (!isComposeName(wanted.host)) {
        for (const port of [wanted.inference_port, wanted.poc_port]) {
          if (!(await reachableFrom(deps.exec, deps.target, wanted.host, port, signal)))
            unreachable.push(port)
        }
      }
      return { ...(current ? { current } : {}), unreachable, unknownModels }
    },
    describe(state: RegisterState): DeployChange[] {
      return describeRegister(wanted, state)
    },
    async apply(_ctx: unknown, state: RegisterState): Promise<void> {
      if (describeRegister(wanted, state).some((c) => c.kind === 'blocked')) return
      await deps.client.upsertNode(wanted)
    },
    fingerprint(state: RegisterState): string {
      return JSON.stringify(state.current ? nodeConfigDifferences(state.current, wanted) : 'absent')
    },
    notices(): I18nText[] {
      const out: I18nText[] = []
      if (fixes.length > 0) out.push(t('notice.hostStripped', { id: node.nodeId, raw, host }))
      return out
    },
  }
  return action
}

/** What enable/disable/remove read: whether the id is known and whether it is enabled. */
export interface NodeAdminState {
  readonly known: boolean
  readonly enabled?: boolean
}

/** The change one admin change (enable, disable, remove) makes from `state`; `[]` when already so. */
export function describeAdminChange(
  change: 'enable' | 'disable' | 'remove',
  id: string,
  state: NodeAdminState,
): DeployChange[] {
  if (!state.known) {
    // Removing what is not there is done; enabling or disabling it cannot be.
    return change === 'remove' ? [] : [{ kind: 'blocked', summary: t('change.unknownNode', { id }) }]
  }
  if (change === 'enable' && state.enabled === true) return []
  if (change === 'disable' && state.enabled === false) return []
  const path = change === 'remove' ? `DELETE /admin/v1/nodes/${id}` : `POST /admin/v1/nodes/${id}/${change}`
  return [{ kind: 'command', command: path, summary: t(`change.${change}`, { id }) }]
}

/** Enables, disables or removes one ML node. */
export function adminChangeAction(
  deps: NodeActionDeps,
  change: 'enable' | 'disable' | 'remove',
  id: string,
): AnyAction {
  const action = {
    id: `${deps.networkServerId}/ml-node/${id}/${change}`,
    hostId: deps.networkServerId,
    dependsOn: [],
    title: t(`action.${change}`, { id }),
    async inspect(signal: AbortSignal): Promise<NodeAdminState> {
      const item = await findNode(deps, id, signal)
      if (!item) return { known: false }
      const enabled = item.state?.admin_state?.enabled
      return { known: true, ...(typeof enabled === 'boolean' ? { enabled } : {}) }
    },
    describe(state: NodeAdminState): DeployChange[] {
      return describeAdminChange(change, id, state)
    },
    async apply(): Promise<void> {
      if (change === 'enable') await deps.client.enableNode(id)
      else if (change === 'disable') await deps.client.disableNode(id)
      else await deps.client.deleteNode(id)
    },
    notices(state: NodeAdminState): I18nText[] {
      return !state.known && change === 'remove' ? [t('change.unknownNode', { id })] : []
    },
  }
  return action
}
