/**
 * Secrets the user typed for this session only (today: the keyring password of each profile). Kept in
 * the service's memory, never written to a profile, a log or a journal, and never sent back to the
 * renderer; gone when the app quits or {@link SessionSecrets.forget} is called.
 */
export class SessionSecrets {
  readonly #keyringPasswords = new Map<string, string>()

  /**
   * `loadStored` reads a keyring password kept at rest (the secret store, `keyring-password:<id>`);
   * {@link resolve} falls back to it when nothing is held for the session.
   */
  constructor(private readonly loadStored?: (profileId: string) => Promise<string | undefined>) {}

  /**
   * The keyring password of a profile: the one held for this session, else the one kept in the secret
   * store (then held for the session). Undefined when neither exists or the store is locked.
   */
  async resolve(profileId: string): Promise<string | undefined> {
    const held = this.#keyringPasswords.get(profileId)
    if (held !== undefined || !this.loadStored) return held
    try {
      const stored = await this.loadStored(profileId)
      if (stored !== undefined) this.#keyringPasswords.set(profileId, stored)
      return stored
    } catch {
      return undefined
    }
  }

  /** The keyring password held for a profile, if any. */
  get(profileId: string): string | undefined {
    return this.#keyringPasswords.get(profileId)
  }

  /** Holds the keyring password of a profile for this session (replaces an earlier one). */
  set(profileId: string, password: string): void {
    this.#keyringPasswords.set(profileId, password)
  }

  /** True when a keyring password is held for the profile. */
  has(profileId: string): boolean {
    return this.#keyringPasswords.has(profileId)
  }

  /** Drops the password of one profile, or of every profile when no id is given. */
  forget(profileId?: string): void {
    if (profileId === undefined) this.#keyringPasswords.clear()
    else this.#keyringPasswords.delete(profileId)
  }

  /** Never serialise a secret by accident (logs, JSON). */
  toJSON(): Record<string, string> {
    return { sessionSecrets: `${this.#keyringPasswords.size} held` }
  }
}
