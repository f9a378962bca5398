import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { accountFromPubkey } from '../gonka/keys'
import { parseKeyringFiles } from './key-actions'

// The warm key read from the keyring folder's file names alone (no password, no container): Cosmos SDK's
// `file` keyring keeps `<name>.info` and `<hex of the 20 address bytes>.address`, plus `keyhash`.

// A real compressed secp256k1 public key (the generator point G).
const PUBKEY = Buffer.from('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex')
const addrHex = (pub: Buffer): string =>
  createHash('ripemd160').update(createHash('sha256').update(pub).digest()).digest('hex')

describe('parseKeyringFiles', () => {
  it('turns <hex>.address into the bech32 gonka address of the same key', () => {
    const expected = accountFromPubkey(PUBKEY.toString('base64')).address
    const files = parseKeyringFiles(['keyhash', 'lab-warm.info', `${addrHex(PUBKEY)}.address`])
    expect(files).toEqual({ names: ['lab-warm'], addresses: [expected] })
    expect(expected).toMatch(/^gonka1[02-9ac-hj-np-z]{38}$/)
  })

  it('reads percent-escaped names and ignores everything that is not a key item', () => {
    const files = parseKeyringFiles([
      'a%2Fb.info',
      'keyhash',
      'notes.txt',
      'xyz.address',
      '.info',
      'lab-warm.info.tmp-12',
      '',
    ])
    expect(files).toEqual({ names: ['a/b'], addresses: [] })
  })

  it('keeps every name and address when there are several keys (which is whose stays unknown)', () => {
    const other = Buffer.from('02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5', 'hex')
    const files = parseKeyringFiles([
      'warm.info',
      'cold.info',
      `${addrHex(PUBKEY)}.address`,
      `${addrHex(other)}.address`,
    ])
    expect(files.names).toEqual(['cold', 'warm'])
    expect(files.addresses).toHaveLength(2)
    expect(files.addresses).toContain(accountFromPubkey(other.toString('base64')).address)
  })
})
