import { z } from 'zod'

/**
 * Step 4 ("Configuration") settings of a deployment, as stored in the profile. Everything here is
 * lenient on read (a bad value never makes a profile unreadable); {@link validateDeploymentSettings}
 * says what is wrong, field by field. The keyring password is a secret and is never part of this.
 */

/** Where the deployment files come from by default (the upstream repository). */
export const DEFAULT_REPO_URL = 'https://github.com/gonka-ai/gonka.git'
/** Branch (or tag, or commit) checked out by default. */
export const DEFAULT_REPO_REF = 'main'
/** Folder of the clone on each server by default; `deploy/join` is inside it. */
export const DEFAULT_DEPLOY_DIR = '~/gonka'
/** Host port of the proxy's HTTP side (`API_PORT`). */
export const DEFAULT_API_PORT = 8000
/** Host port of the proxy's HTTPS side (`API_SSL_PORT`). */
export const DEFAULT_API_SSL_PORT = 8443
/** Host path of the Hugging Face cache on ML servers (`HF_HOME`). */
export const DEFAULT_HF_HOME = '/mnt/shared'
/** Host port of the ML node's inference nginx (`INFERENCE_PORT`, container port 5000). */
export const DEFAULT_INFERENCE_PORT = 5050
/** Host port of the ML node's management / PoC nginx (`PORT`, container port 8080). */
export const DEFAULT_POC_PORT = 8080
/** Concurrent inference requests per ML node, as in upstream's node-config examples. */
export const DEFAULT_MAX_CONCURRENT = 500
/** The public P2P port the network node publishes (container 26656). */
export const P2P_PUBLIC_PORT = 5000
/** The api container's ML callback port (PoC batches). */
export const CALLBACK_PORT = 9100
/** Shortest keyring password the Cosmos file keyring accepts. */
export const KEYRING_PASSWORD_MIN = 8
/** Longest keyring password the app accepts. */
export const KEYRING_PASSWORD_MAX = 256

const text = (max: number) => z.string().max(max)
const port = z.number().int()

/** One model an ML node serves, with the local vLLM arguments (the network's mandatory ones are added by the chain). */
export const mlNodeModelSchema = z.object({
  id: text(200),
  args: z.array(text(1000)).max(200),
})
/** See {@link mlNodeModelSchema}. */
export type MlNodeModel = z.infer<typeof mlNodeModelSchema>

/** ML node settings of one GPU server (the entry step 7 registers, or node-config.json on a single machine). */
export const mlNodeSettingsSchema = z.object({
  /** The GPU server (profile server id) this ML node runs on. */
  serverId: text(64),
  /** The node id registered in the admin API (`node1`, `ml1`, …). */
  nodeId: text(128),
  models: z.array(mlNodeModelSchema).max(16),
  maxConcurrent: z.number().int(),
  inferencePort: port,
  pocPort: port,
  tensorParallel: z.number().int().optional(),
  pipelineParallel: z.number().int().optional(),
})
/** See {@link mlNodeSettingsSchema}. */
export type MlNodeSettings = z.infer<typeof mlNodeSettingsSchema>

/** Step 4's settings of one deployment. */
export const deploymentSettingsSchema = z.object({
  /** Git URL of the gonka repository cloned on every server. */
  repoUrl: text(2048).default(DEFAULT_REPO_URL),
  /** Branch, tag or commit to check out. */
  repoRef: text(256).default(DEFAULT_REPO_REF),
  /** Folder of the clone on every server (`~` is the SSH user's home). */
  dir: text(4096).default(DEFAULT_DEPLOY_DIR),
  /** IP address or DNS name of the network server as the internet reaches it. */
  publicHost: text(253).default(''),
  /** Serve the public API over HTTPS (needs {@link domain}). */
  https: z.boolean().default(false),
  /** DNS name for HTTPS (and the public URL when set). */
  domain: text(253).optional(),
  apiPort: port.default(DEFAULT_API_PORT),
  apiSslPort: port.default(DEFAULT_API_SSL_PORT),
  /** Name of the warm (ML operational) key in the server keyring (`KEY_NAME`). */
  keyName: text(128).default(''),
  /** Base64 of the cold account key's 33-byte compressed secp256k1 public key (`ACCOUNT_PUBKEY`). */
  accountPubkey: text(200).optional(),
  /** Host path of the Hugging Face cache on GPU servers (`HF_HOME`). */
  hfHome: text(4096).default(DEFAULT_HF_HOME),
  /** The user's own PoC callback URL; normally the app derives it. */
  callbackUrl: text(2048).optional(),
  /** ML node settings, one entry per GPU server. */
  mlNodes: z.array(mlNodeSettingsSchema).max(64).default([]),
})
/** Step 4's settings of one deployment (defaults applied). */
export type DeploymentSettings = z.infer<typeof deploymentSettingsSchema>
/** Step 4's settings as a caller may give them (defaults not yet applied). */
export type DeploymentSettingsInput = z.input<typeof deploymentSettingsSchema>

