// Ansible Vault 1.1 (AES256) encryption, so `ansible-vault` and `ansible-playbook --ask-vault-pass`
// open the vars file the Ansible export writes. Format (Ansible's VaultAES256): PBKDF2-SHA256 with
// 10000 iterations over a 32-byte salt gives 80 bytes: AES-256 key, HMAC-SHA256 key, CTR counter.
// The PKCS#7-padded text is encrypted with AES-256-CTR; the HMAC covers the ciphertext. The body is
// hex(salt) "\n" hex(hmac) "\n" hex(ciphertext), hex-encoded once more and wrapped at 80 columns.
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'

const HEADER = '$ANSIBLE_VAULT;1.1;AES256'

function keys(password: string, salt: Buffer): { key: Buffer; hmacKey: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 10_000, 80, 'sha256')
  return { key: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), iv: derived.subarray(64, 80) }
}

/** Encrypts `plaintext` as an Ansible Vault 1.1 file (text, ending with a newline). */
export function vaultEncrypt(plaintext: string, password: string, salt: Buffer = randomBytes(32)): string {
  const { key, hmacKey, iv } = keys(password, salt)
  const data = Buffer.from(plaintext, 'utf8')
  const pad = 16 - (data.length % 16)
  const padded = Buffer.concat([data, Buffer.alloc(pad, pad)])
  const cipher = createCipheriv('aes-256-ctr', key, iv)
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()])
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest('hex')
  const body = Buffer.from(`${salt.toString('hex')}\n${hmac}\n${ciphertext.toString('hex')}`, 'utf8').toString('hex')
  const lines = body.match(/.{1,80}/g) ?? []
  return `${HEADER}\n${lines.join('\n')}\n`
}

/** Decrypts an Ansible Vault 1.1 AES256 text; throws when the password is wrong or the text damaged. */
export function vaultDecrypt(text: string, password: string): string {
  const [header, ...rest] = text.trim().split('\n')
  if (header?.trim() !== HEADER) throw new Error('Not an Ansible Vault 1.1 AES256 file.')
  const inner = Buffer.from(rest.join('').trim(), 'hex').toString('utf8').split('\n')
  const [saltHex, hmacHex, cipherHex] = inner
  if (saltHex === undefined || hmacHex === undefined || cipherHex === undefined) throw new Error('Damaged vault.')
  const { key, hmacKey, iv } = keys(password, Buffer.from(saltHex, 'hex'))
  const ciphertext = Buffer.from(cipherHex, 'hex')
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest()
  const given = Buffer.from(hmacHex, 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('Wrong vault password.')
  const decipher = createDecipheriv('aes-256-ctr', key, iv)
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()])
  const pad = padded[padded.length - 1] ?? 0
  return padded.subarray(0, padded.length - pad).toString('utf8')
}
