import { describe, expect, it } from 'vitest'
import type { Profile } from '../../shared/profile'
import { adminNodeItem } from '../../test-support/gonka-fixtures'
import { adminNodeItemSchema } from './admin-api'
import { bareHost, compareNodes, expectedNodes, toRegisteredNode } from './nodes-view'

const NOW = '2026-07-01T00:00:00Z'
function profile(extra: Record<string, unknown> = {}): Profile {
  return {
    schemaVersion: 1,
    id: 'p',
    name: 'P',
    topology: 'split',
    servers: [
      {
        id: 'net',
        name: 'net',
        address: '203.0.113.7',
        port: 22,
        user: 'root',
        auth: 'agent',
        role: 'network',
      },
      { id: 'ml1', name: 'ml1', address: '10.0.0.5', port: 22, user: 'root', auth: 'agent', role: 'ml' },
      { id: 'ml2', name: 'ml2', address: '10.0.0.6', port: 22, user: 'root', auth: 'agent', role: 'ml' },
    ],
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  }
}

describe('bareHost', () => {
  it('strips a scheme, a path and a port and says which', () => {
    expect(bareHost('http://10.0.0.5')).toEqual({ host: '10.0.0.5', fixes: ['scheme'] })
    expect(bareHost(' https://ml.lan:8080/v3.0.8/ ')).toEqual({
      host: 'ml.lan',
      fixes: ['scheme', 'path', 'port'],
    })
    expect(bareHost('[fd00::5]:5050')).toEqual({ host: 'fd00::5', fixes: ['port'] })
    expect(bareHost('10.0.0.5')).toEqual({ host: '10.0.0.5', fixes: [] })
  })
})

describe('expectedNodes and compareNodes', () => {
  it('without step-4 settings expects one node per ML server on 5050/8080', () => {
    const { nodes, source } = expectedNodes(profile())
    expect(source).toBe('servers')
    expect(nodes.map((n) => [n.nodeId, n.host, n.inferencePort, n.pocPort])).toEqual([
      ['ml1', '10.0.0.5', 5050, 8080],
      ['ml2', '10.0.0.6', 5050, 8080],
    ])
  })

  it('reads the step-4 settings when the profile has them', () => {
    const p = profile({
      deployment: {
        mlNodes: [
          {
            serverId: 'ml1',
            nodeId: 'gpu-a',
            models: [{ id: 'M', args: ['--tp', '4'] }],
            maxConcurrent: 400,
            inferencePort: 5050,
            pocPort: 8080,
          },
        ],
      },
    })
    const { nodes, source } = expectedNodes(p)
    expect(source).toBe('settings')
    expect(nodes[0]).toMatchObject({ nodeId: 'gpu-a', host: '10.0.0.5', maxConcurrent: 400 })
  })

  it('tells registered, missing, unknown and different apart', () => {
    const { nodes } = expectedNodes(profile())
    const registered = [
      adminNodeItem('ml1', '10.0.0.5'),
      adminNodeItem('ml2', 'http://10.0.0.6', { current: 'FAILED', failure: 'bad url' }),
      adminNodeItem('old', '10.0.0.9', { enabled: false }),
    ].map((item) => toRegisteredNode(adminNodeItemSchema.parse(item)))
    const rows = compareNodes(nodes, registered)
    expect(rows.map((r) => [r.id, r.comparison, r.differences])).toEqual([
      ['ml1', 'registered', []],
      ['ml2', 'different', ['host']],
      ['old', 'unknown', []],
    ])
    expect(rows[1]?.registered?.failureReason).toBe('bad url')
    expect(rows[2]?.registered?.enabled).toBe(false)
    expect(compareNodes(nodes, []).map((r) => r.comparison)).toEqual(['missing', 'missing'])
  })
})