/** The settings of a deployment that has none saved yet. */
export function defaultDeploymentSettings(): DeploymentSettings {
  return deploymentSettingsSchema.parse({})
}

/**
 * Message keys of step 4's validation, translated under `config.validation.*` (en + zh-CN). The set
 * is closed so a locale test can prove every one is translated.
 */
export const DEPLOYMENT_VALIDATION_KEYS = [
  'repoUrlRequired',
  'repoUrlInvalid',
  'repoUrlCredentials',
  'repoRefInvalid',
  'dirRequired',
  'dirInvalid',
  'publicHostRequired',
  'publicHostInvalid',
  'publicHostHasScheme',
  'publicHostPrivate',
  'domainRequiredForHttps',
  'domainInvalid',
  'portRange',
  'portsSame',
  'portReserved',
  'keyNameRequired',
  'keyNameInvalid',
  'pubkeyBase64',
  'pubkeyLength',
  'pubkeyPrefix',
  'hfHomeRequired',
  'hfHomeAbsolute',
  'hfHomeInvalid',
  'passwordShort',
  'passwordLong',
  'passwordControl',
  'nodeIdRequired',
  'nodeIdInvalid',
  'nodeIdDuplicate',
  'nodeServerUnknown',
  'modelsRequired',
  'modelIdInvalid',
  'maxConcurrentRange',
  'parallelRange',
  'argInvalid',
  'callbackInvalid',
  'callbackScheme',
  'callbackDockerInternal',
  'callbackLoopback',
  'callbackPath',
  'callbackTrailingSlash',
  'callbackPort',
  'callbackUnreachable',
  'callbackCredentials',
  'callbackNoNetwork',
  'pubkeyMissing',
  'passwordMissing',
  'hfHomeSpace',
  'placeholderLeft',
  'noGpuServer',
  'urlInvalid',
  'rpcOldPort',
  'tcpInvalid',
  'boolInvalid',
  'numberInvalid',
  'valueRequired',
  'keyringBackendFile',
  'nginxMode',
  'emailInvalid',
  'dnsProvider',
] as const
/** One of {@link DEPLOYMENT_VALIDATION_KEYS}. */
export type DeploymentValidationKey = (typeof DEPLOYMENT_VALIDATION_KEYS)[number]

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/

/** True for a dotted IPv4 address. */
export function isIpv4(value: string): boolean {
  return IPV4.test(value)
}

/** True for a DNS name (letters, digits, hyphens; dot-separated labels). */
export function isDnsName(value: string): boolean {
  if (value.length === 0 || value.length > 253 || /^[\d.]+$/.test(value)) return false
  return value.split('.').every((label) => LABEL.test(label))
}

/** True for an IPv6 address without brackets (shape check). */
export function isIpv6(value: string): boolean {
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value)) return false
  const parts = value.split(':').length
  return parts >= 3 && parts <= 8
}

/** True for an address in a private, loopback, link-local or carrier-grade NAT range (IPv4), or ULA/link-local/loopback (IPv6). */
export function isPrivateAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (isIpv4(h)) {
    const [a = 0, b = 0] = h.split('.').map(Number)
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    )
  }
  if (isIpv6(h)) return h === '::1' || h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80')
  return false
}

