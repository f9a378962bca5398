import { describe, expect, it } from 'vitest'
import { ML_OPS_PERMISSIONS } from '../../shared/server-keys'
import { withoutMnemonics } from '../deploy/key-actions'
import { cannotServeReasons, evaluateGrants, grantCommand, registrationTimeoutText } from './server-keys'

const NOW = new Date('2026-12-02T12:00:00Z')
const YEAR = '2027-12-02T12:00:00Z'
const grantsOf = (msgs: readonly string[], expiration = YEAR) => ({
  grants: msgs.map((msg) => ({
    authorization: { '@type': '/cosmos.authz.v1beta1.GenericAuthorization', msg },
    expiration,
  })),
  pagination: null,
})
const allowance = (expiration = YEAR) => ({
  allowance: { allowance: { '@type': '/cosmos.feegrant.v1beta1.BasicAllowance', expiration } },
})

describe('grant command', () => {
  it('is the upstream command filled in: cold key name, warm address, --node <seed>/chain-rpc/, gas', () => {
    expect(grantCommand({ warmAddress: 'gonka1warm', seedUrl: 'http://node2.gonka.ai:8000/' })).toBe(
      './inferenced tx inference grant-ml-ops-permissions gonka-account-key gonka1warm --from gonka-account-key --keyring-backend file --gas 2000000 --node http://node2.gonka.ai:8000/chain-rpc/',
    )
    expect(
      grantCommand({ coldKeyName: 'my cold', warmAddress: 'gonka1w', seedUrl: 'http://s:8000' }),
    ).toContain("grant-ml-ops-permissions 'my cold' gonka1w --from 'my cold'")
  })
})

describe('grants against upstream list', () => {
  it('lists the 20 permissions upstream grants', () => {
    expect(ML_OPS_PERMISSIONS).toHaveLength(20)
    expect(new Set(ML_OPS_PERMISSIONS).size).toBe(20)
  })

  it('is complete with every permission and a fee allowance', () => {
    const g = evaluateGrants({
      granter: 'a',
      grantee: 'b',
      grants: grantsOf(ML_OPS_PERMISSIONS),
      allowance: allowance(),
      now: NOW,
    })
    expect(g).toMatchObject({ complete: true, missing: [], expiring: [], feeAllowance: 'present' })
    expect(g.granted).toHaveLength(20)
  })

  it('names a missing permission, an expired one as missing, and expiring ones', () => {
    const rest = ML_OPS_PERMISSIONS.filter((m) => !m.endsWith('MsgClaimRewards'))
    const g = evaluateGrants({
      granter: 'a',
      grantee: 'b',
      grants: {
        grants: [
          ...grantsOf(rest.slice(2)).grants,
          { authorization: { msg: rest[0] }, expiration: '2026-12-01T00:00:00Z' },
          { authorization: { msg: rest[1] }, expiration: '2026-12-05T00:00:00Z' },
        ],
      },
      allowance: undefined,
      now: NOW,
    })
    expect(g.complete).toBe(false)
    expect(g.missing).toEqual([
      '/inference.inference.MsgStartInference',
      '/inference.inference.MsgClaimRewards',
    ])
    expect(g.expiring).toEqual([{ msg: rest[1], expiration: '2026-12-05T00:00:00Z' }])
    expect(g.feeAllowance).toBe('missing')
    const why = cannotServeReasons({ warmPresent: true, registered: true, grants: g })
    expect(why.map((w) => w.key)).toEqual([
      'deploy.keys.cannotServe.grantsMissing',
      'deploy.keys.cannotServe.grantsExpiring',
      'deploy.keys.cannotServe.feeAllowance.missing',
    ])
    expect(why[0]?.params?.names).toBe('MsgStartInference, MsgClaimRewards')
  })

  it('says a fee allowance expiring within 7 days', () => {
    const g = evaluateGrants({
      granter: 'a',
      grantee: 'b',
      grants: grantsOf(ML_OPS_PERMISSIONS),
      allowance: allowance('2026-12-04T00:00:00Z'),
      now: NOW,
    })
    expect(g).toMatchObject({ complete: false, feeAllowance: 'expiring' })
  })

  it('refuses an answer of the wrong shape', () => {
    expect(() =>
      evaluateGrants({ granter: 'a', grantee: 'b', grants: { grants: 'x' }, allowance: undefined, now: NOW }),
    ).toThrow(/unexpected shape/)
  })
})

describe('registration timeout', () => {
  it('explains the known causes, with submit-new-participant when the account exists', () => {
    const none = registrationTimeoutText({ address: 'gonka1x', seconds: 60 })
    expect(none.message).toMatch(
      /gonka1x did not appear on the seed within 60 s; the registration is not done/,
    )
    expect(none.hint).toMatch(/closed, or limited to an allowlist/)
    expect(none.hint).toMatch(/submit-new-participant/)
    const exists = registrationTimeoutText({
      address: 'gonka1x',
      seconds: 60,
      account: { exists: true, balance: 5, hasPubkey: true },
    })
    expect(exists.hint).toMatch(/exists on chain already.*never updates the URL.*submit-new-participant/)
    const funded = registrationTimeoutText({
      address: 'gonka1x',
      seconds: 60,
      account: { exists: true, balance: 5, hasPubkey: false },
    })
    expect(funded.hint).toMatch(/holds GNK but has never sent a transaction/)
  })
})

describe('warm key output', () => {
  it('drops lines that look like a mnemonic', () => {
    const words = Array.from({ length: 24 }, () => 'abandon').join(' ')
    expect(withoutMnemonics(`- address: gonka1x\n${words}\nError: EOF\n`)).toEqual([
      '- address: gonka1x',
      'Error: EOF',
    ])
  })
})
