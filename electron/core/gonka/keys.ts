// The account (cold) key, made and read on this computer only. Every primitive comes from the audited
// @scure/@noble libraries; this file only chooses the parameters `inferenced keys add` uses
// (gonka-upstream-checked.md §2): BIP39 24 words, empty BIP39 passphrase, BIP32 secp256k1 at
// m/44'/1200'/0'/0/0, address = bech32("gonka", ripemd160(sha256(33-byte compressed pubkey))).
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { HDKey } from '@scure/bip32'
import { base64, bech32 } from '@scure/base'
import { sha256 } from '@noble/hashes/sha2.js'
import { ripemd160 } from '@noble/hashes/legacy.js'
import { secp256k1 } from '@noble/curves/secp256k1.js'

/** Gonka's SLIP-44 coin type (`inference-chain/cmd/inferenced/cmd/config.go`). */
export const GONKA_COIN_TYPE = 1200
/** Bech32 prefix of Gonka account addresses. */
export const GONKA_ADDRESS_PREFIX = 'gonka'
/** Words in a mnemonic made here (256 bits of entropy, the Cosmos SDK default). */
export const MNEMONIC_WORDS = 24

/** The HD path `inferenced keys add` uses for coin type `coinType`: m/44'/coin'/0'/0/0. */
export function hdPath(coinType: number = GONKA_COIN_TYPE): string {
  return `m/44'/${coinType}'/0'/0/0`
}

/** What can be told about an account key without its private part. */
export interface AccountKey {
  /** `gonka1…` (or another prefix in vector tests). */
  readonly address: string
  /** Base64 of the 33-byte compressed secp256k1 public key: `ACCOUNT_PUBKEY` in config.env. */
  readonly pubkey: string
}

/** Why a key could not be read. The message never contains the input. */
export type KeyProblem =
  | 'word-count'
  | 'unknown-word'
  | 'checksum'
  | 'pubkey-base64'
  | 'pubkey-length'
  | 'pubkey-uncompressed'
  | 'pubkey-not-on-curve'
  | 'address-only'

/** A refused key; `problem` says which rule, `message` is safe to show and log (no key material). */
export class KeyInputError extends Error {
  readonly problem: KeyProblem
  constructor(problem: KeyProblem, message: string) {
    super(message)
    this.name = 'KeyInputError'
    this.problem = problem
  }
}

/** Splits typed words on any whitespace and lower-cases them (what a user pastes, not what we store). */
export function normalizeMnemonic(text: string): string[] {
  return text.normalize('NFKD').trim().toLowerCase().split(/\s+/u).filter(Boolean)
}

/** A fresh 24-word mnemonic from the platform's secure random source. */
export function createMnemonic(): string {
  return generateMnemonic(wordlist, 256)
}

/**
 * Checks a mnemonic as typed: exactly 24 English BIP39 words with a valid checksum. Returns the
 * canonical single-spaced form. Throws {@link KeyInputError} without echoing any word.
 */
export function checkMnemonic(text: string): string {
  const words = normalizeMnemonic(text)
  if (words.length !== MNEMONIC_WORDS) {
    throw new KeyInputError(
      'word-count',
      `A Gonka account key has ${MNEMONIC_WORDS} words; ${words.length} were given.`,
    )
  }
  const unknown = words.findIndex((w) => !wordlist.includes(w))
  if (unknown >= 0) {
    throw new KeyInputError('unknown-word', `Word ${unknown + 1} is not in the BIP39 English word list.`)
  }
  const phrase = words.join(' ')
  if (!validateMnemonic(phrase, wordlist)) {
    throw new KeyInputError(
      'checksum',
      'The words fail the BIP39 checksum: one of them is wrong or two are swapped.',
    )
  }
  return phrase
}

