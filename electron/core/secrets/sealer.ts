// How the secret store's one file is sealed. Two sealers exist: the desktop app's OS keychain
// (Electron safeStorage, adapter in electron/main, injected through ServiceEnvironment) and a
// passphrase (scrypt + XChaCha20-Poly1305 from @noble) for the CLI and browser mode.

/** Where sealed secrets are protected. */
export type SealerKind = 'os-keychain' | 'passphrase'

/** Seals and opens the store's content. Implementations never log what they seal. */
export interface SecretSealer {
  readonly kind: SealerKind
  /**
   * Whether sealing works now; `reason` says why not (no keychain, `basic_text` backend, no
   * passphrase given yet). `needsPassphrase` means `unlock(passphrase)` would make it ready.
   */
  status(): Promise<{ readonly ready: boolean; readonly needsPassphrase: boolean; readonly reason?: string }>
  /** Encrypts the store's JSON text. `header` is bound to the ciphertext where the sealer can (AAD). */
  seal(plaintext: string, header: Uint8Array): Promise<Uint8Array>
  /** Decrypts what {@link seal} made; throws {@link SealerError} on a wrong key or a changed file. */
  open(sealed: Uint8Array, header: Uint8Array): Promise<string>
  /** Passphrase sealers: remember the passphrase for this session. Others ignore it. */
  unlock?(passphrase: string): void
  /** Passphrase sealers: forget the passphrase and derived key. */
  lock?(): void
}

/** A sealed file that cannot be opened: wrong passphrase, another user's keychain, or tampering. */
export class SealerError extends Error {
  readonly reason: 'wrong-key' | 'corrupt' | 'unavailable' | 'locked'
  constructor(reason: SealerError['reason'], message: string) {
    super(message)
    this.name = 'SealerError'
    this.reason = reason
  }
}
