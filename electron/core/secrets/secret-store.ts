import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../storage/atomic-file'
import { AppFailure } from '../errors'
import { SealerError, type SealerKind, type SecretSealer } from './sealer'

/** What a secret is for; names are `<kind>:<id>` (`keyring-password:lab`, `mnemonic:gonka1…`). */
export const SECRET_KINDS = ['keyring-password', 'ssh-password', 'mnemonic'] as const
/** One of {@link SECRET_KINDS}. */
export type SecretKind = (typeof SECRET_KINDS)[number]

/** A secret's name: its kind and the profile, server or address it belongs to. */
export const secretNameSchema = z
  .string()
  .regex(/^(keyring-password|ssh-password|mnemonic):[A-Za-z0-9._-]{1,120}$/)
/** See {@link secretNameSchema}. */
export type SecretName = `${SecretKind}:${string}`

/** The store as it can be shown: names and dates, never values. */
export interface SecretListing {
  readonly sealer: SealerKind
  readonly ready: boolean
  readonly needsPassphrase: boolean
  readonly reason?: string
  readonly entries: readonly { readonly name: string; readonly kind: SecretKind; readonly savedAt: string }[]
}

const FILE_NAME = 'secrets.sealed'
const MAGIC = [0x47, 0x48, 0x57, 0x53] // "GHWS"
const VERSION = 1
const SEALER_CODE: Record<SealerKind, number> = { 'os-keychain': 1, passphrase: 2 }

const contentSchema = z.object({
  v: z.literal(1),
  entries: z.record(secretNameSchema, z.object({ value: z.string().max(100_000), savedAt: z.string() })),
})
type Content = z.infer<typeof contentSchema>

/**
 * The one store for every secret the app keeps at rest, in `<dataDir>/secrets.sealed`:
 * a versioned header (magic, version, sealer) followed by what the sealer made of the JSON content.
 * Written atomically (mode 0600); a file sealed by another sealer or a wrong key is reported, never
 * overwritten silently.
 */
export class SecretStore {
  private readonly file: string
  private content: Content | undefined

  constructor(
    dataDir: string,
    private readonly sealer: SecretSealer,
  ) {
    this.file = join(dataDir, FILE_NAME)
  }

  /** The sealer in use (os-keychain in the desktop app, passphrase elsewhere). */
  get kind(): SealerKind {
    return this.sealer.kind
  }

  /** Gives the passphrase for this session (passphrase sealer); checks it against an existing file. */
  async unlock(passphrase: string): Promise<void> {
    if (!this.sealer.unlock)
      throw new AppFailure('UNSUPPORTED', 'This secret store does not use a passphrase.')
    this.sealer.unlock(passphrase)
    this.content = undefined
    try {
      await this.load()
    } catch (error) {
      this.sealer.lock?.()
      throw error
    }
  }

  /** Names, kinds and dates of what is stored, and whether the store can be used now. */
  async list(): Promise<SecretListing> {
    const status = await this.sealer.status()
    const base = {
      sealer: this.sealer.kind,
      ready: status.ready,
      needsPassphrase: status.needsPassphrase,
      ...(status.reason !== undefined ? { reason: status.reason } : {}),
    }
    if (!status.ready) return { ...base, entries: [] }
    const content = await this.load()
    return {
      ...base,
      entries: Object.entries(content.entries).map(([name, e]) => ({
        name,
        kind: name.slice(0, name.indexOf(':')) as SecretKind,
        savedAt: e.savedAt,
      })),
    }
  }

  /** The secret stored under `name`, if any. */
  async get(name: SecretName): Promise<string | undefined> {
    return (await this.load()).entries[name]?.value
  }

  /** Stores `value` under `name`, replacing what was there. */
  async set(name: SecretName, value: string): Promise<void> {
    secretNameSchema.parse(name)
    const content = await this.load()
    const next: Content = {
      v: 1,
      entries: { ...content.entries, [name]: { value, savedAt: new Date().toISOString() } },
    }
    await this.write(next)
  }

  /** Removes one secret; true when it existed. */
  async delete(name: SecretName): Promise<boolean> {
    const content = await this.load()
    if (!(name in content.entries)) return false
    const entries = { ...content.entries }
    delete entries[name]
    await this.write({ v: 1, entries })
    return true
  }

  /**
   * Forgets every secret: overwrites the file with zeros, deletes it, drops the cache and the
   * session passphrase. Works without the passphrase (nothing needs to be read). Returns how many
   * entries were known to this session (0 when the file was never opened).
   */
  async forgetAll(): Promise<{ forgotten: number; hadFile: boolean }> {
    const known = this.content ? Object.keys(this.content.entries).length : 0
    let hadFile = false
    try {
      const size = (await readFile(this.file)).length
      hadFile = true
      await writeFileAtomic(this.file, new Uint8Array(size))
    } catch {
      /* no file: nothing to overwrite */
    }
    await rm(this.file, { force: true })
    this.content = undefined
    this.sealer.lock?.()
    return { forgotten: known, hadFile }
  }

  private header(): Uint8Array {
    return Uint8Array.from([...MAGIC, VERSION, SEALER_CODE[this.sealer.kind]])
  }

  private async load(): Promise<Content> {
    if (this.content) return this.content
    let raw: Uint8Array
    try {
      raw = new Uint8Array(await readFile(this.file))
    } catch {
      await this.requireReady()
      this.content = { v: 1, entries: {} }
      return this.content
    }
    await this.requireReady()
    const header = this.header()
    if (raw.length < header.length || !MAGIC.every((b, i) => raw[i] === b)) {
      throw new AppFailure('STORAGE_FAILED', `${this.file} is not a secrets file of this app.`, {
        hint: 'Forget all secrets to start a new store.',
      })
    }
    if (raw[4] !== VERSION) {
      throw new AppFailure(
        'STORAGE_FAILED',
        `The secrets file has version ${raw[4]}; this app reads ${VERSION}.`,
      )
    }
    if (raw[5] !== header[5]) {
      throw new AppFailure(
        'CONFLICT',
        'The secrets file was sealed another way (OS keychain vs passphrase) than this app uses now.',
        { hint: 'Open it where it was made, or forget all secrets.' },
      )
    }
    try {
      const text = await this.sealer.open(raw.slice(header.length), header)
      this.content = contentSchema.parse(JSON.parse(text))
      return this.content
    } catch (error) {
      if (error instanceof SealerError && error.reason === 'wrong-key') {
        throw new AppFailure('WRONG_PASSPHRASE', error.message, { retryable: true })
      }
      if (error instanceof SealerError) throw new AppFailure('STORAGE_FAILED', error.message)
      throw new AppFailure('STORAGE_FAILED', 'The secrets file could not be read.')
    }
  }

  private async requireReady(): Promise<void> {
    const status = await this.sealer.status()
    if (status.ready) return
    if (status.needsPassphrase) {
      throw new AppFailure('PASSPHRASE_REQUIRED', status.reason ?? 'The secrets passphrase is needed.', {
        retryable: true,
      })
    }
    throw new AppFailure('UNSUPPORTED', status.reason ?? 'Secrets cannot be kept on this computer.')
  }

  private async write(content: Content): Promise<void> {
    await this.requireReady()
    const header = this.header()
    const sealed = await this.sealer.seal(JSON.stringify(content), header)
    const out = new Uint8Array(header.length + sealed.length)
    out.set(header, 0)
    out.set(sealed, header.length)
    await writeFileAtomic(this.file, out, 0o600)
    this.content = content
  }
}
