import { AppFailure } from '../errors'
import { knownHostsName, type HostKey } from './host-key'
import { judgeKnownHosts, knownKeyTypes, readKnownHostsFile, type TrustVerdict } from './known-hosts'
import type { PinStore } from './pin-store'

/** Host-key algorithms in the order ssh2 should ask for them; SHA-1 `ssh-rsa` signatures are never offered. */
const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
]

/** What the trust decision for one presented key was, with the key itself. */
export interface TrustDecision {
  readonly key: HostKey
  readonly verdict: TrustVerdict
}

/**
 * Decides whether a presented host key is trusted, from the app's pins and read-only known_hosts files.
 * It also remembers the last key each host presented in this session, so an accept can be checked
 * against exactly what the user was shown.
 */
export class HostKeyTrust {
  private readonly seen = new Map<string, HostKey>()

  constructor(
    private readonly pins: PinStore | undefined,
    /**
     * known_hosts files to consult, read on every check (they are small, and users edit them); a
     * function when the list can grow while the service runs.
     */
    private readonly knownHostsSource: readonly string[] | (() => readonly string[]),
  ) {}

  private get knownHostsFiles(): readonly string[] {
    return typeof this.knownHostsSource === 'function' ? this.knownHostsSource() : this.knownHostsSource
  }

  /** Judges `key` for host:port. Any source that holds this very key makes it trusted. */
  async judge(host: string, port: number, key: HostKey): Promise<TrustVerdict> {
    this.seen.set(knownHostsName(host, port), key)
    const verdicts: TrustVerdict[] = []
    for (const file of this.knownHostsFiles) {
      verdicts.push(judgeKnownHosts(await readKnownHostsFile(file), host, port, key, file))
    }
    const revoked = verdicts.find((v) => v.status === 'revoked')
    if (revoked) return revoked
    if (this.pins) {
      const pinned = await this.pins.get(host, port)
      if (pinned.some((p) => p.publicKey === key.publicKey)) {
        return { status: 'trusted', source: this.pins.path }
      }
      const sameType = pinned.find((p) => p.keyType === key.keyType)
      if (sameType) {
        verdicts.push({
          status: 'changed',
          expected: { keyType: sameType.keyType, fingerprint: sameType.fingerprint },
          source: this.pins.path,
        })
      } else if (pinned.length > 0) {
        verdicts.push({ status: 'unknown', otherKnownTypes: pinned.map((p) => p.keyType) })
      }
    }
    const trusted = verdicts.find((v) => v.status === 'trusted')
    if (trusted) return trusted
    const changed = verdicts.find((v) => v.status === 'changed')
    if (changed) return changed
    const others = verdicts.flatMap((v) => (v.status === 'unknown' ? v.otherKnownTypes : []))
    return { status: 'unknown', otherKnownTypes: [...new Set(others)] }
  }

  /** The key host:port presented most recently in this session, if any. */
  lastSeen(host: string, port: number): HostKey | undefined {
    return this.seen.get(knownHostsName(host, port))
  }

  /** Records a key seen by another path (the CLI's own check); used by tests too. */
  remember(host: string, port: number, key: HostKey): void {
    this.seen.set(knownHostsName(host, port), key)
  }

  /** Host-key algorithms to offer: the ones already known for this host first (avoids false "unknown"). */
  async algorithmsFor(host: string, port: number): Promise<string[]> {
    const types = new Set<string>()
    for (const file of this.knownHostsFiles) {
      for (const t of knownKeyTypes(await readKnownHostsFile(file), host, port)) types.add(t)
    }
    if (this.pins) for (const p of await this.pins.get(host, port)) types.add(p.keyType)
    const preferred = DEFAULT_HOST_KEY_ALGOS.filter((algo) =>
      [...types].some((t) => t === algo || (t === 'ssh-rsa' && algo.startsWith('rsa-sha2-'))),
    )
    return [...preferred, ...DEFAULT_HOST_KEY_ALGOS.filter((a) => !preferred.includes(a))]
  }

  /**
   * Pins the key the user accepted, but only if it is exactly the one this host presented last:
   * a different key in between means the user did not see what would be trusted.
   */
  async accept(host: string, port: number, fingerprint: string): Promise<HostKey> {
    const seen = this.requireSeen(host, port, fingerprint)
    const verdict = await this.judge(host, port, seen)
    if (verdict.status === 'changed' || verdict.status === 'revoked') {
      throw hostKeyFailure(host, port, seen, verdict)
    }
    if (!this.pins) throw new AppFailure('UNSUPPORTED', 'This runtime has no pinned host key store.')
    await this.pins.pin(host, port, seen)
    return seen
  }

