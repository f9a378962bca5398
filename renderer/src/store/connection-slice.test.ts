import { describe, expect, it } from 'vitest'
import type { ConnectionReport } from '../../../electron/shared/ops/ssh'
import type { Profile, Server } from '../../../electron/shared/profile'
import { currentConnection, identityOf, type ConnectionState } from './connection-slice'
import { stepStatus } from './selectors'

const server = (id: string, address: string): Server => ({
  id,
  name: id,
  address,
  port: 22,
  user: 'tester',
  auth: 'password',
  role: id === 'a' ? 'network' : 'ml',
})
const profile = (servers: Server[]): Profile => ({
  schemaVersion: 1,
  id: 'p1',
  name: 'Rack',
  topology: 'split',
  servers,
  createdAt: '',
  updatedAt: '',
})
const fine = { topology: undefined, servers: {} }
const report = (s: Server, connected: boolean): ConnectionReport => ({
  serverId: s.id,
  host: s.address,
  port: s.port,
  user: s.user,
  connected,
  trusted: connected,
})
const tested = (s: Server, connected: boolean): ConnectionState => ({
  status: connected ? 'connected' : 'failed',
  report: report(s, connected),
  tested: identityOf(s),
})

describe('step 1 status with connection tests', () => {
  const a = server('a', '198.51.100.2')
  const b = server('b', '198.51.100.3')

  it('is done only when every server connected with a trusted key', () => {
    const p = profile([a, b])
    expect(stepStatus('topology', p, fine, {})).toBe('attention')
    expect(stepStatus('topology', p, fine, { a: tested(a, true) })).toBe('attention')
    expect(stepStatus('topology', p, fine, { a: tested(a, true), b: tested(b, false) })).toBe('attention')
    expect(stepStatus('topology', p, fine, { a: tested(a, true), b: tested(b, true) })).toBe('done')
  })

  it('is running while a test runs, and keeps the topology rule', () => {
    const p = profile([a, b])
    expect(stepStatus('topology', p, fine, { a: { status: 'running', runId: 'r1-abcdef' } })).toBe('running')
    const all = { a: tested(a, true), b: tested(b, true) }
    expect(stepStatus('topology', p, { topology: 'splitNeedsMl', servers: {} }, all)).toBe('attention')
  })

  it('forgets a result once the server is edited', () => {
    const moved = { ...b, address: '198.51.100.9' }
    const connections = { a: tested(a, true), b: tested(b, true) }
    expect(currentConnection(moved, connections)).toBeUndefined()
    expect(stepStatus('topology', profile([a, moved]), fine, connections)).toBe('attention')
  })
})
