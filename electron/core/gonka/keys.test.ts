import { describe, expect, it } from 'vitest'
import { base64, bech32 } from '@scure/base'
import {
  accountFromMnemonic,
  accountFromPubkey,
  checkMnemonic,
  createMnemonic,
  deriveAccount,
  hdPath,
  isBech32Address,
  KeyInputError,
  pubkeyToAddress,
  type KeyProblem,
} from './keys'

// Published vectors, read with the search tool from their sources:
// - cosmjs `packages/proto-signing/src/directsecp256k1hdwallet.spec.ts` and `testutils.spec.ts`
//   (default path m/44'/118'/0'/0/0): "special sign fit …", the 24-word faucet "economy stock …" with its
//   base64 pubkey, and "oyster design …" ("creates the same address as Go implementation").
// - the all-`abandon … about` phrase at m/44'/118'/0'/0/0 → cosmos19rl4…dal4, asserted in several
//   independent wallet test suites, which also assert m/44'/330'/0'/0/0 → terra1amdt…sllv: a second
//   coin type through the same code path, so the coin type really reaches the path.
const ABANDON =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
const FAUCET =
  'economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone'

function problemOf(fn: () => unknown): KeyProblem | undefined {
  try {
    fn()
  } catch (error) {
    if (error instanceof KeyInputError) return error.problem
    throw error
  }
  return undefined
}

describe('account key derivation against published vectors', () => {
  it('derives cosmjs and wallet-suite vectors at coin type 118', () => {
    expect(deriveAccount(ABANDON, 118, 'cosmos').address).toBe(
      'cosmos19rl4cm2hmr8afy4kldpxz3fka4jguq0auqdal4',
    )
    const special = deriveAccount(
      'special sign fit simple patrol salute grocery chicken wheat radar tonight ceiling',
      118,
      'cosmos',
    )
    expect(special.address).toBe('cosmos1jhg0e7s6gn44tfc5k37kr04sznyhedtc9rzys5')
    expect(Buffer.from(base64.decode(special.pubkey)).toString('hex')).toBe(
      '02baa4ef93f2ce84592a49b1d729c074eab640112522a7a89f7d03ebab21ded7b6',
    )
    expect(
      deriveAccount(
        'oyster design unusual machine spread century engine gravity focus cave carry slot',
        118,
        'cosmos',
      ).address,
    ).toBe('cosmos1cjsxept9rkggzxztslae9ndgpdyt2408lk850u')
  })

  it('derives the 24-word cosmjs faucet through the same function the app uses', () => {
    expect(accountFromMnemonic(FAUCET, { coinType: 118, prefix: 'cosmos' })).toEqual({
      address: 'cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6',
      pubkey: 'A08EGB7ro1ORuFhjOnZcSgwYlpe0DSFjVNUIkNNQxwKQ',
    })
  })

  it('puts the coin type into the path (terra 330 vector) and uses 1200 with gonka by default', () => {
    expect(deriveAccount(ABANDON, 330, 'terra').address).toBe('terra1amdttz2937a3dytmxmkany53pp6ma6dy4vsllv')
    expect(hdPath()).toBe("m/44'/1200'/0'/0/0")
    const gonka = accountFromMnemonic(FAUCET)
    const cosmos = accountFromMnemonic(FAUCET, { coinType: 118, prefix: 'cosmos' })
    expect(gonka.address.startsWith('gonka1')).toBe(true)
    // Coin type 1200 gives another key than 118 (a wallet that used 118 would show another account).
    expect(gonka.pubkey).not.toBe(cosmos.pubkey)
    // Pinned so a library upgrade that changed the derivation would fail here.
    expect(gonka).toEqual({
      address: 'gonka1kr8kwwzl93t7ufxrz8qxqs8n2q8v37935m25pn',
      pubkey: 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/',
    })
    expect(deriveAccount(ABANDON, 1200, 'gonka').address).toBe('gonka1k4swv40ur28fvu54p8mskjj4lxkgsj07u9f8ny')
  })

  it('maps a pubkey to the address the chain derives (same 20 bytes as the cosmjs vector, gonka prefix)', () => {
    const pubkey = base64.decode('A08EGB7ro1ORuFhjOnZcSgwYlpe0DSFjVNUIkNNQxwKQ')
    const gonka = pubkeyToAddress(pubkey)
    const cosmosBytes = bech32.fromWords(bech32.decode('cosmos1pkptre7fdkl6gfrzlesjjvhxhlc3r4gmmk8rs6').words)
    expect(bech32.fromWords(bech32.decode(gonka as `${string}1${string}`).words)).toEqual(cosmosBytes)
    expect(accountFromPubkey('A08EGB7ro1ORuFhjOnZcSgwYlpe0DSFjVNUIkNNQxwKQ')).toEqual({
      address: gonka,
      pubkey: 'A08EGB7ro1ORuFhjOnZcSgwYlpe0DSFjVNUIkNNQxwKQ',
    })
  })
})