/** The address for a 33-byte compressed secp256k1 public key: bech32(prefix, ripemd160(sha256(key))). */
export function pubkeyToAddress(pubkey: Uint8Array, prefix: string = GONKA_ADDRESS_PREFIX): string {
  if (pubkey.length !== 33) throw new KeyInputError('pubkey-length', 'The public key must be 33 bytes.')
  return bech32.encode(prefix, bech32.toWords(ripemd160(sha256(pubkey))))
}

/**
 * Derives the account key from a mnemonic (checked first) at m/44'/coinType'/0'/0/0 with an empty
 * BIP39 passphrase. The private key and seed exist only inside this call and are wiped before it returns.
 */
export function accountFromMnemonic(
  mnemonic: string,
  options: { coinType?: number; prefix?: string } = {},
): AccountKey {
  const phrase = checkMnemonic(mnemonic)
  return deriveAccount(phrase, options.coinType ?? GONKA_COIN_TYPE, options.prefix ?? GONKA_ADDRESS_PREFIX)
}

/**
 * The derivation without the 24-word rule, for published vectors that use 12 words. The checksum is
 * still required.
 */
export function deriveAccount(phrase: string, coinType: number, prefix: string): AccountKey {
  if (!validateMnemonic(phrase, wordlist)) {
    throw new KeyInputError('checksum', 'The words fail the BIP39 checksum.')
  }
  const seed = mnemonicToSeedSync(phrase, '')
  const root = HDKey.fromMasterSeed(seed)
  const child = root.derive(hdPath(coinType))
  const pubkey = child.publicKey
  try {
    if (!pubkey) throw new Error('HD derivation gave no public key')
    return { address: pubkeyToAddress(pubkey, prefix), pubkey: base64.encode(pubkey) }
  } finally {
    child.wipePrivateData()
    root.wipePrivateData()
    seed.fill(0)
  }
}

/** A bech32 account address with `prefix` (shape and checksum only). */
export function isBech32Address(text: string, prefix: string = GONKA_ADDRESS_PREFIX): boolean {
  try {
    const decoded = bech32.decode(text.trim() as `${string}1${string}`)
    return decoded.prefix === prefix && bech32.fromWords(decoded.words).length === 20
  } catch {
    return false
  }
}

/**
 * Reads a public key as `keys add` prints it (`key` of the pubkey JSON): base64 of 33 bytes,
 * compressed, a real secp256k1 point. Refuses a bech32 address (the public key cannot be recovered
 * from its hash) and the 65-byte uncompressed form.
 */
export function accountFromPubkey(text: string, prefix: string = GONKA_ADDRESS_PREFIX): AccountKey {
  const trimmed = text.trim()
  if (isBech32Address(trimmed, prefix)) {
    throw new KeyInputError(
      'address-only',
      'This is an address, not a public key. An address is a hash of the public key, so the key ' +
        'cannot be recovered from it, and config.env needs the key itself (ACCOUNT_PUBKEY). Copy the ' +
        '"key" value from the pubkey that `inferenced keys add` or `keys show` printed.',
    )
  }
  let bytes: Uint8Array
  try {
    bytes = base64.decode(trimmed)
  } catch {
    throw new KeyInputError('pubkey-base64', 'The public key is not valid base64.')
  }
  if (bytes.length === 65) {
    throw new KeyInputError(
      'pubkey-uncompressed',
      'This is a 65-byte uncompressed public key; Gonka needs the 33-byte compressed form (starting with 02 or 03).',
    )
  }
  if (bytes.length !== 33) {
    throw new KeyInputError(
      'pubkey-length',
      `A compressed secp256k1 public key is 33 bytes; this one is ${bytes.length}.`,
    )
  }
  try {
    secp256k1.Point.fromBytes(bytes).assertValidity()
  } catch {
    throw new KeyInputError('pubkey-not-on-curve', 'These 33 bytes are not a point on the secp256k1 curve.')
  }
  return { address: pubkeyToAddress(bytes, prefix), pubkey: base64.encode(bytes) }
}
