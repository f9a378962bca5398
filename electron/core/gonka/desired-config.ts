import type { DeployFacts } from '../../shared/deploy-facts'
import {
  CALLBACK_PORT,
  DEFAULT_INFERENCE_PORT,
  DEFAULT_POC_PORT,
  P2P_PUBLIC_PORT,
  defaultDeploymentSettings,
  isIpv6,
  validateAccountPubkey,
  validateHfHome,
  validateKeyName,
  validateKeyringPassword,
  validatePublicHost,
  validateDomain,
  type DeploymentSettings,
  type DeploymentValidationKey,
  type MlNodeSettings,
} from '../../shared/deployment'
import { validateSeedApiUrl, type Profile, type ServerRole } from '../../shared/profile'
import { DOCKER_INTERNAL_CALLBACK, callbackUrlFor, checkCallbackUrl } from './callback-url'
import {
  findVar,
  getVar,
  parseConfigEnv,
  placeholderNames,
  setVar,
  writeConfigEnv,
  type ConfigEnvDocument,
} from './config-env'

/** Where a derived value came from: an i18n key (under `config.source.*`) and its values. */
export interface DerivedSource {
  readonly key: string
  readonly params?: Record<string, string>
}

/** One value the app sets in config.env, with where it came from. Secrets are masked. */
export interface DerivedValue {
  readonly name: string
  readonly value: string
  readonly source: DerivedSource
}

/** Something that blocks or weakens the configuration: the field, an i18n key (`config.validation.*`) and values. */
export interface ConfigProblem {
  /** Profile field (`deployment.publicHost`, `keyringPassword`, …) or `config.env:<VAR>`. */
  readonly field: string
  readonly key: string
  readonly params?: Record<string, string>
}

/** Input of {@link desiredConfigEnv}. */
export interface DesiredConfigInput {
  readonly role: ServerRole
  /** The repository's `deploy/join/config.env.template` on that server. */
  readonly template: string
  /** The server's existing `deploy/join/config.env`, when there is one (its own edits are kept). */
  readonly current?: string
  readonly profile: Profile
  /** The keyring password held for this session (network / combined only); never stored. */
  readonly keyringPassword?: string
  readonly facts?: DeployFacts
  /** The server the file is for (ML servers: picks its ML node's ports and HF_HOME free space). */
  readonly serverId?: string
}

/** What config.env should be on one server. */
export interface DesiredConfigEnv {
  /** The whole file to write (contains the keyring password on network/combined servers: mode 0600). */
  readonly text: string
  /** Every variable the app set → its value; secrets masked as {@link SECRET_MASK}. */
  readonly values: Record<string, string>
  /** Names whose values are secrets (mask them in diffs with {@link maskSecrets}). */
  readonly secretNames: string[]
  readonly derived: DerivedValue[]
  readonly problems: ConfigProblem[]
}

/** What a secret's value is shown as. */
export const SECRET_MASK = '********'

/** Variables whose values are secrets in config.env (the app never shows them). */
export const SECRET_VARIABLES = [
  'KEYRING_PASSWORD',
  'JAEGER_BASIC_AUTH_PASSWORD',
  'GRAFANA_ADMIN_PASSWORD',
  'CERT_ISSUER_JWT_SECRET',
  'CF_DNS_API_TOKEN',
  'AWS_SECRET_ACCESS_KEY',
  'AZURE_CLIENT_SECRET',
  'DO_AUTH_TOKEN',
  'HETZNER_API_KEY',
  'GCE_SERVICE_ACCOUNT_JSON_B64',
  'POSTGRES_PASSWORD',
  'PGPASSWORD',
] as const

/** The settings a variable is made from: a problem there already explains a placeholder left in it. */
const OWNER_FIELDS: Record<string, readonly string[]> = {
  KEY_NAME: ['deployment.keyName'],
  KEYRING_PASSWORD: ['keyringPassword'],
  ACCOUNT_PUBKEY: ['deployment.accountPubkey'],
  PUBLIC_URL: ['deployment.publicHost', 'deployment.domain'],
  P2P_EXTERNAL_ADDRESS: ['deployment.publicHost', 'deployment.domain'],
}

const V = (key: DeploymentValidationKey): string => `config.validation.${key}`

/** Strips trailing slashes from a seed URL (`<seed>/chain-rpc/` must not get a double slash). */
function seedBase(seed: string): string {
  return seed.trim().replace(/\/+$/, '')
}

