import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Profile } from '../../shared/profile'
import { deploymentSettingsSchema, type DeploymentSettingsInput } from '../../shared/deployment'
import { checkCallbackUrl } from './callback-url'
import { getVar, parseConfigEnv, placeholderNames } from './config-env'
import { SECRET_VARIABLES, desiredConfigEnv, maskSecrets, nodeConfigJson } from './desired-config'

const TEMPLATE = readFileSync(
  join(__dirname, '../../../e2e/lab/standins/gonka-repo/deploy/join/config.env.template'),
  'utf8',
)
const PUBKEY = btoa(String.fromCharCode(2, ...Array.from({ length: 32 }, (_, i) => i + 1)))

function profile(topology: 'single' | 'split', deployment: DeploymentSettingsInput = {}): Profile {
  const servers =
    topology === 'single'
      ? [
          {
            id: 'gpu',
            name: 'gpu',
            address: '10.1.0.2',
            port: 22,
            user: 'root',
            auth: 'agent' as const,
            role: 'combined' as const,
          },
        ]
      : [
          {
            id: 'net',
            name: 'net',
            address: '10.1.0.2',
            port: 22,
            user: 'root',
            auth: 'agent' as const,
            role: 'network' as const,
          },
          {
            id: 'ml1',
            name: 'ml1',
            address: '10.1.0.3',
            port: 22,
            user: 'root',
            auth: 'agent' as const,
            role: 'ml' as const,
          },
        ]
  return {
    schemaVersion: 1,
    id: 'p',
    name: 'P',
    topology,
    servers,
    seedApiUrl: 'http://seed.example.org:8000/',
    deployment: deploymentSettingsSchema.parse({
      publicHost: '203.0.113.7',
      keyName: 'warm-key',
      accountPubkey: PUBKEY,
      mlNodes: [
        {
          serverId: topology === 'single' ? 'gpu' : 'ml1',
          nodeId: 'node1',
          models: [{ id: 'MiniMaxAI/MiniMax-M2.7', args: [] }],
          maxConcurrent: 500,
          inferencePort: 5050,
          pocPort: 8080,
          tensorParallel: 4,
        },
      ],
      ...deployment,
    }),
    createdAt: 'x',
    updatedAt: 'x',
  }
}

