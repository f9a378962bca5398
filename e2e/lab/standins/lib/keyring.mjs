// The stand-in `file` keyring shared by bin/inferenced and the api stand-in's setup report.
// Layout mirrors Cosmos SDK's (<dir>/keyring-file/<name>.info, <hex of the 20 address bytes>.address,
// keyhash); the file contents are our own JSON (AES-256-GCM under a scrypt key), not Cosmos' JWE.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { addressBytesFromPubkey, addressFromPubkey, fakePubkey } from './common.mjs'

const WORDS =
  'abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across act action actor actress actual adapt add addict address adjust admit adult advance advice aerobic affair afford afraid again age agent agree ahead aim air airport aisle alarm album alcohol alert alien all alley allow almost alone alpha already also alter always amateur amazing among amount amused analyst anchor ancient anger angle angry animal ankle announce annual another answer antenna antique anxiety any apart apology appear apple approve april arch arctic area arena argue arm armed armor army around arrange arrest arrive arrow art artefact artist artwork ask aspect assault asset assist assume asthma athlete atom attack attend attitude attract auction audit august aunt author auto autumn average avocado avoid awake aware away awesome awful awkward axis'.split(
    ' ',
  )

export function keyringFileDir(home) {
  return path.join(home, 'keyring-file')
}

/** Deterministic fake key material for a key name (same name + seed → same address). */
export function deriveKey(name) {
  const seed = `${process.env.STANDIN_KEY_SEED || ''}|${name}`
  const pubkey = fakePubkey(seed)
  const h = crypto.createHash('sha512').update(`mnemonic:${seed}`).digest()
  const mnemonic = Array.from({ length: 24 }, (_, i) => WORDS[h[i % h.length] % WORDS.length]).join(' ')
  return { pubkey, address: addressFromPubkey(pubkey), mnemonic }
}

function kdf(password, salt) {
  return crypto.scryptSync(password, salt, 32, { N: 1 << 14, r: 8, p: 1 })
}

export function hasKeyhash(home) {
  return fs.existsSync(path.join(keyringFileDir(home), 'keyhash'))
}

/** Checks the keyring password against the stored hash; true when no keyring exists yet. */
export function checkPassword(home, password) {
  const f = path.join(keyringFileDir(home), 'keyhash')
  if (!fs.existsSync(f)) return true
  const { salt, hash } = JSON.parse(fs.readFileSync(f, 'utf8'))
  const got = kdf(password, Buffer.from(salt, 'hex')).toString('hex')
  return crypto.timingSafeEqual(Buffer.from(got), Buffer.from(hash))
}

function writeFileAtomic(file, text, mode = 0o600) {
  const tmp = `${file}.tmp-${process.pid}`
  fs.writeFileSync(tmp, text, { mode })
  fs.renameSync(tmp, file)
}

export function listKeys(home) {
  const dir = keyringFileDir(home)
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.info'))
    .sort()
    .map((f) => {
      const info = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))
      return { name: info.name, type: info.type, address: info.address, pubkey: info.pubkey }
    })
}

export function getKey(home, name) {
  return listKeys(home).find((k) => k.name === name) || null
}

/** Stores a key (the caller has checked overwrite rules and the password). */
export function saveKey(home, name, password) {
  const dir = keyringFileDir(home)
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const hashFile = path.join(dir, 'keyhash')
  if (!fs.existsSync(hashFile)) {
    const salt = crypto.randomBytes(16)
    writeFileAtomic(
      hashFile,
      JSON.stringify({ salt: salt.toString('hex'), hash: kdf(password, salt).toString('hex') }),
    )
  }
  const k = deriveKey(name)
  const salt = crypto.randomBytes(16)
  const iv = crypto.randomBytes(12)
  const c = crypto.createCipheriv('aes-256-gcm', kdf(password, salt), iv)
  const data = Buffer.concat([c.update(k.mnemonic, 'utf8'), c.final()])
  const info = {
    standin: 'Gonka Host Wizard stand-in keyring entry (fake key, not usable on any chain)',
    name,
    type: 'local',
    address: k.address,
    pubkey: k.pubkey,
    secret: {
      salt: salt.toString('hex'),
      iv: iv.toString('hex'),
      tag: c.getAuthTag().toString('hex'),
      data: data.toString('hex'),
    },
  }
  writeFileAtomic(path.join(dir, `${name}.info`), JSON.stringify(info, null, 2) + '\n')
  // As Cosmos SDK names it (addrHexKeyAsString): hex of the 20 address bytes + `.address`, so the
  // address can be read from the file name without the password, as on a real server.
  const addrHex = addressBytesFromPubkey(k.pubkey).toString('hex')
  writeFileAtomic(path.join(dir, `${addrHex}.address`), JSON.stringify({ name }) + '\n')
  return k
}

/** Pubkey JSON string as Cosmos prints it in `keys` output. */
export function pubkeyJson(pubkey) {
  return JSON.stringify({ '@type': '/cosmos.crypto.secp256k1.PubKey', key: pubkey })
}