describe('creating a key', () => {
  it('makes 24 valid words, different each time, that import to the same account', () => {
    const a = createMnemonic()
    const b = createMnemonic()
    expect(a.split(' ')).toHaveLength(24)
    expect(a).not.toBe(b)
    expect(checkMnemonic(a)).toBe(a)
    expect(accountFromMnemonic(a)).toEqual(accountFromMnemonic(`  ${a.toUpperCase().replace(/ /g, '\n ')} `))
  })
})

describe('import refuses what is not a usable key', () => {
  it('refuses a wrong word count, an unknown word and a bad checksum, without echoing the words', () => {
    expect(problemOf(() => accountFromMnemonic(ABANDON))).toBe('word-count')
    const words = FAUCET.split(' ')
    expect(problemOf(() => accountFromMnemonic(words.slice(0, 23).join(' ')))).toBe('word-count')
    const unknown = [...words.slice(0, 5), 'gonkaword', ...words.slice(6)].join(' ')
    expect(problemOf(() => accountFromMnemonic(unknown))).toBe('unknown-word')
    const swapped = [...words.slice(0, 22), words[23], words[22]].join(' ')
    expect(problemOf(() => accountFromMnemonic(swapped))).toBe('checksum')
    try {
      accountFromMnemonic(swapped)
    } catch (error) {
      for (const w of words) expect((error as Error).message).not.toContain(` ${w} `)
    }
  })

  it('refuses a 65-byte key, a wrong length, bad base64 and 33 bytes off the curve', () => {
    const compressed = base64.decode('A08EGB7ro1ORuFhjOnZcSgwYlpe0DSFjVNUIkNNQxwKQ')
    const uncompressed = new Uint8Array(65)
    uncompressed[0] = 4
    expect(problemOf(() => accountFromPubkey(base64.encode(uncompressed)))).toBe('pubkey-uncompressed')
    expect(problemOf(() => accountFromPubkey(base64.encode(compressed.slice(0, 32))))).toBe('pubkey-length')
    expect(problemOf(() => accountFromPubkey('not base64 at all!'))).toBe('pubkey-base64')
    const offCurve = new Uint8Array(33)
    offCurve[0] = 2
    offCurve.fill(0xff, 1)
    expect(problemOf(() => accountFromPubkey(base64.encode(offCurve)))).toBe('pubkey-not-on-curve')
    const badPrefix = compressed.slice()
    badPrefix[0] = 5
    expect(problemOf(() => accountFromPubkey(base64.encode(badPrefix)))).toBe('pubkey-not-on-curve')
  })

  it('refuses an address alone and says the public key cannot be recovered from it', () => {
    const address = accountFromMnemonic(FAUCET).address
    expect(isBech32Address(address)).toBe(true)
    try {
      accountFromPubkey(address)
      expect.unreachable()
    } catch (error) {
      expect((error as KeyInputError).problem).toBe('address-only')
      expect((error as Error).message).toMatch(/cannot be recovered/)
    }
  })
})