/** The public URL of the proxy from the settings. */
export function publicUrlOf(d: DeploymentSettings): { url: string; params: Record<string, string> } {
  const domain = (d.domain ?? '').trim()
  const host = d.https && domain !== '' ? domain : domain !== '' ? domain : d.publicHost.trim()
  const scheme = d.https && domain !== '' ? 'https' : 'http'
  const port = scheme === 'https' ? d.apiSslPort : d.apiPort
  const defaultPort = scheme === 'https' ? 443 : 80
  const hostPart = isIpv6(host) ? `[${host}]` : host
  return {
    url: `${scheme}://${hostPart}${port === defaultPort ? '' : `:${port}`}`,
    params: { scheme, host, port: String(port) },
  }
}

/** The ML node settings of one server, when there are any. */
function mlNodeOf(d: DeploymentSettings, serverId: string | undefined): MlNodeSettings | undefined {
  if (serverId === undefined) return undefined
  return d.mlNodes.find((n) => n.serverId === serverId)
}

/**
 * Computes the config.env a server should have: starts from `current` when the server already has one
 * (keeping the user's edits, unknown variables, comments and duplicates), else from `template`, and
 * sets only the variables the app owns for that role. Pure.
 */
export function desiredConfigEnv(input: DesiredConfigInput): DesiredConfigEnv {
  const { role, profile } = input
  const facts = input.facts ?? {}
  const d = profile.deployment ?? defaultDeploymentSettings()
  const base = input.current !== undefined && input.current.trim() !== '' ? input.current : input.template
  let doc: ConfigEnvDocument = parseConfigEnv(base)
  const derived: DerivedValue[] = []
  const problems: ConfigProblem[] = []
  const secretNames = new Set<string>()
  const values: Record<string, string> = {}
  const runsNetwork = role === 'network' || role === 'combined'
  const runsMl = role === 'ml' || role === 'combined'

  const set = (
    name: string,
    value: string,
    source: DerivedSource,
    options: { secret?: boolean } = {},
  ): void => {
    doc = setVar(doc, name, value, options.secret ? { quote: 'always' } : {})
    values[name] = options.secret ? SECRET_MASK : value
    if (options.secret) secretNames.add(name)
    derived.push({ name, value: options.secret ? SECRET_MASK : value, source })
  }
  const problem = (field: string, key: DeploymentValidationKey, params?: Record<string, string>): void => {
    problems.push({ field, key: V(key), ...(params ? { params } : {}) })
  }
  /** The server's own value of a variable, unless it is still a template placeholder or empty. */
  const kept = (name: string): string | undefined => {
    const e = findVar(doc, name)
    return e && !e.placeholder && e.value !== '' ? e.value : undefined
  }

  // KEY_NAME (also on ML servers: the file must source without placeholders).
  const keyName = d.keyName.trim()
  const keyProblem = validateKeyName(keyName)
  if (keyProblem) problem('deployment.keyName', keyProblem)
  else set('KEY_NAME', keyName, { key: 'config.source.keyName' })

  // KEYRING_PASSWORD: only network/combined servers hold it.
  if (runsNetwork) {
    if (input.keyringPassword !== undefined) {
      const pwProblem = validateKeyringPassword(input.keyringPassword)
      if (pwProblem) problem('keyringPassword', pwProblem)
      else
        set(
          'KEYRING_PASSWORD',
          input.keyringPassword,
          { key: 'config.source.keyringPassword' },
          { secret: true },
        )
    } else if (kept('KEYRING_PASSWORD') !== undefined) {
      secretNames.add('KEYRING_PASSWORD')
      derived.push({
        name: 'KEYRING_PASSWORD',
        value: SECRET_MASK,
        source: { key: 'config.source.keptOnServer' },
      })
    } else problem('keyringPassword', 'passwordMissing')
  } else if (findVar(doc, 'KEYRING_PASSWORD')?.placeholder) {
    set('KEYRING_PASSWORD', '', { key: 'config.source.notOnMlServer' })
  }

  // PUBLIC_URL and P2P_EXTERNAL_ADDRESS.
  const hostProblem = validatePublicHost(d.publicHost)
  const domainProblem =
    d.https && (d.domain ?? '').trim() === '' ? 'domainRequiredForHttps' : validateDomain(d.domain ?? '')
  if (hostProblem) problem('deployment.publicHost', hostProblem)
  if (domainProblem) problem('deployment.domain', domainProblem)
  if (!hostProblem && !domainProblem) {
    const pub = publicUrlOf(d)
    set('PUBLIC_URL', pub.url, {
      key: d.https ? 'config.source.publicUrlHttps' : 'config.source.publicUrlHttp',
      params: pub.params,
    })
    const host = d.publicHost.trim().replace(/^\[|\]$/g, '')
    set('P2P_EXTERNAL_ADDRESS', `tcp://${isIpv6(host) ? `[${host}]` : host}:${P2P_PUBLIC_PORT}`, {
      key: 'config.source.p2pAddress',
      params: { host, port: String(P2P_PUBLIC_PORT) },
    })
  }
  if (runsNetwork) {
    set('API_PORT', String(d.apiPort), { key: 'config.source.apiPort' })
    set('API_SSL_PORT', String(d.apiSslPort), { key: 'config.source.apiSslPort' })
  }

  // ACCOUNT_PUBKEY: the api exits when it is empty.
  const pubkey = (d.accountPubkey ?? '').trim()
  const pubkeyProblem = validateAccountPubkey(pubkey)
  if (pubkeyProblem) problem('deployment.accountPubkey', pubkeyProblem)
  else if (pubkey !== '') set('ACCOUNT_PUBKEY', pubkey, { key: 'config.source.accountPubkey' })
  else if (kept('ACCOUNT_PUBKEY') === undefined && runsNetwork)
    problem('deployment.accountPubkey', 'pubkeyMissing')

  // HF_HOME and the ML node's host ports.
  if (runsMl) {
    const hfProblem = validateHfHome(d.hfHome)
    if (hfProblem) problem('deployment.hfHome', hfProblem)
    else {
      set('HF_HOME', d.hfHome.trim(), { key: 'config.source.hfHome' })
      const free = input.serverId !== undefined ? facts.hfFreeGb?.[input.serverId] : undefined
      const node = mlNodeOf(d, input.serverId)
      const chosen = new Set((node?.models ?? []).map((m) => m.id.toLowerCase()))
      const need = (facts.models ?? [])
        .filter((m) => chosen.has(m.id.toLowerCase()))
        .reduce((sum, m) => sum + (m.weightsGb ?? 0), 0)
      if (free !== undefined && need > 0 && free < need)
        problem('deployment.hfHome', 'hfHomeSpace', {
          path: d.hfHome.trim(),
          freeGb: String(free),
          needGb: String(need),
          server: input.serverId ?? '',
        })
    }
    if (role === 'ml') {
      const node = mlNodeOf(d, input.serverId)
      set('INFERENCE_PORT', String(node?.inferencePort ?? DEFAULT_INFERENCE_PORT), {
        key: 'config.source.inferencePort',
      })
      set('PORT', String(node?.pocPort ?? DEFAULT_POC_PORT), { key: 'config.source.pocPort' })
    }
  }

  // Seed URLs from step 2's seed.
  const seed = (profile.seedApiUrl ?? '').trim()
  if (seed !== '' && validateSeedApiUrl(seed) === undefined) {
    const baseUrl = seedBase(seed)
    const rpc = `${baseUrl}/chain-rpc/`
    const seedHost = new URL(baseUrl).hostname
    const p2pPort = String(facts.seedP2pPort ?? P2P_PUBLIC_PORT)
    set('SEED_API_URL', baseUrl, { key: 'config.source.seed', params: { seed: baseUrl } })
    set('SEED_NODE_RPC_URL', rpc, { key: 'config.source.seedRpc', params: { seed: baseUrl } })
    set('SEED_NODE_P2P_URL', `tcp://${seedHost}:${p2pPort}`, {
      key: 'config.source.seedP2p',
      params: { host: seedHost, port: p2pPort },
    })
    set('RPC_SERVER_URL_1', rpc, { key: 'config.source.seedRpc', params: { seed: baseUrl } })
    // State sync wants two RPC servers: keep the file's second one when it is already a /chain-rpc/ URL.
    const second = kept('RPC_SERVER_URL_2')
    if (second !== undefined && second !== rpc && /^https?:\/\/[^\s]+\/chain-rpc\/$/.test(second))
      derived.push({
        name: 'RPC_SERVER_URL_2',
        value: second,
        source: { key: 'config.source.keptSecondRpc' },
      })
    else set('RPC_SERVER_URL_2', rpc, { key: 'config.source.seedRpc', params: { seed: baseUrl } })
  } else {
    // No (valid) seed chosen in step 2: the file's own seed settings stay as they are.
    for (const name of ['SEED_API_URL', 'SEED_NODE_RPC_URL', 'SEED_NODE_P2P_URL']) {
      const v = kept(name)
      if (v !== undefined) derived.push({ name, value: v, source: { key: 'config.source.seedFromFile' } })
    }
  }

  // DAPI_API__POC_CALLBACK_URL: where the ML nodes post PoC batches.
  if (runsNetwork) {
    const topology = profile.topology
    const override = (d.callbackUrl ?? '').trim()
    if (topology === 'single' && override === '') {
      set('DAPI_API__POC_CALLBACK_URL', DOCKER_INTERNAL_CALLBACK, { key: 'config.source.callbackSingle' })
    } else if (override !== '') {
      const bad = checkCallbackUrl(override, topology, facts)
      if (bad) problem('deployment.callbackUrl', bad.key, bad.params)
      else set('DAPI_API__POC_CALLBACK_URL', override, { key: 'config.source.callbackOverride' })
    } else {
      const network = profile.servers.find((s) => s.role === 'network')
      const address = (facts.networkPrivateAddress ?? network?.address ?? '').trim()
      if (address === '') problem('deployment.callbackUrl', 'callbackNoNetwork')
      else {
        const url = callbackUrlFor(address)
        const bad = checkCallbackUrl(url, topology, facts)
        if (bad) problem('deployment.callbackUrl', bad.key, bad.params)
        else
          set('DAPI_API__POC_CALLBACK_URL', url, {
            key: facts.networkPrivateAddress
              ? 'config.source.callbackPrivate'
              : 'config.source.callbackNetworkAddress',
            params: { server: network?.name ?? '', address, port: String(CALLBACK_PORT) },
          })
      }
    }
  }

  // Anything still `<FILLIN>` would make `. ./config.env` fail with a syntax error.
  for (const name of placeholderNames(doc)) {
    const owner = OWNER_FIELDS[name]
    if (owner && problems.some((p) => owner.includes(p.field))) continue
    problem(`config.env:${name}`, 'placeholderLeft', { name })
  }
  for (const name of SECRET_VARIABLES)
    if (getVar(doc, name) !== undefined && name !== 'KEYRING_PASSWORD') secretNames.add(name)

  return { text: writeConfigEnv(doc), values, secretNames: [...secretNames], derived, problems }
}

