import { describe, expect, it } from 'vitest'
import type { ExpectedNode } from '../../shared/nodes'
import type { AdminNodeConfig } from './admin-api'
import { describeAdminChange, describeRegister, nodeConfigDifferences, nodeInputOf } from './node-actions'

const node: ExpectedNode = {
  serverId: 'ml1',
  nodeId: 'ml1',
  host: 'http://10.0.0.5/',
  inferencePort: 5050,
  pocPort: 8080,
  maxConcurrent: 100,
  models: [{ id: 'Qwen/Qwen3-32B-FP8', args: ['--tp', '2'] }],
}
const wanted = nodeInputOf(node)
const registered: AdminNodeConfig = {
  id: 'ml1',
  host: '10.0.0.5',
  inference_port: 5050,
  poc_port: 8080,
  max_concurrent: 100,
  models: { 'Qwen/Qwen3-32B-FP8': { args: ['--tp', '2'] } },
}

describe('ML node register plan', () => {
  it('sends the host bare, without scheme or path', () => {
    expect(wanted.host).toBe('10.0.0.5')
    expect(wanted.models).toEqual({ 'Qwen/Qwen3-32B-FP8': { args: ['--tp', '2'] } })
  })

  it('has nothing to do when the api already has exactly this config', () => {
    expect(describeRegister(wanted, { current: registered, unreachable: [], unknownModels: [] })).toEqual([])
  })

  it('registers a node the api does not know', () => {
    const changes = describeRegister(wanted, { unreachable: [], unknownModels: [] })
    expect(changes).toHaveLength(1)
    expect(changes[0]?.kind).toBe('command')
    expect(changes[0]?.summary.key).toBe('deploy.node.change.register')
  })

  it('updates only what differs and names it', () => {
    const changes = describeRegister(wanted, {
      current: { ...registered, poc_port: 8081, models: { other: { args: [] } } },
      unreachable: [],
      unknownModels: [],
    })
    expect(changes[0]?.summary).toEqual({
      key: 'deploy.node.change.update',
      params: { id: 'ml1', fields: 'poc_port, models' },
    })
  })

  it('treats model args as part of the config', () => {
    expect(
      nodeConfigDifferences(
        { ...registered, models: { 'Qwen/Qwen3-32B-FP8': { args: ['--tp', '4'] } } },
        wanted,
      ),
    ).toEqual(['models'])
  })

  it('blocks an unreachable ML server and an unknown model before anything is sent', () => {
    const changes = describeRegister(wanted, { unreachable: [8080], unknownModels: ['x/unknown'] })
    expect(changes.every((c) => c.kind === 'blocked')).toBe(true)
    expect(changes.map((c) => c.summary.key)).toEqual([
      'deploy.node.change.unknownModel',
      'deploy.node.change.unreachable',
    ])
  })
})

describe('ML node enable, disable, remove plan', () => {
  it('does nothing when the node is already in the wanted state', () => {
    expect(describeAdminChange('enable', 'ml1', { known: true, enabled: true })).toEqual([])
    expect(describeAdminChange('disable', 'ml1', { known: true, enabled: false })).toEqual([])
  })

  it('enables a disabled node and disables an enabled one', () => {
    expect(describeAdminChange('enable', 'ml1', { known: true, enabled: false })[0]?.kind).toBe('command')
    expect(describeAdminChange('disable', 'ml1', { known: true, enabled: true })[0]?.kind).toBe('command')
  })

  it('says an unknown node cannot be enabled; removing it has nothing to do', () => {
    expect(describeAdminChange('enable', 'nope', { known: false })[0]?.kind).toBe('blocked')
    expect(describeAdminChange('remove', 'nope', { known: false })).toEqual([])
    expect(describeAdminChange('remove', 'ml1', { known: true, enabled: true })[0]?.kind).toBe('command')
  })
})
