import { z } from 'zod'
import { deploymentSettingsSchema } from './deployment'

/** The profile file format version this build writes and reads. A newer file is set aside, not read. */
export const PROFILE_SCHEMA_VERSION = 1

/** How the deployment is laid out. */
export const TOPOLOGIES = ['single', 'split'] as const
/** single = network + ML node on one GPU server; split = one network server + any number of ML servers. */
export type Topology = (typeof TOPOLOGIES)[number]

/** The role a server plays. `combined` is the single-machine role (network node and ML node). */
export const SERVER_ROLES = ['network', 'ml', 'combined'] as const
/** One of {@link SERVER_ROLES}. */
export type ServerRole = (typeof SERVER_ROLES)[number]

/** How the app authenticates to a server. The secret itself (password, passphrase) is never stored here. */
export const AUTH_METHODS = ['agent', 'key', 'password'] as const
/** One of {@link AUTH_METHODS}. */
export type AuthMethod = (typeof AUTH_METHODS)[number]

/** Server names: what the user calls the machine (shown in the rail, logs, the topology picture). */
const NAME_MAX = 64

/** Longest seed API URL a profile keeps. */
export const SEED_URL_MAX = 2048

/** A server as stored in a profile. */
export const serverSchema = z.object({
  id: z.string().min(1).max(64),
  name: z.string().max(NAME_MAX),
  address: z.string().max(253),
  port: z.number().int().min(1).max(65535),
  user: z.string().max(32),
  auth: z.enum(AUTH_METHODS),
  keyPath: z.string().max(4096).optional(),
  role: z.enum(SERVER_ROLES),
  /** The server this one is reached through (ProxyJump), by id. */
  jumpHostId: z.string().max(64).optional(),
})
/** A server as stored in a profile. */
export type Server = z.infer<typeof serverSchema>

