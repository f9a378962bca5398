import { describe, expect, it } from 'vitest'
import type { Profile } from '../../shared/profile'
import { desiredConfigEnv } from '../gonka/desired-config'
import { UPSTREAM_TEMPLATE } from '../gonka/variables'
import { planFacts } from '../handlers/deploy'
import { cloneOnRef, containerOp, isCommitRef } from './gonka-actions'

// Step 5's reachability results feed the plan's desired config.env (the callback URL is refused when
// the ML servers cannot reach it), and a changed repository ref makes the plan check the ref out and
// recreate what the compose files define differently.

const now = '2026-12-02T00:00:00Z'
const profile: Profile = {
  schemaVersion: 1,
  id: 'split',
  name: 'split',
  topology: 'split',
  servers: [
    { id: 'net', name: 'net', address: '10.20.0.2', port: 22, user: 'u', auth: 'agent', role: 'network' },
    { id: 'ml1', name: 'ml1', address: '10.20.0.3', port: 22, user: 'u', auth: 'agent', role: 'ml' },
  ],
  deployment: {
    repoUrl: 'https://git.example.org/gonka.git',
    repoRef: 'main',
    dir: '~/gonka',
    publicHost: 'node.example.org',
    https: false,
    apiPort: 8000,
    apiSslPort: 8443,
    keyName: 'warm',
    accountPubkey: 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/',
    hfHome: '/mnt/shared',
    mlNodes: [],
  },
  createdAt: now,
  updatedAt: now,
}

const path = (state: 'reachable' | 'blocked' | 'not-listening') => ({
  from: 'ml1',
  to: 'net',
  port: 9100,
  state,
  outcome: state === 'reachable' ? 'open' : 'timeout',
  listener: 'temporary' as const,
})

function networkProblems(facts: ReturnType<typeof planFacts>) {
  return desiredConfigEnv({
    role: 'network',
    template: UPSTREAM_TEMPLATE,
    profile,
    keyringPassword: 'a-good-password',
    ...(facts ? { facts } : {}),
    serverId: 'net',
  }).problems.map((p) => p.key)
}

describe('step 5 facts in the plan', () => {
  it('a callback ml1 could not reach in step 5 blocks config.env; a reachable one does not', () => {
    const blocked = planFacts(profile, { checks: { results: [], paths: [path('blocked')] } })
    expect(blocked?.callbackReach).toEqual([
      { fromServerId: 'ml1', address: '10.20.0.2', port: 9100, state: 'blocked' },
    ])
    expect(networkProblems(blocked)).toContain('config.validation.callbackUnreachable')

    const fine = planFacts(profile, { checks: { results: [], paths: [path('reachable')] } })
    expect(networkProblems(fine)).not.toContain('config.validation.callbackUnreachable')
  })

  it('paths inside a check result count as well (the shape of check --json)', () => {
    const facts = planFacts(profile, {
      checks: { results: [{ checkId: 'net.callback', serverId: 'ml1', paths: [path('not-listening')] }] },
    })
    expect(networkProblems(facts)).toContain('config.validation.callbackUnreachable')
  })

  it('no checks given: no facts, and the plan does not invent a refusal', () => {
    expect(planFacts(profile, {})).toBeUndefined()
    expect(networkProblems(undefined)).not.toContain('config.validation.callbackUnreachable')
  })

  it('the private address the ML servers reach becomes the callback host', () => {
    const facts = planFacts(profile, { networkPrivateAddress: ' 192.168.7.2 ' })
    const env = desiredConfigEnv({
      role: 'network',
      template: UPSTREAM_TEMPLATE,
      profile,
      keyringPassword: 'a-good-password',
      ...(facts ? { facts } : {}),
      serverId: 'net',
    })
    expect(env.values.DAPI_API__POC_CALLBACK_URL).toBe('http://192.168.7.2:9100')
  })
})

describe('a changed repository ref', () => {
  it('a clone is on its ref by branch name, or by commit for a commit ref', () => {
    expect(cloneOnRef({ branch: 'main', commit: 'a'.repeat(40) }, 'main')).toBe(true)
    expect(cloneOnRef({ branch: 'main', commit: 'a'.repeat(40) }, 'v0.2.5')).toBe(false)
    expect(cloneOnRef({ branch: 'ghw-deploy', commit: 'abc1234'.padEnd(40, '0') }, 'abc1234')).toBe(true)
    expect(cloneOnRef({ branch: 'ghw-deploy', commit: 'abc1234'.padEnd(40, '0') }, 'def5678')).toBe(false)
    expect(isCommitRef('main')).toBe(false)
    expect(isCommitRef('0123abc')).toBe(true)
  })

  it('recreates running containers while the ref changes; otherwise only what reads changed config or runs another image', () => {
    const running = { state: 'running', image: 'ghcr.io/gonka/api:0.2.4' }
    const image = 'ghcr.io/gonka/api:0.2.4'
    expect(containerOp({ container: running, image, configPending: false, repoPending: true })).toBe(
      'recreate',
    )
    expect(containerOp({ container: running, image, configPending: true, repoPending: false })).toBe(
      'recreate',
    )
    expect(
      containerOp({
        container: running,
        image: 'ghcr.io/gonka/api:0.2.5',
        configPending: false,
        repoPending: false,
      }),
    ).toBe('recreate')
    expect(containerOp({ container: running, image, configPending: false, repoPending: false })).toBe('leave')
    expect(
      containerOp({
        container: { ...running, state: 'exited' },
        image,
        configPending: false,
        repoPending: false,
      }),
    ).toBe('start')
    expect(containerOp({ image, configPending: false, repoPending: true })).toBe('create')
    // An image built from variables (${…}) is not compared.
    expect(containerOp({ container: running, configPending: false, repoPending: false })).toBe('leave')
  })
})