describe('desiredConfigEnv', () => {
  it('fills every placeholder of the template for a split network server and derives each value with its source', () => {
    const out = desiredConfigEnv({
      role: 'network',
      template: TEMPLATE,
      profile: profile('split'),
      keyringPassword: "it's $ecret pw",
    })
    expect(out.problems).toEqual([])
    const doc = parseConfigEnv(out.text)
    expect(placeholderNames(doc)).toEqual([])
    expect(getVar(doc, 'KEYRING_PASSWORD')).toBe("it's $ecret pw")
    expect(getVar(doc, 'PUBLIC_URL')).toBe('http://203.0.113.7:8000')
    expect(getVar(doc, 'P2P_EXTERNAL_ADDRESS')).toBe('tcp://203.0.113.7:5000')
    expect(getVar(doc, 'DAPI_API__POC_CALLBACK_URL')).toBe('http://10.1.0.2:9100')
    expect(getVar(doc, 'SEED_API_URL')).toBe('http://seed.example.org:8000')
    expect(getVar(doc, 'SEED_NODE_RPC_URL')).toBe('http://seed.example.org:8000/chain-rpc/')
    expect(getVar(doc, 'SEED_NODE_P2P_URL')).toBe('tcp://seed.example.org:5000')
    expect(getVar(doc, 'RPC_SERVER_URL_1')).toBe('http://seed.example.org:8000/chain-rpc/')
    expect(getVar(doc, 'ACCOUNT_PUBKEY')).toBe(PUBKEY)
    // The keyring password, and any other secret the template carries (e.g. GRAFANA_ADMIN_PASSWORD).
    expect(out.secretNames).toContain('KEYRING_PASSWORD')
    for (const name of out.secretNames) expect(SECRET_VARIABLES).toContain(name)
    expect(out.values.KEYRING_PASSWORD).toBe('********')
    expect(JSON.stringify(out.derived)).not.toContain('ecret')
    expect(out.derived.find((v) => v.name === 'DAPI_API__POC_CALLBACK_URL')?.source).toEqual({
      key: 'config.source.callbackNetworkAddress',
      params: { server: 'net', address: '10.1.0.2', port: '9100' },
    })
    expect(maskSecrets(out.text, out.secretNames)).not.toContain('ecret')
    expect(maskSecrets(out.text, out.secretNames)).toContain("export KEYRING_PASSWORD='********'")
  })

  it('single machine keeps the Docker-internal callback; HTTPS uses the domain and the SSL port', () => {
    const out = desiredConfigEnv({
      role: 'combined',
      template: TEMPLATE,
      profile: profile('single', { https: true, domain: 'gonka.example.org' }),
      keyringPassword: 'password1',
    })
    expect(out.problems).toEqual([])
    expect(out.values.DAPI_API__POC_CALLBACK_URL).toBe('http://api:9100')
    expect(out.values.PUBLIC_URL).toBe('https://gonka.example.org:8443')
    expect(out.values.HF_HOME).toBe('/mnt/shared')
  })

  it('keeps the server’s own edits and unknown variables, and changes only what the app owns', () => {
    const first = desiredConfigEnv({
      role: 'network',
      template: TEMPLATE,
      profile: profile('split'),
      keyringPassword: 'password1',
    })
    const edited = `# my notes\n${first.text}export MY_VAR="keep me"\nexport QUERY_GAS_LIMIT=5\n`
    const again = desiredConfigEnv({
      role: 'network',
      template: TEMPLATE,
      current: edited,
      profile: profile('split'),
      keyringPassword: 'password1',
    })
    expect(again.text).toBe(edited)
    const changed = desiredConfigEnv({
      role: 'network',
      template: TEMPLATE,
      current: edited,
      profile: profile('split', { apiPort: 8001 }),
    })
    expect(changed.text).toBe(
      edited
        .replace('export API_PORT=8000', 'export API_PORT=8001')
        .replace(':8000\nexport P2P', ':8001\nexport P2P'),
    )
    // No password this session: the one on the server stays, masked.
    expect(changed.derived.find((v) => v.name === 'KEYRING_PASSWORD')?.source.key).toBe(
      'config.source.keptOnServer',
    )
  })

  it('refuses http://api:9100 and other bad callbacks in a split deployment, each with its reason', () => {
    const cases: Array<[string, string]> = [
      ['http://api:9100', 'callbackDockerInternal'],
      ['http://localhost:9100', 'callbackLoopback'],
      ['http://127.0.0.5:9100', 'callbackLoopback'],
      ['http://10.1.0.2:9100/', 'callbackTrailingSlash'],
      ['http://10.1.0.2:9100/v2/poc-batches', 'callbackPath'],
      ['https://10.1.0.2:9100', 'callbackScheme'],
      ['http://10.1.0.2:9200', 'callbackPort'],
    ]
    for (const [url, key] of cases) {
      const out = desiredConfigEnv({
        role: 'network',
        template: TEMPLATE,
        profile: profile('split', { callbackUrl: url }),
        keyringPassword: 'password1',
      })
      expect(
        out.problems.map((p) => p.key),
        url,
      ).toContain(`config.validation.${key}`)
      expect(getVar(parseConfigEnv(out.text), 'DAPI_API__POC_CALLBACK_URL')).toBe('http://api:9100') // template's, not changed
    }
    expect(checkCallbackUrl('http://api:9100', 'single')).toBeUndefined()
    // Servers with public addresses only: the ML servers reach the network server there.
    expect(checkCallbackUrl('http://203.0.113.7:9100', 'split')).toBeUndefined()
  })

  it('refuses an address step 5 found unreachable from an ML server, and uses the private address when given', () => {
    const facts = {
      callbackReach: [{ fromServerId: 'ml1', address: '10.1.0.2', port: 9100, state: 'blocked' as const }],
    }
    const out = desiredConfigEnv({
      role: 'network',
      template: TEMPLATE,
      profile: profile('split'),
      keyringPassword: 'password1',
      facts,
    })
    expect(out.problems).toContainEqual({
      field: 'deployment.callbackUrl',
      key: 'config.validation.callbackUnreachable',
      params: { host: '10.1.0.2', servers: 'ml1', state: 'blocked' },
    })
    const viaPrivate = desiredConfigEnv({
      role: 'network',
      template: TEMPLATE,
      profile: profile('split'),
      keyringPassword: 'password1',
      facts: { ...facts, networkPrivateAddress: '192.168.5.2' },
    })
    expect(viaPrivate.values.DAPI_API__POC_CALLBACK_URL).toBe('http://192.168.5.2:9100')
    expect(viaPrivate.problems).toEqual([])
  })

  it('says what is missing: password, account key, short password, HF_HOME space', () => {
    const noPw = desiredConfigEnv({
      role: 'network',
      template: TEMPLATE,
      profile: profile('split', { accountPubkey: '' }),
    })
    expect(noPw.problems.map((p) => p.key)).toEqual([
      'config.validation.passwordMissing',
      'config.validation.pubkeyMissing',
    ])
    const short = desiredConfigEnv({
      role: 'network',
      template: TEMPLATE,
      profile: profile('split'),
      keyringPassword: 'short',
    })
    expect(short.problems.map((p) => p.key)).toContain('config.validation.passwordShort')
    const ml = desiredConfigEnv({
      role: 'ml',
      serverId: 'ml1',
      template: TEMPLATE,
      profile: profile('split'),
      facts: {
        hfFreeGb: { ml1: 100 },
        models: [{ id: 'MiniMaxAI/MiniMax-M2.7', vramGb: 320, weightsGb: 230 }],
      },
    })
    expect(ml.problems).toContainEqual({
      field: 'deployment.hfHome',
      key: 'config.validation.hfHomeSpace',
      params: { path: '/mnt/shared', freeGb: '100', needGb: '230', server: 'ml1' },
    })
    // ML servers never get the keyring password, and their file still sources.
    expect(ml.secretNames).not.toContain('KEYRING_PASSWORD')
    expect(placeholderNames(parseConfigEnv(ml.text))).toEqual([])
    expect(getVar(parseConfigEnv(ml.text), 'KEYRING_PASSWORD')).toBe('')
  })
})

describe('nodeConfigJson', () => {
  it('single machine: host inference, container ports, layout flags in the args', () => {
    const json = JSON.parse(nodeConfigJson(profile('single'), 'gpu')) as unknown
    expect(json).toEqual([
      {
        id: 'node1',
        host: 'inference',
        inference_port: 5000,
        poc_port: 8080,
        max_concurrent: 500,
        models: { 'MiniMaxAI/MiniMax-M2.7': { args: ['--tensor-parallel-size', '4'] } },
      },
    ])
  })
})
