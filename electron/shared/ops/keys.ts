import { z } from 'zod'
import { op } from '../op'

/** An account (cold) key as it may be shown and stored: never its words or private part. */
export interface AccountKeyView {
  /** `gonka1…` */
  readonly address: string
  /** Base64 of the 33-byte compressed secp256k1 public key (`ACCOUNT_PUBKEY` in config.env). */
  readonly pubkey: string
}

/** A new key's ceremony: the words, returned this one time only, and the positions to re-type. */
export interface NewAccountKey extends AccountKeyView {
  readonly ceremonyId: string
  /** The 24 words. Shown once; the service drops them when the ceremony ends. */
  readonly words: readonly string[]
  /** 1-based positions the user will re-type, sorted. */
  readonly checkPositions: readonly number[]
}

/** Why an imported key was refused (`keys.problem.<key>` in the locales). */
export const KEY_PROBLEMS = [
  'word-count',
  'unknown-word',
  'checksum',
  'pubkey-base64',
  'pubkey-length',
  'pubkey-uncompressed',
  'pubkey-not-on-curve',
  'address-only',
] as const

/** Where and how secrets are kept at rest, with the names (never the values) of what is kept. */
export interface SecretsStatus {
  readonly sealer: 'os-keychain' | 'passphrase'
  readonly ready: boolean
  readonly needsPassphrase: boolean
  readonly reason?: string
  readonly entries: readonly { readonly name: string; readonly kind: string; readonly savedAt: string }[]
}

const ceremonyId = z.string().regex(/^[a-f0-9]{32}$/)

/** The result of confirming or importing a key. */
export interface AccountKeyResult extends AccountKeyView {
  /** True when the words were kept, encrypted, in the secret store. */
  readonly kept: boolean
  /** The profile whose `deployment.accountPubkey` now holds this key, when one was given. */
  readonly savedTo?: string
}

/** A saved profile's id (the key's public key is written to its `deployment.accountPubkey`). */
const profileId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)

/** Account key on this computer (step 3) and the secret store. */
export const keyOps = {
  /** Makes a new 24-word account key and starts its ceremony. The only operation that returns words. */
  createAccountKey: op<NewAccountKey>()(z.object({}).strict()),
  /**
   * Checks the re-typed words. Right: the ceremony ends, the words are dropped (or kept encrypted when
   * `keep`), and the key is returned. Wrong: INVALID_INPUT with `fields["answers.<position>"]`.
   */
  confirmAccountKey: op<AccountKeyResult>()(
    z
      .object({
        ceremonyId,
        answers: z
          .array(z.object({ position: z.number().int().min(1).max(24), word: z.string().max(32) }).strict())
          .max(24),
        keep: z.boolean().default(false),
        profileId: profileId.optional(),
      })
      .strict(),
  ),
  /** Ends a ceremony without a key; its words are dropped. */
  cancelAccountKey: op<{ cancelled: boolean }>()(z.object({ ceremonyId }).strict()),
  /**
   * Reads an existing key: the 24 words or the base64 public key (exactly one). A bech32 address alone
   * is refused (the key cannot be recovered from it). Refusals are INVALID_INPUT with
   * `fields.mnemonic|pubkey = keys.problem.<problem>`; the words never appear in any answer.
   */
  importAccountKey: op<AccountKeyResult>()(
    z
      .object({
        mnemonic: z.string().max(1000).optional(),
        pubkey: z.string().max(300).optional(),
        keep: z.boolean().default(false),
        profileId: profileId.optional(),
      })
      .strict()
      .refine((v) => (v.mnemonic === undefined) !== (v.pubkey === undefined), {
        message: 'Give either mnemonic or pubkey.',
      }),
  ),
  /** The secret store: which sealer, whether it can be used, and the names of what it keeps. */
  getSecretsStatus: op<SecretsStatus>()(z.object({}).strict()),
  /** Gives the passphrase of the passphrase-sealed store for this session (CLI and browser mode). */
  unlockSecrets: op<SecretsStatus>()(z.object({ passphrase: z.string().min(8).max(1024) }).strict()),
  /**
   * "Forget all secrets": the secret store's file (keyring passwords, SSH passwords, kept words), the
   * store's session passphrase and the SSH passwords and passphrases held in memory this session.
   */
  forgetAllSecrets: op<{ stored: number; hadFile: boolean; session: number }>()(z.object({}).strict()),
} as const
