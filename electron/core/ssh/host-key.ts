import { createHash } from 'node:crypto'

/** A server's public host key as the SSH handshake delivered it. */
export interface HostKey {
  /** The algorithm name inside the key blob, e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  readonly keyType: string
  /** `SHA256:<base64 without padding>`, the same string `ssh-keygen -l -E sha256` prints. */
  readonly fingerprint: string
  /** The key blob, base64 (the middle field of a known_hosts line). */
  readonly publicKey: string
}

/** The OpenSSH fingerprint of a raw key blob. */
export function fingerprintOf(blob: Uint8Array): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')
}

/** Reads the algorithm name that starts every SSH public key blob (a uint32 length and the name). */
export function keyTypeOf(blob: Uint8Array): string {
  const buf = Buffer.from(blob)
  if (buf.length < 4) return 'unknown'
  const len = buf.readUInt32BE(0)
  if (len === 0 || len > 64 || 4 + len > buf.length) return 'unknown'
  return buf.subarray(4, 4 + len).toString('latin1')
}

/** Builds a {@link HostKey} from the raw blob the handshake delivered. */
export function hostKeyFromBlob(blob: Uint8Array): HostKey {
  return {
    keyType: keyTypeOf(blob),
    fingerprint: fingerprintOf(blob),
    publicKey: Buffer.from(blob).toString('base64'),
  }
}

/** Whether a string looks like an OpenSSH SHA256 fingerprint (what a user can copy from `ssh-keygen -l`). */
export function isFingerprint(value: string): boolean {
  return /^SHA256:[A-Za-z0-9+/]{43}$/.test(value)
}

/** The OpenSSH known_hosts name of a host: bare for port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  return port === 22 ? bare.toLowerCase() : `[${bare.toLowerCase()}]:${port}`
}
