import { describe, expect, it } from 'vitest'
import {
  profileSchema,
  validateAddress,
  validateServer,
  validateTopology,
  parsePort,
  type ServerDraft,
} from './profile'

const base: ServerDraft = {
  id: 'a',
  name: 'net',
  address: '203.0.113.10',
  port: '22',
  user: 'ubuntu',
  auth: 'agent',
  role: 'network',
}

describe('addresses', () => {
  it.each([
    ['203.0.113.10', undefined],
    ['gpu-1.example.net', undefined],
    ['localhost', undefined],
    ['[2001:db8::1]', undefined],
    ['2001:db8::1', undefined],
    ['', 'addressRequired'],
    ['   ', 'addressRequired'],
    ['http://10.0.0.5', 'addressHasScheme'],
    ['https://node.example.com', 'addressHasScheme'],
    ['ssh://host', 'addressHasScheme'],
    ['10.0.0.5/admin', 'addressHasPath'],
    ['ubuntu@10.0.0.5', 'addressHasUserOrPort'],
    ['10.0.0.5:22', 'addressHasUserOrPort'],
    ['300.1.1.1', 'addressInvalid'],
    ['bad_host!', 'addressInvalid'],
    ['-leading.example', 'addressInvalid'],
  ])('%s → %s', (address, expected) => {
    expect(validateAddress(address)).toBe(expected)
  })
})

describe('ports', () => {
  it.each([
    ['22', 22],
    [' 2222 ', 2222],
    [65535, 65535],
    ['0', undefined],
    ['65536', undefined],
    ['-1', undefined],
    ['22.5', undefined],
    ['', undefined],
    ['ssh', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(parsePort(raw)).toBe(expected)
  })
})

describe('servers', () => {
  it('accepts a complete server', () => {
    expect(validateServer(base, [])).toEqual({})
  })

  it('names every missing field', () => {
    expect(validateServer({ ...base, name: ' ', address: '', port: '', user: '' }, [])).toEqual({
      name: 'nameRequired',
      address: 'addressRequired',
      port: 'portRange',
      user: 'userRequired',
    })
  })

  it('needs a key path for key auth', () => {
    expect(validateServer({ ...base, auth: 'key', keyPath: '' }, [])).toEqual({ keyPath: 'keyPathRequired' })
    expect(validateServer({ ...base, auth: 'key', keyPath: '~/.ssh/id_ed25519' }, [])).toEqual({})
  })

  it('refuses duplicate names (any case) and duplicate address+port+user, but not itself', () => {
    const other = { ...base, id: 'b', name: 'NET', address: '203.0.113.11' }
    expect(validateServer(base, [other])).toEqual({ name: 'nameDuplicate' })
    const twin = { ...base, id: 'c', name: 'twin' }
    expect(validateServer(base, [twin])).toEqual({ address: 'serverDuplicate' })
    expect(validateServer({ ...base, port: '2222' }, [twin])).toEqual({})
    expect(validateServer(base, [base])).toEqual({})
  })
})

describe('topology', () => {
  it('single needs exactly one combined server', () => {
    expect(validateTopology('single', [{ role: 'combined' }])).toBeUndefined()
    expect(validateTopology('single', [])).toBe('singleNeedsOne')
    expect(validateTopology('single', [{ role: 'combined' }, { role: 'ml' }])).toBe('singleNeedsOne')
  })

  it('split needs one network server and at least one ML server', () => {
    expect(validateTopology('split', [{ role: 'network' }, { role: 'ml' }, { role: 'ml' }])).toBeUndefined()
    expect(validateTopology('split', [{ role: 'ml' }])).toBe('splitNeedsNetwork')
    expect(validateTopology('split', [{ role: 'network' }])).toBe('splitNeedsMl')
    expect(validateTopology('split', [{ role: 'network' }, { role: 'network' }, { role: 'ml' }])).toBe(
      'splitOneNetwork',
    )
  })
})

describe('seed API URL on the profile', () => {
  const stored = {
    schemaVersion: 1,
    id: 'p1',
    name: 'lab',
    topology: 'split',
    servers: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  }
  it('is optional: a file written before it existed still reads', () => {
    expect(profileSchema.parse(stored)).not.toHaveProperty('seedApiUrl')
  })
  it('is kept when present, even when not valid yet (the form says what is wrong)', () => {
    expect(profileSchema.parse({ ...stored, seedApiUrl: 'http://node2.gonka.ai:8000' }).seedApiUrl).toBe(
      'http://node2.gonka.ai:8000',
    )
    expect(profileSchema.safeParse({ ...stored, seedApiUrl: 'node2' }).success).toBe(true)
    expect(profileSchema.safeParse({ ...stored, seedApiUrl: 'x'.repeat(3000) }).success).toBe(false)
  })
})