/** The text with every secret variable's value replaced by {@link SECRET_MASK} (for diffs and previews). */
export function maskSecrets(text: string, secretNames: readonly string[]): string {
  const names = new Set(secretNames)
  const doc = parseConfigEnv(text)
  return writeConfigEnv({
    entries: doc.entries.map((e) =>
      e.kind === 'assignment' && names.has(e.name) && !e.placeholder && e.value !== ''
        ? {
            ...e,
            rawValue: `'${SECRET_MASK}'`,
            value: SECRET_MASK,
            expands: false,
            unterminated: false,
            eol: e.unterminated ? '\n' : e.eol,
          }
        : e,
    ),
  })
}

/** The vLLM args of one model with the layout flags set from the node's tensor/pipeline settings. */
export function argsWithLayout(
  args: readonly string[],
  node: Pick<MlNodeSettings, 'tensorParallel' | 'pipelineParallel'>,
): string[] {
  const out = [...args]
  const put = (flag: string, value: number | undefined): void => {
    if (value === undefined) return
    const i = out.findIndex((a) => a === flag || a.startsWith(`${flag}=`))
    if (i < 0) out.push(flag, String(value))
    else if (out[i]?.includes('=')) out[i] = `${flag}=${value}`
    else out.splice(i, 2, flag, String(value))
  }
  put('--tensor-parallel-size', node.tensorParallel)
  put('--pipeline-parallel-size', node.pipelineParallel)
  return out
}