  /**
   * Replaces a pinned key deliberately: `oldFingerprint` must be what is trusted now for that key type,
   * and `newFingerprint` what the host presented last.
   */
  async replace(
    host: string,
    port: number,
    oldFingerprint: string,
    newFingerprint: string,
  ): Promise<HostKey> {
    const seen = this.requireSeen(host, port, newFingerprint)
    const verdict = await this.judge(host, port, seen)
    if (verdict.status === 'trusted') return seen
    if (verdict.status === 'revoked') throw hostKeyFailure(host, port, seen, verdict)
    if (verdict.status !== 'changed' || verdict.expected.fingerprint !== oldFingerprint) {
      throw new AppFailure(
        'CONFLICT',
        'The old fingerprint given is not the key trusted for this host now.',
        {
          hint: 'Test the connection again and use the fingerprints it reports.',
          retryable: false,
          details: { host, port, oldFingerprint },
        },
      )
    }
    if (!this.pins) throw new AppFailure('UNSUPPORTED', 'This runtime has no pinned host key store.')
    await this.pins.unpin(host, port, oldFingerprint)
    await this.pins.pin(host, port, seen)
    return seen
  }

  private requireSeen(host: string, port: number, fingerprint: string): HostKey {
    const seen = this.lastSeen(host, port)
    if (!seen) {
      throw new AppFailure('NOT_FOUND', `No host key from ${host}:${port} was seen in this session.`, {
        hint: 'Test the connection first; then accept the fingerprint it shows.',
        retryable: false,
        details: { host, port },
      })
    }
    if (seen.fingerprint !== fingerprint) {
      throw new AppFailure('CONFLICT', `The host key of ${host}:${port} is not the one you accepted.`, {
        hint: 'The server presented a different key since it was shown. Test the connection again and compare.',
        retryable: false,
        details: { host, port, accepted: fingerprint, presented: seen.fingerprint },
      })
    }
    return seen
  }
}

/** The failure for a key that is not trusted, with the details the UI needs to explain it. */
export function hostKeyFailure(host: string, port: number, key: HostKey, verdict: TrustVerdict): AppFailure {
  switch (verdict.status) {
    case 'unknown':
      return new AppFailure('HOST_KEY_UNKNOWN', `The host key of ${host}:${port} is not known yet.`, {
        hint:
          'Compare the fingerprint with the one the server shows on its console ' +
          '(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and accept it only if they are equal.',
        retryable: false,
        details: {
          host,
          port,
          keyType: key.keyType,
          fingerprint: key.fingerprint,
          ...(verdict.otherKnownTypes.length > 0
            ? { otherKnownTypes: verdict.otherKnownTypes.join(',') }
            : {}),
        },
      })
    case 'changed':
      return new AppFailure(
        'HOST_KEY_CHANGED',
        `The host key of ${host}:${port} has changed: it was ${verdict.expected.fingerprint}, now it is ${key.fingerprint}. ` +
          'Either the server was reinstalled or its keys were replaced, or someone is intercepting the connection.',
        {
          hint:
            'Do not continue until you know why. Ask whoever runs the server whether the key was replaced and ' +
            'compare the new fingerprint on its console; only then replace the trusted key deliberately.',
          retryable: false,
          details: {
            host,
            port,
            keyType: key.keyType,
            fingerprint: key.fingerprint,
            expectedFingerprint: verdict.expected.fingerprint,
            expectedKeyType: verdict.expected.keyType,
            source: verdict.source,
          },
        },
      )
    case 'revoked':
      return new AppFailure('HOST_KEY_CHANGED', `The host key of ${host}:${port} is marked @revoked.`, {
        hint: `The key is listed as revoked in ${verdict.source}. Do not connect; ask the server's owner for its new key.`,
        retryable: false,
        details: {
          host,
          port,
          keyType: key.keyType,
          fingerprint: key.fingerprint,
          revoked: true,
          source: verdict.source,
        },
      })
    case 'trusted':
      return new AppFailure('INTERNAL', 'A trusted key was reported as a failure.')
  }
}
