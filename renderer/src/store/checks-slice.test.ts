import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../../../electron/shared/checks'
import type { Profile } from '../../../electron/shared/profile'
import { CHECK_CATALOGUE } from '../../../electron/core/checks/catalogue'
import { checksOf, resultKey, stepOfCheckId, type ProfileChecks } from './checks-slice'
import { checksStepStatus } from './selectors'

const profile: Profile = {
  schemaVersion: 1,
  id: 'p',
  name: 'p',
  topology: 'split',
  servers: [
    { id: 'net', name: 'net', address: '10.0.0.1', port: 22, user: 'u', auth: 'agent', role: 'network' },
    { id: 'ml1', name: 'ml1', address: '10.0.0.2', port: 22, user: 'u', auth: 'agent', role: 'ml' },
  ],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
}

const result = (
  serverId: string,
  checkId: CheckResult['checkId'],
  status: CheckResult['status'],
): CheckResult => ({
  checkId,
  serverId,
  serverName: serverId,
  status,
  messageKey: `checks.${checkId}.msg.x`,
  messageValues: {},
  message: 'x',
})

const withResults = (...results: CheckResult[]): ProfileChecks => ({
  ...checksOf({}, undefined),
  results: Object.fromEntries(results.map((r) => [resultKey(r.serverId, r.checkId), r])),
})

describe('check steps', () => {
  it('puts host facts in step 2 and firewall, paths and outside-in probes in step 5', () => {
    for (const entry of CHECK_CATALOGUE) {
      const network = entry.scope !== 'host' || entry.id.startsWith('firewall.')
      expect(stepOfCheckId(entry.id), entry.id).toBe(network ? 'network' : 'prerequisites')
    }
  })

  it('is not started before a run, running while one goes', () => {
    expect(checksStepStatus('prerequisites', profile, checksOf({}, 'p'))).toBe('notStarted')
    const running: ProfileChecks = {
      ...checksOf({}, 'p'),
      running: {
        prerequisites: { runId: 'r', profileId: 'p', step: 'prerequisites', keys: 'all', hosts: {} },
      },
    }
    expect(checksStepStatus('prerequisites', profile, running)).toBe('running')
    expect(checksStepStatus('network', profile, running)).toBe('notStarted')
  })

  it('needs attention on a failure, done once it passes', () => {
    const failing = withResults(
      result('net', 'docker.engine', 'fail'),
      result('ml1', 'docker.engine', 'pass'),
    )
    expect(checksStepStatus('prerequisites', profile, failing)).toBe('attention')
    const passing = withResults(
      result('net', 'docker.engine', 'pass'),
      result('ml1', 'docker.engine', 'pass'),
    )
    expect(checksStepStatus('prerequisites', profile, passing)).toBe('done')
  })

  it('needs attention on a warning until it is accepted', () => {
    const warn = result('ml1', 'net.callback', 'warn')
    const checks = withResults(result('net', 'outside.public', 'pass'), warn)
    expect(checksStepStatus('network', profile, checks)).toBe('attention')
    const accepted = { ...checks, acknowledged: { [resultKey('ml1', 'net.callback')]: warn.messageKey } }
    expect(checksStepStatus('network', profile, accepted)).toBe('done')
  })

  it('needs attention while a server has no result', () => {
    const checks = withResults(result('net', 'docker.engine', 'pass'))
    expect(checksStepStatus('prerequisites', profile, checks)).toBe('attention')
  })
})