/** The admin-API / node-config.json object of one ML node. */
export interface InferenceNodeConfig {
  readonly id: string
  readonly host: string
  readonly inference_port: number
  readonly poc_port: number
  readonly max_concurrent: number
  readonly models: Record<string, { args: string[] }>
}

/**
 * The ML node entry as the network node's api registers it. One machine: host `inference` and the
 * container ports 5000/8080 (same compose network); split: the ML server's bare address and its host ports.
 */
export function inferenceNodeConfig(profile: Profile, node: MlNodeSettings): InferenceNodeConfig {
  const server = profile.servers.find((s) => s.id === node.serverId)
  const single = profile.topology === 'single' || server?.role === 'combined'
  const models: Record<string, { args: string[] }> = {}
  for (const m of node.models) models[m.id] = { args: argsWithLayout(m.args, node) }
  return {
    id: node.nodeId,
    host: single ? 'inference' : (server?.address ?? '').replace(/^\[|\]$/g, ''),
    inference_port: single ? 5000 : node.inferencePort,
    poc_port: single ? 8080 : node.pocPort,
    max_concurrent: node.maxConcurrent,
    models,
  }
}

/** The single-machine `node-config.json` (read once by api on its first start) for a server. */
export function nodeConfigJson(profile: Profile, serverId: string): string {
  const d = profile.deployment ?? defaultDeploymentSettings()
  const nodes = d.mlNodes.filter((n) => n.serverId === serverId).map((n) => inferenceNodeConfig(profile, n))
  return `${JSON.stringify(nodes, null, 2)}\n`
}
