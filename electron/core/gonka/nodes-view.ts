import { z } from 'zod'
import type { ExpectedNode, NodeModel, NodeRow, NodeSetting, RegisteredNode } from '../../shared/nodes'
import type { Profile, Server } from '../../shared/profile'
import type { AdminNodeItem } from './admin-api'

/** The ML node's host ports on a separate ML server (nginx publishes 5050 → 5000 and 8080). */
export const ML_INFERENCE_PORT = 5050
/** See {@link ML_INFERENCE_PORT}. */
export const ML_POC_PORT = 8080

/** The step-4 settings of one ML node (`profile.deployment.mlNodes[]`), read leniently. */
const mlNodeSettingsSchema = z.object({
  serverId: z.string().min(1),
  nodeId: z.string().min(1),
  models: z.array(z.object({ id: z.string().min(1), args: z.array(z.string()).default([]) })).default([]),
  maxConcurrent: z.number().int().optional(),
  inferencePort: z.number().int().optional(),
  pocPort: z.number().int().optional(),
})
const deploymentSchema = z.object({ mlNodes: z.array(mlNodeSettingsSchema) })

/** What a host value needed to become bare, if anything. */
export type HostFix = 'scheme' | 'path' | 'port'

/**
 * The bare host the admin API needs: upstream builds `http://<host>:<port>` itself, so `http://10.0.0.5`
 * would become `http://http://10.0.0.5:5050`. Strips a scheme, a path and a `:port`, and says which.
 */
export function bareHost(raw: string): { host: string; fixes: HostFix[] } {
  let host = raw.trim()
  const fixes: HostFix[] = []
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(host)
  if (scheme) {
    host = host.slice(scheme[0].length)
    fixes.push('scheme')
  }
  const slash = host.indexOf('/')
  if (slash >= 0) {
    host = host.slice(0, slash)
    fixes.push('path')
  }
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host)
  if (bracketed) {
    if (host !== `[${bracketed[1] ?? ''}]`) fixes.push('port')
    host = bracketed[1] ?? host
  } else if (/^[^:]+:\d+$/.test(host)) {
    host = host.slice(0, host.lastIndexOf(':'))
    fixes.push('port')
  }
  return { host, fixes }
}

/** The server whose api the nodes are registered with: the network server, or the single machine. */
export function networkServerOf(profile: Profile): Server | undefined {
  return (
    profile.servers.find((s) => s.role === 'network') ?? profile.servers.find((s) => s.role === 'combined')
  )
}

/**
 * The ML nodes the profile wants: the step-4 settings when the profile has them, else one node per ML
 * server with the default ports (the single machine's node is `inference` on the compose network).
 */
export function expectedNodes(profile: Profile): { nodes: ExpectedNode[]; source: 'settings' | 'servers' } {
  const deployment = deploymentSchema.safeParse((profile as { deployment?: unknown }).deployment)
  const servers = new Map(profile.servers.map((s) => [s.id, s]))
  if (deployment.success && deployment.data.mlNodes.length > 0) {
    const nodes = deployment.data.mlNodes.map((n): ExpectedNode => {
      const server = servers.get(n.serverId)
      const combined = server?.role === 'combined'
      return {
        serverId: n.serverId,
        nodeId: n.nodeId,
        host: combined ? 'inference' : bareHost(server?.address ?? '').host,
        inferencePort: n.inferencePort ?? (combined ? 5000 : ML_INFERENCE_PORT),
        pocPort: n.pocPort ?? ML_POC_PORT,
        ...(n.maxConcurrent !== undefined ? { maxConcurrent: n.maxConcurrent } : {}),
        models: n.models,
      }
    })
    return { nodes, source: 'settings' }
  }
  const nodes = profile.servers
    .filter((s) => s.role === 'ml' || s.role === 'combined')
    .map((s): ExpectedNode => ({
      serverId: s.id,
      nodeId: s.id,
      host: s.role === 'combined' ? 'inference' : bareHost(s.address).host,
      inferencePort: s.role === 'combined' ? 5000 : ML_INFERENCE_PORT,
      pocPort: ML_POC_PORT,
      models: [],
    }))
  return { nodes, source: 'servers' }
}

/** An admin API listing item in the app's terms. */
export function toRegisteredNode(item: AdminNodeItem): RegisteredNode {
  const { node, state } = item
  const models: NodeModel[] = Object.entries(node.models ?? {}).map(([id, m]) => ({ id, args: m.args ?? [] }))
  const epochNodes = Object.values(state?.epoch_ml_nodes ?? {})
  const weights = epochNodes.map((e) => e.poc_weight).filter((w): w is number => typeof w === 'number')
  return {
    id: node.id,
    host: node.host,
    inferencePort: node.inference_port,
    pocPort: node.poc_port,
    maxConcurrent: node.max_concurrent,
    models,
    enabled: state?.admin_state?.enabled ?? null,
    ...(state?.intended_status ? { intendedStatus: state.intended_status } : {}),
    ...(state?.current_status ? { currentStatus: state.current_status } : {}),
    ...(state?.poc_current_status ? { pocStatus: state.poc_current_status } : {}),
    ...(state?.failure_reason ? { failureReason: state.failure_reason } : {}),
    ...(state?.ml_node_version ? { version: state.ml_node_version } : {}),
    epochModels: Object.keys(state?.epoch_models ?? {}),
    ...(weights.length > 0 ? { pocWeight: weights.reduce((a, b) => a + b, 0) } : {}),
  }
}

function sameModels(a: readonly NodeModel[], b: readonly NodeModel[]): boolean {
  const key = (list: readonly NodeModel[]): string =>
    JSON.stringify(
      [...list].map((m) => [m.id, [...m.args]]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    )
  return key(a) === key(b)
}

/** Which settings of a registered node differ from the profile's (models only when the profile names some). */
export function differencesOf(expected: ExpectedNode, registered: RegisteredNode): NodeSetting[] {
  const out: NodeSetting[] = []
  if (expected.host.toLowerCase() !== registered.host.toLowerCase()) out.push('host')
  if (expected.inferencePort !== registered.inferencePort) out.push('inferencePort')
  if (expected.pocPort !== registered.pocPort) out.push('pocPort')
  if (expected.maxConcurrent !== undefined && expected.maxConcurrent !== registered.maxConcurrent)
    out.push('maxConcurrent')
  if (expected.models.length > 0 && !sameModels(expected.models, registered.models)) out.push('models')
  return out
}

/**
 * Compares the profile's nodes with the api's: each expected node is registered, missing or
 * registered with different settings; each other registered node is unknown to the profile.
 * Rows in profile order, then the unknown ones in the api's order.
 */
export function compareNodes(
  expected: readonly ExpectedNode[],
  registered: readonly RegisteredNode[],
): NodeRow[] {
  const byId = new Map(registered.map((r) => [r.id, r]))
  const rows: NodeRow[] = expected.map((e) => {
    const r = byId.get(e.nodeId)
    if (!r) return { id: e.nodeId, comparison: 'missing', expected: e, differences: [] }
    const differences = differencesOf(e, r)
    return {
      id: e.nodeId,
      comparison: differences.length > 0 ? 'different' : 'registered',
      expected: e,
      registered: r,
      differences,
    }
  })
  const wanted = new Set(expected.map((e) => e.nodeId))
  for (const r of registered)
    if (!wanted.has(r.id)) rows.push({ id: r.id, comparison: 'unknown', registered: r, differences: [] })
  return rows
}
