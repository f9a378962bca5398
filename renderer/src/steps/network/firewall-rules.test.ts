import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../../../../electron/shared/checks'
import type { Profile } from '../../../../electron/shared/profile'
import { suggestedRules } from './firewall-rules'

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

const problem = (
  checkId: CheckResult['checkId'],
  serverId: string,
  command: string,
  paths?: CheckResult['paths'],
): CheckResult => ({
  checkId,
  serverId,
  serverName: serverId,
  status: 'warn',
  messageKey: 'k',
  messageValues: {},
  message: 'm',
  fix: { key: 'f', text: 't', command },
  ...(paths ? { paths } : {}),
})

describe('suggested firewall rules', () => {
  it('puts a path fix on its target host, and allows before denies so ufw keeps the path open', () => {
    const rules = suggestedRules(profile, [
      problem('outside.private', 'net', 'sudo ufw deny 9100/tcp\nsudo ufw deny 9200/tcp'),
      problem('net.callback', 'ml1', 'sudo ufw allow from 10.0.0.2 to any port 9100 proto tcp', [
        { from: 'ml1', to: 'net', port: 9100, state: 'blocked', outcome: 'timeout', listener: 'temporary' },
      ]),
      problem('outside.private', 'ml1', 'sudo ufw deny 8080/tcp'),
    ])
    expect(rules.get('net')).toEqual([
      'sudo ufw allow from 10.0.0.2 to any port 9100 proto tcp',
      'sudo ufw deny 9100/tcp',
      'sudo ufw deny 9200/tcp',
    ])
    expect(rules.get('ml1')).toEqual(['sudo ufw deny 8080/tcp'])
  })
})