/** True for a loopback name or address (`localhost`, `127.*`, `::1`, `0.0.0.0`). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    h === '0.0.0.0' ||
    (isIpv4(h) && h.startsWith('127.'))
  )
}

/** Checks the network server's public address (IP or DNS name, no scheme, no port, no path). */
export function validatePublicHost(raw: string): DeploymentValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return 'publicHostRequired'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'publicHostHasScheme'
  const bare = value.replace(/^\[|\]$/g, '')
  if (!isIpv4(bare) && !isIpv6(bare) && !isDnsName(bare)) return 'publicHostInvalid'
  if (isLoopbackHost(bare) || isPrivateAddress(bare)) return 'publicHostPrivate'
  return undefined
}

/** Checks a DNS name for HTTPS. */
export function validateDomain(raw: string): DeploymentValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return undefined
  return isDnsName(value) && value.includes('.') ? undefined : 'domainInvalid'
}

/** Checks the warm key's name: what `inferenced keys add` accepts and a shell keeps as one word. */
export function validateKeyName(raw: string): DeploymentValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return 'keyNameRequired'
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? undefined : 'keyNameInvalid'
}

/** The bytes of a standard base64 string, or undefined when it is not one (shared code has no Buffer). */
export function decodeBase64(value: string): Uint8Array | undefined {
  if (value.length === 0 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const clean = value.replace(/=+$/, '')
  const out: number[] = []
  let bits = 0
  let acc = 0
  for (const ch of clean) {
    acc = (acc << 6) | alphabet.indexOf(ch)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out.push((acc >> bits) & 0xff)
    }
  }
  return Uint8Array.from(out)
}

/**
 * Checks an account public key as pasted: base64 (standard alphabet, padded) of 33 bytes whose first
 * byte is 0x02 or 0x03 (a compressed secp256k1 point). Empty means "not yet" and is fine here.
 */
export function validateAccountPubkey(raw: string): DeploymentValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return undefined
  const bytes = decodeBase64(value)
  if (!bytes) return 'pubkeyBase64'
  if (bytes.length !== 33) return 'pubkeyLength'
  return bytes[0] === 0x02 || bytes[0] === 0x03 ? undefined : 'pubkeyPrefix'
}

/** Checks the keyring password: 8 to 256 characters, no control characters (it goes into a shell file). */
export function validateKeyringPassword(value: string): DeploymentValidationKey | undefined {
  if (value.length < KEYRING_PASSWORD_MIN) return 'passwordShort'
  if (value.length > KEYRING_PASSWORD_MAX) return 'passwordLong'
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(value) ? 'passwordControl' : undefined
}

/** Checks HF_HOME: an absolute path (or `~/…`) without characters a shell file or compose would mangle. */
export function validateHfHome(raw: string): DeploymentValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return 'hfHomeRequired'
  if (!value.startsWith('/') && !value.startsWith('~/')) return 'hfHomeAbsolute'
  return /^[~A-Za-z0-9._/+@-]+$/.test(value) && !value.split('/').includes('..') ? undefined : 'hfHomeInvalid'
}

/** Checks the folder of the clone on the servers. */
export function validateDeployDir(raw: string): DeploymentValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return 'dirRequired'
  if (!value.startsWith('/') && value !== '~' && !value.startsWith('~/')) return 'dirInvalid'
  return /^[~A-Za-z0-9._/+@-]+$/.test(value) && !value.split('/').includes('..') ? undefined : 'dirInvalid'
}

/** Checks the repository URL: https://, ssh:// or scp-like `git@host:path`, a local path for tests; no password in it. */
export function validateRepoUrl(raw: string): DeploymentValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return 'repoUrlRequired'
  if (/\s/.test(value) || value.startsWith('-')) return 'repoUrlInvalid'
  if (/^(https?|ssh|git|file):\/\//i.test(value)) {
    try {
      const url = new URL(value)
      if (url.password !== '' || (url.protocol.startsWith('http') && url.username !== ''))
        return 'repoUrlCredentials'
      if (url.protocol !== 'file:' && url.hostname === '') return 'repoUrlInvalid'
      return undefined
    } catch {
      return 'repoUrlInvalid'
    }
  }
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/.test(value)) return undefined
  if (value.startsWith('/')) return undefined
  return 'repoUrlInvalid'
}

/** Checks a git ref as `git check-ref-format` would accept it (branch, tag or commit). */
export function validateRepoRef(raw: string): DeploymentValidationKey | undefined {
  const v = raw.trim()
  if (
    v === '' ||
    v.startsWith('-') ||
    v.startsWith('/') ||
    v.endsWith('/') ||
    v.endsWith('.') ||
    v.endsWith('.lock') ||
    v.includes('..') ||
    v.includes('@{') ||
    v.includes('//') ||
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0020\u007f~^:?*[\\]/.test(v)
  )
    return 'repoRefInvalid'
  return undefined
}

