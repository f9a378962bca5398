// Passphrase encryption in the age format (scrypt recipient), readable by the standard `age` tool.
import { Decrypter, Encrypter } from 'age-encryption'

/** Encrypts `data` with `passphrase` (age scrypt recipient). `logN` lowers the work factor in tests only. */
export async function ageEncrypt(data: Uint8Array, passphrase: string, logN?: number): Promise<Uint8Array> {
  const e = new Encrypter()
  e.setPassphrase(passphrase)
  if (logN !== undefined) e.setScryptWorkFactor(logN)
  return e.encrypt(data)
}

/** Decrypts an age file with `passphrase`; throws when the passphrase does not open it. */
export async function ageDecrypt(data: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const d = new Decrypter()
  d.addPassphrase(passphrase)
  return d.decrypt(data, 'uint8array')
}
