import { scryptAsync } from '@noble/hashes/scrypt.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { SealerError, type SecretSealer } from './sealer'

/** scrypt work factor log2(N) for new files: 2^18 (256 MiB, as the security reference asks for at rest). */
export const DEFAULT_SCRYPT_LOG_N = 18
/** Files asking for more than 2^20 are refused before any work (a planted file cannot stall the app). */
const MAX_SCRYPT_LOG_N = 20
const SALT_BYTES = 16
const NONCE_BYTES = 24

/**
 * Payload layout (after the store's own header, which is the AEAD's associated data):
 * `logN(1) r(1) p(1) salt(16) nonce(24) ciphertext+tag`.
 */
export function createPassphraseSealer(options: { logN?: number; passphrase?: string } = {}): SecretSealer {
  const logN = options.logN ?? DEFAULT_SCRYPT_LOG_N
  let passphrase: string | undefined = options.passphrase
  // The key derived for the last salt used, so a write after a read does not run scrypt again.
  let cached: { salt: Uint8Array; logN: number; key: Uint8Array } | undefined

  async function keyFor(salt: Uint8Array, n: number, r: number, p: number): Promise<Uint8Array> {
    if (passphrase === undefined)
      throw new SealerError('locked', 'The secrets passphrase has not been given.')
    if (cached && cached.logN === n && equal(cached.salt, salt)) return cached.key
    const key = await scryptAsync(passphrase.normalize('NFKC'), salt, {
      N: 2 ** n,
      r,
      p,
      dkLen: 32,
      maxmem: 2 ** (n + 11),
    })
    cached?.key.fill(0)
    cached = { salt: salt.slice(), logN: n, key }
    return key
  }

  return {
    kind: 'passphrase',
    status: () =>
      Promise.resolve(
        passphrase === undefined
          ? { ready: false, needsPassphrase: true, reason: 'The secrets passphrase has not been given.' }
          : { ready: true, needsPassphrase: false },
      ),
    async seal(plaintext, header) {
      const salt = cached && cached.logN === logN ? cached.salt : randomBytes(SALT_BYTES)
      const key = await keyFor(salt, logN, 8, 1)
      const nonce = randomBytes(NONCE_BYTES)
      const body = xchacha20poly1305(key, nonce, header).encrypt(new TextEncoder().encode(plaintext))
      const out = new Uint8Array(3 + SALT_BYTES + NONCE_BYTES + body.length)
      out.set([logN, 8, 1], 0)
      out.set(salt, 3)
      out.set(nonce, 3 + SALT_BYTES)
      out.set(body, 3 + SALT_BYTES + NONCE_BYTES)
      return out
    },
    async open(sealed, header) {
      if (sealed.length < 3 + SALT_BYTES + NONCE_BYTES + 16)
        throw new SealerError('corrupt', 'The secrets file is truncated.')
      const [n = 0, r = 0, p = 0] = sealed
      if (n < 10 || n > MAX_SCRYPT_LOG_N || r < 1 || r > 32 || p < 1 || p > 4) {
        throw new SealerError(
          'corrupt',
          'The secrets file asks for key-derivation settings this app refuses.',
        )
      }
      const salt = sealed.slice(3, 3 + SALT_BYTES)
      const nonce = sealed.slice(3 + SALT_BYTES, 3 + SALT_BYTES + NONCE_BYTES)
      const key = await keyFor(salt, n, r, p)
      try {
        const plain = xchacha20poly1305(key, nonce, header).decrypt(
          sealed.slice(3 + SALT_BYTES + NONCE_BYTES),
        )
        return new TextDecoder().decode(plain)
      } catch {
        cached = undefined
        throw new SealerError('wrong-key', 'The secrets passphrase is wrong, or the file was changed.')
      }
    },
    unlock(next) {
      if (next !== passphrase) {
        cached?.key.fill(0)
        cached = undefined
      }
      passphrase = next
    },
    lock() {
      cached?.key.fill(0)
      cached = undefined
      passphrase = undefined
    },
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}
