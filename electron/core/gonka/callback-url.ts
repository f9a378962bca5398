import type { DeployFacts } from '../../shared/deploy-facts'
import {
  CALLBACK_PORT,
  isDnsName,
  isIpv4,
  isIpv6,
  isLoopbackHost,
  type DeploymentValidationKey,
} from '../../shared/deployment'
import type { Topology } from '../../shared/profile'

/** The callback every ML node reaches when it shares the compose network with `api` (one machine). */
export const DOCKER_INTERNAL_CALLBACK = `http://api:${CALLBACK_PORT}`

/** Names that only resolve inside the deployment's Docker network. */
const DOCKER_SERVICE_NAMES = new Set([
  'api',
  'node',
  'tmkms',
  'proxy',
  'proxy-ssl',
  'explorer',
  'versiond',
  'bridge',
  'inference',
  'mlnode-308',
])

/** A refused callback URL: the message key and its values. */
export interface CallbackProblem {
  readonly key: DeploymentValidationKey
  readonly params?: Record<string, string>
}

/** `http://<host>:9100`, with IPv6 in brackets. */
export function callbackUrlFor(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '')
  return `http://${isIpv6(bare) ? `[${bare}]` : bare}:${CALLBACK_PORT}`
}

/**
 * Checks a PoC callback URL for a topology. One machine: anything that is a plain
 * `http://host:port` is accepted (the default `http://api:9100` is right there). Split: the ML servers
 * must reach it, so Docker-internal names, loopback, paths, a trailing slash, another port and an
 * address step 5 found unreachable from an ML server are refused, each with its reason.
 */
export function checkCallbackUrl(
  raw: string,
  topology: Topology,
  facts: DeployFacts = {},
): CallbackProblem | undefined {
  const value = raw.trim()
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i.exec(value)
  if (!m) return { key: 'callbackInvalid' }
  const scheme = (m[1] ?? '').toLowerCase()
  const authority = m[2] ?? ''
  const rest = m[3] ?? ''
  if (scheme !== 'http') return { key: 'callbackScheme', params: { scheme } }
  if (authority.includes('@')) return { key: 'callbackCredentials' }
  const hostPort = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(authority)
  if (!hostPort) return { key: 'callbackInvalid' }
  const host = (hostPort[1] ?? '').toLowerCase()
  const bare = host.replace(/^\[|\]$/g, '')
  if (!isIpv4(bare) && !isIpv6(bare) && !isDnsName(bare) && bare !== 'localhost')
    return { key: 'callbackInvalid' }
  const port = hostPort[2] === undefined ? 80 : Number(hostPort[2])
  if (rest === '/') return { key: 'callbackTrailingSlash', params: { fixed: value.replace(/\/+$/, '') } }
  if (rest !== '') return { key: 'callbackPath', params: { path: rest } }
  if (topology === 'single') return undefined
  if (DOCKER_SERVICE_NAMES.has(bare)) return { key: 'callbackDockerInternal', params: { host: bare } }
  if (isLoopbackHost(bare)) return { key: 'callbackLoopback', params: { host: bare } }
  if (port !== CALLBACK_PORT) return { key: 'callbackPort', params: { port: String(port) } }
  // A public address is allowed: some hosts have no private network between their servers. Whether
  // the ML servers reach it, and whether 9100 is open to anyone else, is what step 5 measures.
  const failed = (facts.callbackReach ?? []).filter(
    (r) =>
      r.address.toLowerCase().replace(/^\[|\]$/g, '') === bare && r.port === port && r.state !== 'reachable',
  )
  if (failed.length > 0)
    return {
      key: 'callbackUnreachable',
      params: {
        host: bare,
        servers: failed.map((f) => f.fromServerId).join(', '),
        state: failed[0]?.state ?? '',
      },
    }
  return undefined
}