/** A profile: one deployment (one network node and its ML nodes). */
export const profileSchema = z.object({
  schemaVersion: z.literal(PROFILE_SCHEMA_VERSION),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  name: z.string().min(1).max(80),
  topology: z.enum(TOPOLOGIES),
  servers: z.array(serverSchema).max(64),
  /**
   * The seed node's public API the model list is read from (`GET <seed>/v1/governance/models`), for
   * example `http://node2.gonka.ai:8000`. Optional (absent in older files). Kept lenient here so a
   * bad value never makes a whole profile unreadable; {@link validateSeedApiUrl} says what is wrong.
   */
  seedApiUrl: z.string().max(SEED_URL_MAX).optional(),
  /**
   * An OpenSSH known_hosts file the CLI consults for this profile's hosts (written by
   * `cli profile init --known-hosts`), in addition to the app's pinned keys and ~/.ssh/known_hosts.
   */
  knownHostsPath: z.string().max(4096).optional(),
  /**
   * Step 4's settings (deployment files, public address, keys, HF_HOME, ML nodes). Optional (absent in
   * older files); lenient on read, `validateDeploymentSettings` says what is wrong. Never a secret.
   */
  deployment: deploymentSettingsSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
/** A profile: one deployment (one network node and its ML nodes). */
export type Profile = z.infer<typeof profileSchema>

/** A short listing entry for the profile picker. */
export interface ProfileSummary {
  readonly id: string
  readonly name: string
  readonly topology: Topology
  readonly serverCount: number
  readonly updatedAt: string
}

/** A profile file that could not be read and was set aside. */
export interface ProfileProblem {
  readonly file: string
  readonly reason: 'corrupt' | 'newer-version'
  /** Where the file was moved to (never overwritten, never deleted). */
  readonly movedTo: string
}

/**
 * Validation message keys, shared by the renderer (translated under `validation.*`) and core.
 * The key set is closed so a locale test can prove every one is translated.
 */
export const VALIDATION_KEYS = [
  'nameRequired',
  'nameTooLong',
  'nameDuplicate',
  'addressRequired',
  'addressHasScheme',
  'addressHasPath',
  'addressHasUserOrPort',
  'addressInvalid',
  'portRange',
  'userRequired',
  'userInvalid',
  'keyPathRequired',
  'serverDuplicate',
  'splitNeedsNetwork',
  'splitOneNetwork',
  'splitNeedsMl',
  'singleNeedsOne',
  'profileNameRequired',
  'seedUrlInvalid',
  'seedUrlScheme',
  'seedUrlCredentials',
  'seedUrlQuery',
] as const
/** One of {@link VALIDATION_KEYS}. */
export type ValidationKey = (typeof VALIDATION_KEYS)[number]

const HOSTNAME_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** True for an IPv4 address, an IPv6 address (optionally in brackets) or a DNS host name. */
export function isHostAddress(value: string): boolean {
  if (IPV4.test(value)) return true
  const v6 = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value
  if (v6.includes(':'))
    return /^[0-9A-Fa-f:.]+$/.test(v6) && v6.split(':').length >= 3 && v6.split(':').length <= 8
  if (/^[\d.]+$/.test(value)) return false // looks numeric but is not a valid IPv4 address
  return value.length <= 253 && value.split('.').every((label) => HOSTNAME_LABEL.test(label))
}

/** Checks one address and says what is wrong with it in terms the user can act on. */
export function validateAddress(raw: string): ValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return 'addressRequired'
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'addressHasScheme'
  if (value.includes('/')) return 'addressHasPath'
  if (value.includes('@')) return 'addressHasUserOrPort'
  if (!value.startsWith('[') && value.split(':').length === 2) return 'addressHasUserOrPort'
  if (!isHostAddress(value)) return 'addressInvalid'
  return undefined
}

/**
 * Checks a seed API URL as the user typed it: an absolute http:// or https:// URL with a host, no user
 * name or password in it, and no query or fragment (a path prefix is allowed). Empty means "not set"
 * and is fine.
 */
export function validateSeedApiUrl(raw: string): ValidationKey | undefined {
  const value = raw.trim()
  if (value === '') return undefined
  if (value.length > SEED_URL_MAX) return 'seedUrlInvalid'
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)
  if (!scheme) return 'seedUrlInvalid'
  const name = (scheme[1] ?? '').toLowerCase()
  if (name !== 'http' && name !== 'https') return 'seedUrlScheme'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'seedUrlInvalid'
  }
  if (!/^https?:\/\//i.test(value) || url.hostname === '') return 'seedUrlInvalid'
  if (url.username !== '' || url.password !== '' || /^https?:\/\/[^/?#]*@/i.test(value))
    return 'seedUrlCredentials'
  if (url.search !== '' || url.hash !== '' || /[?#]/.test(value)) return 'seedUrlQuery'
  return undefined
}

/** The fields of one server as the form edits them (port is free text until validated). */
export interface ServerDraft {
  readonly id: string
  readonly name: string
  readonly address: string
  readonly port: string | number
  readonly user: string
  readonly auth: AuthMethod
  readonly keyPath?: string
  readonly role: ServerRole
  readonly jumpHostId?: string
}

/** Per-field problems of one server draft: field → message key. Empty when the server is valid. */
export type ServerFieldErrors = Partial<
  Record<'name' | 'address' | 'port' | 'user' | 'keyPath', ValidationKey>
>

/** Parses a port typed by the user; undefined when it is not a whole number in 1..65535. */
export function parsePort(raw: string | number): number | undefined {
  const text = String(raw).trim()
  if (!/^\d{1,5}$/.test(text)) return undefined
  const n = Number(text)
  return n >= 1 && n <= 65535 ? n : undefined
}

/** Checks a login user name (POSIX-style, at most 32 characters); undefined when it is fine. */
export function validateUser(raw: string): ValidationKey | undefined {
  const user = raw.trim()
  if (user === '') return 'userRequired'
  if (user !== raw || !/^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(user)) return 'userInvalid'
  return undefined
}

/** Normalises an address for comparisons (case-insensitive host names, no brackets). */
function addressKey(address: string): string {
  return address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
}

/**
 * Validates one server against the others in the profile: required fields, address form, port range,
 * duplicate names and duplicate address+port+user.
 */
export function validateServer(draft: ServerDraft, others: readonly ServerDraft[]): ServerFieldErrors {
  const errors: ServerFieldErrors = {}
  const name = draft.name.trim()
  const rest = others.filter((o) => o.id !== draft.id)
  if (name === '') errors.name = 'nameRequired'
  else if (name.length > NAME_MAX) errors.name = 'nameTooLong'
  else if (rest.some((o) => o.name.trim().toLowerCase() === name.toLowerCase())) errors.name = 'nameDuplicate'
  const addressProblem = validateAddress(draft.address)
  if (addressProblem) errors.address = addressProblem
  const port = parsePort(draft.port)
  if (port === undefined) errors.port = 'portRange'
  const user = draft.user.trim()
  const userProblem = validateUser(user)
  if (userProblem) errors.user = userProblem
  if (draft.auth === 'key' && (draft.keyPath ?? '').trim() === '') errors.keyPath = 'keyPathRequired'
  if (!errors.address && port !== undefined && !errors.user) {
    const dup = rest.some(
      (o) =>
        addressKey(o.address) === addressKey(draft.address) &&
        parsePort(o.port) === port &&
        o.user.trim() === user,
    )
    if (dup) errors.address = 'serverDuplicate'
  }
  return errors
}

/** Checks that the servers fit the topology; returns the first problem's key, or undefined. */
export function validateTopology(
  topology: Topology,
  servers: readonly Pick<ServerDraft, 'role'>[],
): ValidationKey | undefined {
  if (topology === 'single') {
    return servers.length === 1 && servers[0]?.role === 'combined' ? undefined : 'singleNeedsOne'
  }
  const networks = servers.filter((s) => s.role === 'network').length
  if (networks === 0) return 'splitNeedsNetwork'
  if (networks > 1) return 'splitOneNetwork'
  if (!servers.some((s) => s.role === 'ml')) return 'splitNeedsMl'
  if (servers.some((s) => s.role === 'combined')) return 'splitNeedsMl'
  return undefined
}

/** What {@link validateProfile} found: per-server field errors (by server id), topology and name problems. */
export interface ProfileCheck {
  readonly servers: Readonly<Record<string, ServerFieldErrors>>
  readonly topology?: ValidationKey
  readonly name?: ValidationKey
}

/** Validates a whole profile: per-server field errors (by server id) and the topology problem. */
export function validateProfile(profile: Pick<Profile, 'name' | 'topology' | 'servers'>): ProfileCheck {
  const servers: Record<string, ServerFieldErrors> = {}
  for (const s of profile.servers) {
    const e = validateServer(s, profile.servers)
    if (Object.keys(e).length > 0) servers[s.id] = e
  }
  const topology = validateTopology(profile.topology, profile.servers)
  const name = profile.name.trim() === '' ? ('profileNameRequired' as const) : undefined
  return { servers, ...(topology ? { topology } : {}), ...(name ? { name } : {}) }
}

/** True when {@link validateProfile} found nothing. */
export function isProfileValid(result: ProfileCheck): boolean {
  return Object.keys(result.servers).length === 0 && !result.topology && !result.name
}