const inRange = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535

/** Ports the network node uses itself; the proxy may not take them. */
const RESERVED_NETWORK_PORTS = new Set([5000, 9100, 9200, 26656, 26657, 26658])

/** Per-field problems of step 4 (field path → message key); empty when everything is fine. */
export type DeploymentProblems = Partial<Record<string, DeploymentValidationKey>>

/** Checks one ML node's settings; `serverIds` are the profile's GPU servers. */
export function validateMlNode(
  node: MlNodeSettings,
  serverIds: readonly string[],
  others: readonly MlNodeSettings[],
): Partial<Record<string, DeploymentValidationKey>> {
  const p: Partial<Record<string, DeploymentValidationKey>> = {}
  if (!serverIds.includes(node.serverId)) p.serverId = 'nodeServerUnknown'
  const id = node.nodeId.trim()
  if (id === '') p.nodeId = 'nodeIdRequired'
  else if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) p.nodeId = 'nodeIdInvalid'
  else if (others.some((o) => o !== node && o.nodeId.trim() === id)) p.nodeId = 'nodeIdDuplicate'
  if (node.models.length === 0) p.models = 'modelsRequired'
  node.models.forEach((m, i) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(m.id.trim())) p[`models.${i}.id`] = 'modelIdInvalid'
    // eslint-disable-next-line no-control-regex
    if (m.args.some((a) => /[\u0000-\u001f\u007f]/.test(a))) p[`models.${i}.args`] = 'argInvalid'
  })
  if (!Number.isInteger(node.maxConcurrent) || node.maxConcurrent < 1 || node.maxConcurrent > 100_000)
    p.maxConcurrent = 'maxConcurrentRange'
  if (!inRange(node.inferencePort)) p.inferencePort = 'portRange'
  if (!inRange(node.pocPort)) p.pocPort = 'portRange'
  if (inRange(node.inferencePort) && node.inferencePort === node.pocPort) p.pocPort = 'portsSame'
  for (const key of ['tensorParallel', 'pipelineParallel'] as const) {
    const v = node[key]
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 64)) p[key] = 'parallelRange'
  }
  return p
}

/**
 * Validates step 4's settings. `gpuServerIds` are the servers that run ML nodes (role `ml` or
 * `combined`). The callback URL override is checked by the derivation (it needs step 5's facts).
 * An empty account key is allowed here (step 3 may provide it later).
 */
export function validateDeploymentSettings(
  s: DeploymentSettings,
  gpuServerIds: readonly string[] = [],
): DeploymentProblems {
  const p: DeploymentProblems = {}
  const set = (field: string, key: DeploymentValidationKey | undefined): void => {
    if (key) p[field] = key
  }
  set('repoUrl', validateRepoUrl(s.repoUrl))
  set('repoRef', validateRepoRef(s.repoRef))
  set('dir', validateDeployDir(s.dir))
  set('publicHost', validatePublicHost(s.publicHost))
  if (s.https && (s.domain ?? '').trim() === '') p.domain = 'domainRequiredForHttps'
  else set('domain', validateDomain(s.domain ?? ''))
  if (!inRange(s.apiPort)) p.apiPort = 'portRange'
  else if (RESERVED_NETWORK_PORTS.has(s.apiPort)) p.apiPort = 'portReserved'
  if (!inRange(s.apiSslPort)) p.apiSslPort = 'portRange'
  else if (RESERVED_NETWORK_PORTS.has(s.apiSslPort)) p.apiSslPort = 'portReserved'
  else if (s.apiSslPort === s.apiPort) p.apiSslPort = 'portsSame'
  set('keyName', validateKeyName(s.keyName))
  set('accountPubkey', validateAccountPubkey(s.accountPubkey ?? ''))
  set('hfHome', validateHfHome(s.hfHome))
  s.mlNodes.forEach((node, i) => {
    for (const [field, key] of Object.entries(validateMlNode(node, gpuServerIds, s.mlNodes)))
      if (key) p[`mlNodes.${i}.${field}`] = key
  })
  return p
}
