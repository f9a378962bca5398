import { strToU8 } from 'fflate'
import { describe, expect, it } from 'vitest'
import { compareKeys, restoreChanges } from './restore-action'

const keys = [
  { path: '.tmkms/secrets/priv_validator_key.json', data: strToU8('{"k":1}') },
  { path: '.inference/config/node_key.json', data: strToU8('{"n":1}') },
]

describe('restoring keys on a new server', () => {
  it('creates only what is missing, never showing the content', () => {
    const state = compareKeys(keys, new Map([['.inference/config/node_key.json', strToU8('{"n":1}')]]))
    expect(state.missing).toEqual(['.tmkms/secrets/priv_validator_key.json'])
    const changes = restoreChanges(state, 'new')
    expect(changes).toEqual([
      expect.objectContaining({ kind: 'file', path: '.tmkms/secrets/priv_validator_key.json', diff: '', created: true, mode: 0o600 }),
    ])
    expect(JSON.stringify(changes)).not.toContain('"k":1')
  })

  it('is a no-op when every key is there, identical', () => {
    const present = new Map(keys.map((k) => [k.path, k.data]))
    expect(restoreChanges(compareKeys(keys, present), 'new')).toEqual([])
  })

  it('blocks (never overwrites) when another key is there', () => {
    const state = compareKeys(keys, new Map([['.tmkms/secrets/priv_validator_key.json', strToU8('other')]]))
    const changes = restoreChanges(state, 'new')
    expect(changes).toHaveLength(1)
    expect(changes[0]).toMatchObject({ kind: 'blocked', summary: { key: 'deploy.restore.conflict' } })
  })
})
