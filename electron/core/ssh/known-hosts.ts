import { createHmac } from 'node:crypto'
import { readFile, appendFile, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fingerprintOf, knownHostsName, type HostKey } from './host-key'

/** One usable line of a known_hosts file. */
export interface KnownHostsEntry {
  /** `@revoked` keys are refused wherever they appear; `@cert-authority` lines are not host keys. */
  readonly marker?: 'revoked' | 'cert-authority'
  /** The host pattern field as written (comma list, possibly `|1|salt|hash`). */
  readonly hosts: string
  readonly keyType: string
  readonly publicKey: string
  readonly fingerprint: string
  /** 1-based line number, for messages that tell the user which line to remove. */
  readonly line: number
}

/** Parses a known_hosts text; malformed lines are skipped like OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = []
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, index) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const fields = line.split(/\s+/)
    let marker: KnownHostsEntry['marker']
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()
      if (m === '@revoked') marker = 'revoked'
      else if (m === '@cert-authority') marker = 'cert-authority'
      else return
    }
    const [hosts, keyType, publicKey] = fields
    if (hosts === undefined || keyType === undefined || publicKey === undefined) return
    let blob: Buffer
    try {
      blob = Buffer.from(publicKey, 'base64')
    } catch {
      return
    }
    if (blob.length === 0) return
    entries.push({
      ...(marker ? { marker } : {}),
      hosts,
      keyType,
      publicKey,
      fingerprint: fingerprintOf(blob),
      line: index + 1,
    })
  })
  return entries
}

/** Glob match with OpenSSH's `*` and `?` wildcards. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  )
  return re.test(value)
}

/** Whether the hashed form `|1|salt|hmac` names `name` (HMAC-SHA1 keyed with the salt). */
function hashedMatch(field: string, name: string): boolean {
  const parts = field.split('|')
  // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1' || parts[2] === undefined || parts[3] === undefined) return false
  const salt = Buffer.from(parts[2], 'base64')
  const digest = createHmac('sha1', salt).update(name).digest('base64')
  return digest === parts[3]
}

/**
 * Whether the host field of a known_hosts line names `host:port`. Handles hashed entries, `[host]:port`,
 * comma lists, wildcards and `!negation` (a negated match excludes the line even if another pattern matches).
 */
export function hostFieldMatches(field: string, host: string, port: number): boolean {
  const name = knownHostsName(host, port)
  if (field.startsWith('|')) return hashedMatch(field, name)
  let matched = false
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!')
    const p = negated ? pattern.slice(1) : pattern
    if (globMatch(p, name)) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

/** What the known keys say about the key a server presented. */
export type TrustVerdict =
  | { readonly status: 'trusted'; readonly source: string }
  | { readonly status: 'unknown'; readonly otherKnownTypes: readonly string[] }
  | {
      readonly status: 'changed'
      readonly expected: { readonly keyType: string; readonly fingerprint: string }
      readonly source: string
    }
  | { readonly status: 'revoked'; readonly source: string }

/**
 * Judges a presented key against entries that name this host: revoked → refused; equal key → trusted;
 * a different key of the same type → changed (as OpenSSH); only other types known → unknown.
 */
export function judgeKnownHosts(
  entries: readonly KnownHostsEntry[],
  host: string,
  port: number,
  presented: HostKey,
  source: string,
): TrustVerdict {
  const forHost = entries.filter(
    (e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, host, port),
  )
  // A revoked key is refused for every host, not only the one it was listed with (sshd(8)).
  const revoked = entries.find((e) => e.marker === 'revoked' && e.publicKey === presented.publicKey)
  if (revoked) return { status: 'revoked', source: `${source}:${revoked.line}` }
  const plain = forHost.filter((e) => e.marker === undefined)
  const same = plain.find((e) => e.publicKey === presented.publicKey)
  if (same) return { status: 'trusted', source: `${source}:${same.line}` }
  const sameType = plain.find((e) => e.keyType === presented.keyType)
  if (sameType) {
    return {
      status: 'changed',
      expected: { keyType: sameType.keyType, fingerprint: sameType.fingerprint },
      source: `${source}:${sameType.line}`,
    }
  }
  return { status: 'unknown', otherKnownTypes: [...new Set(plain.map((e) => e.keyType))] }
}

/** Key types known for a host, so the handshake can ask for those first (as OpenSSH does). */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], host: string, port: number): string[] {
  return [
    ...new Set(
      entries
        .filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, host, port))
        .map((e) => e.keyType),
    ),
  ]
}

/** Reads a known_hosts file; a missing file is simply empty. */
export async function readKnownHostsFile(path: string): Promise<KnownHostsEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/** The OpenSSH line for a key: `host ssh-ed25519 AAAA…` (`[host]:port` off port 22). */
export function formatKnownHostsLine(host: string, port: number, key: HostKey): string {
  return `${knownHostsName(host, port)} ${key.keyType} ${key.publicKey}`
}

/** Appends one key to a known_hosts file (created with mode 0600 if missing), as `ssh` with accept-new does. */
export async function appendKnownHost(path: string, host: string, port: number, key: HostKey): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  let prefix = ''
  try {
    const current = await readFile(path, 'utf8')
    if (current.length > 0 && !current.endsWith('\n')) prefix = '\n'
  } catch {
    /* new file */
  }
  await appendFile(path, `${prefix}${formatKnownHostsLine(host, port, key)}\n`, { mode: 0o600 })
}
