import { describe, expect, it } from 'vitest'
import type { CheckResult, PathResult } from '../../../../electron/shared/checks'
import type { Profile, ServerRole } from '../../../../electron/shared/profile'
import { privatePortsForRole, publicPortsForRole } from '../../../../electron/core/checks/catalogue'
import { pathKey } from '../../store/checks-slice'
import { buildArrows, desktopPlace, privatePorts, publicPorts } from './diagram-model'

const profile: Profile = {
  schemaVersion: 1,
  id: 'p',
  name: 'p',
  topology: 'split',
  servers: [
    { id: 'net', name: 'net', address: '10.0.0.1', port: 22, user: 'u', auth: 'agent', role: 'network' },
    { id: 'gpu', name: 'gpu-1', address: '10.0.0.2', port: 22, user: 'u', auth: 'agent', role: 'ml' },
  ],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}

const path = (from: string, to: string, port: number, state: PathResult['state']): PathResult => ({
  from,
  to,
  port,
  state,
  outcome: 'x',
  listener: 'temporary',
})
const byKey = (...paths: PathResult[]) => Object.fromEntries(paths.map((p) => [pathKey(p), p]))

describe('topology arrows', () => {
  it('uses the same public and private ports as the checks', () => {
    for (const role of ['network', 'ml', 'combined'] as ServerRole[]) {
      expect(publicPorts(role)).toEqual(publicPortsForRole(role))
      expect(privatePorts(role)).toEqual(privatePortsForRole(role))
    }
  })

  it('draws every required path of a split layout, untested until checked', () => {
    const arrows = buildArrows(profile, {})
    const seen = arrows.map((a) => `${a.kind} ${a.from}>${a.to} ${a.ports.map((p) => p.port).join(',')}`)
    expect(seen.sort()).toEqual(
      [
        'internal gpu>net 9100',
        'internal net>gpu 5050',
        'internal net>gpu 8080',
        'public desktop>net 5000,8000',
        'private desktop>net 9100,9200,26657',
        'private desktop>gpu 5050,8080',
      ].sort(),
    )
    expect(arrows.every((a) => a.state === 'unknown')).toBe(true)
  })

  it('colours each arrow by its worst port', () => {
    const arrows = buildArrows(
      profile,
      byKey(
        path('gpu', 'net', 9100, 'blocked'),
        path('net', 'gpu', 5050, 'reachable'),
        path('desktop', 'net', 9100, 'closed'),
        path('desktop', 'net', 9200, 'exposed'),
        path('desktop', 'net', 26657, 'closed'),
        path('desktop', 'net', 5000, 'reachable'),
        path('desktop', 'net', 8000, 'blocked'),
      ),
    )
    const state = (id: string) => arrows.find((a) => a.id.startsWith(id))?.state
    expect(state('internal:gpu>net')).toBe('blocked')
    expect(state('internal:net>gpu:5050')).toBe('reachable')
    expect(state('internal:net>gpu:8080')).toBe('unknown')
    expect(state('private:desktop>net')).toBe('exposed')
    expect(state('public:desktop>net')).toBe('blocked')
  })

  it('has no path between hosts on a single machine', () => {
    const single: Profile = {
      ...profile,
      topology: 'single',
      servers: [{ ...profile.servers[0]!, role: 'combined' }],
    }
    expect(buildArrows(single, {}).map((a) => a.kind)).toEqual(['public', 'private'])
  })
})

describe('exposed and would-be-exposed private ports', () => {
  it('an arrow shows "exposed" over "would be exposed", and that over "closed"', () => {
    const arrows = buildArrows(
      profile,
      byKey(
        path('desktop', 'gpu', 5050, 'would-be-exposed'),
        path('desktop', 'gpu', 8080, 'closed'),
        path('desktop', 'net', 9100, 'exposed'),
        path('desktop', 'net', 9200, 'would-be-exposed'),
      ),
    )
    expect(arrows.find((a) => a.kind === 'private' && a.to === 'gpu')?.state).toBe('would-be-exposed')
    expect(arrows.find((a) => a.kind === 'private' && a.to === 'net')?.state).toBe('exposed')
  })

  it('tells where this computer is from the outside-in results', () => {
    const result = (facts: Record<string, boolean | string>): CheckResult => ({
      checkId: 'outside.private',
      serverId: 'gpu',
      serverName: 'gpu',
      status: 'pass',
      messageKey: 'k',
      messageValues: {},
      message: '',
      facts,
    })
    expect(desktopPlace([])).toBe('unknown')
    expect(desktopPlace([result({ inside: false, unsure: false })])).toBe('outside')
    expect(desktopPlace([result({ inside: false, unsure: true })])).toBe('unsure')
    expect(desktopPlace([result({ inside: false }), result({ inside: true, vantage: 'same-subnet' })])).toBe(
      'inside',
    )
  })
})
