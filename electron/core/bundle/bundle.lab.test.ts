import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { labHost, type LabHost } from '../../../e2e/lab'
import { describeLab } from '../../../e2e/lab/require-lab'
import type { DeployPlan } from '../../shared/deploy'
import type { Profile } from '../../shared/profile'
import type { PushedEvent } from '../../shared/progress'
import {
  governanceModel,
  labDeployment,
  labShell as sh,
  removeDeploymentScript,
  runIds,
  seedUrlOf,
} from '../../test-support/lab-setup'
import { createLogger } from '../log'
import { createService, type AppService } from '../service'
import { PinStore } from '../ssh/pin-store'

// Step 9 on the lab, through the service as the app and the CLI run it: a deployment is launched
// (net + ml1), its config bundle exported, imported on a fresh data folder, and the network node moved
// to a fresh server (ml2) through plan → approve → apply. A canary of every secret the app handles
// (SSH password, bundle passphrase, secret-store passphrase, keyring password, the 24 words, private
// keys) is planted wherever the app goes, and none is found in the support bundle, the config
// bundle's clear files, the app's logs, its events or its data folder.

const DIR = '~/gonka-b12-bundle'
const KEYRING = 'canary-keyring-b12-7d1e'
const BUNDLE_PASS = 'canary-bundle-pass-b12-41c9'
const STORE_PASS = 'canary-store-pass-b12-0a77'
const WORDS =
  'economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone'
const PRIV = 'Q2FuYXJ5UHJpdmF0ZUtleUIxMi0zZjg4YjdjMWE5'
const PEM = `-----BEGIN EC PRIVATE KEY-----\n${PRIV}\n-----END EC PRIVATE KEY-----`
const KEY_FILES: Record<string, string> = {
  '.tmkms/secrets/priv_validator_key.json': `{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"${PRIV}"}}\n`,
  '.inference/config/node_key.json': `{"priv_key":{"type":"tendermint/PrivKeyEd25519","value":"${PRIV}N"}}\n`,
  '.inference/keyring-file/b12-warm.info': `${PEM}\n`,
}

interface Running {
  service: AppService
  dir: string
  logs: string[]
  events: PushedEvent[]
}

/** A service on its own data folder, logging everything (debug) into `logs`. */
function startService(name: string, answerPassword?: string): Running {
  const dir = mkdtempSync(join(tmpdir(), `ghw-b12-${name}-`))
  const logs: string[] = []
  const events: PushedEvent[] = []
  const service = createService(
    { dataDir: dir, appName: 'Test', appVersion: '9.9.9', platform: 'linux', runtime: 'cli', homeDir: dir },
    { logger: createLogger('debug', (line) => logs.push(line)) },
  )
  service.onEvent((e) => {
    events.push(e)
    // The user types the SSH password when asked (the app holds it for the session).
    const data =
      e.type === 'progress'
        ? (e.event.data as { prompt?: { promptId: string; kind: string; prompts?: unknown[] } } | undefined)
        : undefined
    const prompt = data?.prompt
    if (answerPassword === undefined || !prompt) return
    if (prompt.kind === 'password')
      void service.invoke('provideSecret', { promptId: prompt.promptId, value: answerPassword })
    else if (prompt.kind === 'keyboard-interactive')
      void service.invoke('provideSecret', {
        promptId: prompt.promptId,
        answers: (prompt.prompts ?? []).map(() => answerPassword),
      })
  })
  return { service, dir, logs, events }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
}

async function pin(dataDir: string, host: LabHost): Promise<void> {
  const [, keyType, publicKey] = host.knownHostsLine.split(/\s+/)
  await new PinStore(dataDir).pin(host.address, host.port, {
    keyType: keyType ?? '',
    publicKey: publicKey ?? '',
    fingerprint: host.hostKeyFingerprint,
  })
}

describeLab('config bundle and support bundle on the lab: launch, export, import, move the network node', (lab) => {
  let a: Running
  let b: Running
  let net: LabHost
  let ml1: LabHost
  let ml2: LabHost
  let profile: Profile
  const out = mkdtempSync(join(tmpdir(), 'ghw-b12-out-'))
  const bundlePath = join(out, 'deployment.zip')
  const runId = runIds()
  const ok = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
    return r.value
  }
  /** Removes the deployment (and the canary container) from a server. */
  const wipe = (host: LabHost, file: string): Promise<string> =>
    sh(host, `docker rm -f b12-canary >/dev/null 2>&1; ${removeDeploymentScript(DIR, file)}`)
  const cleanup = async (): Promise<void> => {
    await Promise.all([
      wipe(net, 'docker-compose.yml'),
      wipe(ml1, 'docker-compose.mlnode.yml'),
      wipe(ml2, 'docker-compose.yml'),
    ])
  }

  beforeAll(async () => {
    net = labHost(lab(), 'net')
    ml1 = labHost(lab(), 'ml1')
    ml2 = labHost(lab(), 'ml2')
    await cleanup()
    const model = await governanceModel(seedUrlOf(lab()))
    a = startService('a', net.password)
    await pin(a.dir, net)
    await pin(a.dir, ml1)
    const now = new Date().toISOString()
    profile = ok(
      await a.service.invoke('saveProfile', {
        profile: {
          schemaVersion: 1,
          id: 'lab-bundle',
          name: 'lab bundle',
          topology: 'split',
          servers: [
            // The network server logs in with a password (a canary the app holds for the session).
            { id: 'net', name: 'net', address: net.address, port: net.port, user: net.user, auth: 'password', role: 'network' },
            { id: 'ml1', name: 'ml1', address: ml1.address, port: ml1.port, user: ml1.user, auth: 'key', keyPath: ml1.privateKeyPath, role: 'ml' },
          ],
          seedApiUrl: seedUrlOf(lab()),
          deployment: labDeployment(net, DIR, {
            mlNodes: [
              { serverId: 'ml1', nodeId: 'ml1', models: [{ id: model, args: [] }], maxConcurrent: 500, inferencePort: 5050, pocPort: 8080 },
            ],
          }),
          createdAt: now,
          updatedAt: now,
        },
      }),
    )
    // Step 1's connection test asks for the SSH password once; the app holds it for the session.
    const tested = ok(await a.service.invoke('testConnection', { profileId: profile.id }, { runId: runId('connect') }))
    expect(tested.reports.map((r) => r.connected)).toEqual([true, true])
    ok(await a.service.invoke('holdKeyringPassword', { profileId: profile.id, password: KEYRING }))
    // The 24 words go through the app too, kept encrypted in the secret store (its passphrase is a canary).
    ok(await a.service.invoke('unlockSecrets', { passphrase: STORE_PASS }))
    ok(await a.service.invoke('importAccountKey', { mnemonic: WORDS, keep: true }))
  }, 120_000)

  afterAll(async () => {
    await cleanup()
    await a?.service.dispose()
    await b?.service.dispose()
    for (const d of [a?.dir, b?.dir, out]) if (d) rmSync(d, { recursive: true, force: true })
  })

  it('exports after a launch: config.env without secrets, the keys encrypted, .inference/data left out', async () => {
    const plan = ok(
      await a.service.invoke(
        'planDeployment',
        { profileId: profile.id, startWithoutKeys: true, waitSeconds: 60 },
        { runId: runId('plan') },
      ),
    )
    const applied = ok(await a.service.invoke('applyPlan', { planId: plan.planId }, { runId: runId('apply') }))
    expect(applied.actions.filter((x) => x.outcome === 'failed')).toEqual([])
    // What step 3 leaves on the network server: the keys (canaries), and chain data that is never exported.
    const plant = Object.entries(KEY_FILES)
      .map(([p, c]) => `sudo mkdir -p "$(dirname ${p})" && printf '%b' '${c.replace(/\n/g, '\\n')}' | sudo tee ${p} >/dev/null && sudo chmod 600 ${p}`)
      .join('\n')
    await sh(net, `set -e\ncd ${DIR}/deploy/join\n${plant}\nsudo mkdir -p .inference/data && echo b12-chain-data-marker | sudo tee .inference/data/blockstore.db >/dev/null\n`)
    // A container whose log carries the secrets (as a careless tool might print them).
    await sh(
      net,
      `docker run -d --name b12-canary --entrypoint sh nginx:1.28.0 -c 'echo "keyring ${KEYRING}"; echo "ssh ${net.password}"; echo "${WORDS}"; printf "%s\\n" "-----BEGIN EC PRIVATE KEY-----" "${PRIV}" "-----END EC PRIVATE KEY-----"; sleep 600' >/dev/null`,
    )

    const r = ok(
      await a.service.invoke(
        'exportConfigBundle',
        { profileId: profile.id, outPath: bundlePath, passphrase: BUNDLE_PASS },
        { runId: runId('export') },
      ),
    )
    expect(r.problems).toEqual([])
    expect(r.secrets).toBe(true)
    const files = unzipSync(new Uint8Array(readFileSync(bundlePath)))
    const env = strFromU8(files['servers/net/config.env']!)
    expect(env).toMatch(/KEYRING_PASSWORD=(""|''|$)/m)
    expect(env).toContain('KEY_NAME')
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['servers/ml1/config.env', 'secrets.tar.age']))
    // Every key path was found on the network server (none listed as absent).
    const manifest = JSON.parse(strFromU8(files['manifest.json']!)) as { absent: { serverId: string; path: string }[] }
    expect(manifest.absent.filter((x) => x.serverId === 'net' && x.path.startsWith('.'))).toEqual([])
    for (const [path, data] of Object.entries(files)) {
      const text = Buffer.from(data).toString('latin1')
      for (const canary of [KEYRING, PRIV, BUNDLE_PASS, net.password, 'b12-chain-data-marker']) expect(text, path).not.toContain(canary)
    }
  }, 400_000)

  it('the support bundle, the logs, the events and the data folder hold none of the secrets', async () => {
    const support = join(out, 'support.zip')
    ok(
      await a.service.invoke(
        'supportBundle',
        {
          profileId: profile.id,
          outPath: support,
          checks: [{ checkId: 'leaky', status: 'fail', message: `output had ${KEYRING} in it` }],
        },
        { runId: runId('support') },
      ),
    )
    const entries = unzipSync(new Uint8Array(readFileSync(support)))
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['app.json', 'profile.json', 'journal.jsonl']))
    const canaryLog = Object.entries(entries).find(([p]) => p.startsWith('containers/net/') && p.includes('b12-canary'))
    expect(canaryLog, 'the canary container was read').toBeDefined()
    expect(strFromU8(canaryLog![1])).toContain('[REDACTED]')
    const places: [string, string][] = [
      ...Object.entries(entries).map(([p, d]): [string, string] => [`support:${p}`, strFromU8(d)]),
      ['logs', a.logs.join('\n')],
      ['events', JSON.stringify(a.events)],
      ...filesUnder(a.dir).map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
    ]
    const canaries = [KEYRING, BUNDLE_PASS, STORE_PASS, net.password, WORDS, WORDS.split(' ').slice(0, 4).join(' '), PRIV]
    canaries.push(readFileSync(ml1.privateKeyPath, 'utf8').split('\n')[1] ?? 'no-key-line')
    for (const [where, text] of places) for (const c of canaries) expect(text.includes(c), `${c.slice(0, 12)}… in ${where}`).toBe(false)
    expect(a.logs.length).toBeGreaterThan(0)
  }, 120_000)

  it('imports on a fresh data folder: the deployment with its servers and pinned host keys', async () => {
    b = startService('b')
    const bad = await b.service.invoke('importConfigBundle', { path: bundlePath, passphrase: 'wrong passphrase' })
    expect(bad.ok ? 'ok' : bad.error.code).toBe('WRONG_PASSPHRASE')
    expect(filesUnder(b.dir).filter((f) => f.includes('profiles'))).toEqual([])
    const imported = ok(await b.service.invoke('importConfigBundle', { path: bundlePath, passphrase: BUNDLE_PASS }))
    expect(imported).toMatchObject({ profileId: 'lab-bundle', renamed: false, pinnedHosts: 2, secrets: 'opened' })
    const loaded = ok(await b.service.invoke('loadProfile', { id: 'lab-bundle' }))
    expect(loaded.servers.map((s) => [s.id, s.address, s.role])).toEqual([
      ['net', net.address, 'network'],
      ['ml1', ml1.address, 'ml'],
    ])
    const pins = await new PinStore(b.dir).get(net.address, net.port)
    expect(pins.map((p) => p.fingerprint)).toEqual([net.hostKeyFingerprint])
  }, 60_000)

  it('moves the network node to a fresh server (ml2): plan first, keys and config restored, a second plan empty', async () => {
    const loaded = ok(await b.service.invoke('loadProfile', { id: 'lab-bundle' }))
    // The user points the network server at the new machine (step 1) and trusts its host key.
    await pin(b.dir, ml2)
    const moved = ok(
      await b.service.invoke('saveProfile', {
        profile: {
          ...loaded,
          servers: loaded.servers.map((s) =>
            s.id === 'net'
              ? { ...s, address: ml2.address, port: ml2.port, user: ml2.user, auth: 'key' as const, keyPath: ml2.privateKeyPath }
              : s,
          ),
        },
      }),
    )
    const planRestore = async (): Promise<DeployPlan> =>
      ok(
        await b.service.invoke(
          'planRestore',
          { profileId: moved.id, path: bundlePath, passphrase: BUNDLE_PASS },
          { runId: runId('restore-plan') },
        ),
      )
    const before = await sh(ml2, `ls -a ${DIR} 2>&1 | head -3`)
    const plan = await planRestore()
    expect(plan.hosts.map((h) => h.hostId)).toEqual(['net'])
    const steps = plan.hosts[0]!.steps.map((s) => s.actionId)
    expect(steps).toEqual(expect.arrayContaining(['net/repo', 'net/config.env', 'net/restore-keys']))
    const restore = plan.hosts[0]!.steps.find((s) => s.actionId === 'net/restore-keys')!
    expect(restore.changes.map((c) => (c.kind === 'file' ? c.path : c.kind)).sort()).toEqual(Object.keys(KEY_FILES).sort())
    expect(JSON.stringify(plan)).not.toContain(PRIV)
    expect(JSON.stringify(plan)).not.toContain(KEYRING)
    // Planning wrote nothing.
    expect(await sh(ml2, `ls -a ${DIR} 2>&1 | head -3`)).toBe(before)

    const applied = ok(await b.service.invoke('applyPlan', { planId: plan.planId }, { runId: runId('restore') }))
    expect(applied.actions.filter((x) => x.outcome === 'failed')).toEqual([])
    expect(applied.ok).toBe(true)
    const sums = (host: LabHost) =>
      sh(host, `cd ${DIR}/deploy/join && sudo sha256sum ${Object.keys(KEY_FILES).sort().join(' ')}`)
    expect(await sums(ml2)).toBe(await sums(net))
    expect(await sh(ml2, `sudo test -e ${DIR}/deploy/join/.inference/data && echo present || echo absent`)).toContain('absent')
    const env = await sh(ml2, `cat ${DIR}/deploy/join/config.env; stat -c %a ${DIR}/deploy/join/config.env`)
    // The keyring password came back from the bundle's encrypted part into the 0600 config.env.
    expect(env).toContain(KEYRING)
    expect(env.trim().endsWith('600')).toBe(true)

    const again = await planRestore()
    expect(again.empty).toBe(true)

    // Another key on the new server is never overwritten: the plan is blocked.
    await sh(ml2, `cd ${DIR}/deploy/join && echo other | sudo tee .inference/config/node_key.json >/dev/null`)
    const blocked = await planRestore()
    expect(blocked.hosts[0]!.changes.some((c) => c.kind === 'blocked')).toBe(true)
    const refused = ok(await b.service.invoke('applyPlan', { planId: blocked.planId }, { runId: runId('restore') }))
    expect(refused.ok).toBe(false)
    expect(await sh(ml2, `sudo cat ${DIR}/deploy/join/.inference/config/node_key.json`)).toBe('other\n')
    for (const text of [b.logs.join('\n'), JSON.stringify(b.events)])
      for (const c of [KEYRING, BUNDLE_PASS, PRIV]) expect(text).not.toContain(c)
  }, 300_000)

  it('export ansible: the playbook redeploys net and ml1 from scratch with ansible-playbook, and a second run changes nothing', async () => {
    const dir = join(out, 'ansible')
    const VAULT = 'canary-vault-b12-5e21'
    const r = ok(
      await a.service.invoke(
        'exportAnsible',
        { profileId: profile.id, outDir: dir, vaultPassword: VAULT },
        { runId: runId('ansible') },
      ),
    )
    expect(r.problems).toEqual([])
    for (const f of r.files)
      if (!f.endsWith('vault.yml')) expect(readFileSync(join(dir, f), 'utf8'), f).not.toContain(KEYRING)
    // net logs in with a password: said, never written (the SSH password is a canary here).
    expect(r).toMatchObject({ askPass: ['net'], askBecomePass: [], accessUnknown: false })
    expect(r.command).toBe('ansible-playbook playbook.yml --ask-vault-pass --ask-pass')
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('--ask-pass')
    expect(readFileSync(join(dir, 'inventory.ini'), 'utf8')).toMatch(/# net logs in with a password: .*--ask-pass/)
    for (const f of r.files) expect(readFileSync(join(dir, f), 'utf8'), f).not.toContain(net.password)
    // Start from nothing on both servers: the playbook alone brings the deployment back.
    await Promise.all([wipe(net, 'docker-compose.yml'), wipe(ml1, 'docker-compose.mlnode.yml')])
    const passFile = join(out, 'vault-pass')
    writeFileSync(passFile, VAULT, { mode: 0o600 })
    const playbook = () =>
      new Promise<string>((resolve, reject) => {
        execFile(
          'ansible-playbook',
          // The network server logs in with a password in the profile; here the lab's key stands in
          // (ansible's password login needs sshpass).
          ['playbook.yml', '--vault-password-file', passFile, '-e', `ansible_ssh_private_key_file=${lab().clientKeyPath}`],
          {
            cwd: dir,
            timeout: 600_000,
            maxBuffer: 20 * 1024 * 1024,
            env: { ...process.env, ANSIBLE_HOME: join(out, '.ansible'), ANSIBLE_LOCAL_TEMP: join(out, '.ansible-tmp'), ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
          },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout)),
        )
      })
    const recap = (text: string, host: string): Record<string, number> => {
      const line = text.split('\n').find((l) => l.startsWith(`${host} `) && l.includes('changed='))
      return Object.fromEntries([...(line ?? '').matchAll(/(\w+)=(\d+)/g)].map((m): [string, number] => [m[1] ?? '', Number(m[2])]))
    }
    const first = await playbook()
    expect(recap(first, 'net')).toMatchObject({ failed: 0, unreachable: 0 })
    expect(recap(first, 'net')['changed']).toBeGreaterThan(0)
    expect(recap(first, 'ml1')['changed']).toBeGreaterThan(0)
    expect(first).not.toContain(KEYRING)
    const ps = ok(await a.service.invoke('listContainers', { profileId: profile.id }))
    const running = (host: string) => ps.containers.filter((c) => c.host === host && c.state === 'running').map((c) => c.service)
    expect(running('net')).toEqual(expect.arrayContaining(['api', 'node', 'tmkms']))
    expect(running('ml1')).toEqual(expect.arrayContaining(['inference']))
    expect(await sh(net, `stat -c %a ${DIR}/deploy/join/config.env; grep -c '${KEYRING}' ${DIR}/deploy/join/config.env`)).toBe('600\n1\n')
    // The ML node was registered through the admin API on net's loopback.
    expect(await sh(net, 'curl -sf http://127.0.0.1:9200/admin/v1/nodes')).toContain('"ml1"')

    const second = await playbook()
    expect(recap(second, 'net')).toMatchObject({ changed: 0, failed: 0 })
    expect(recap(second, 'ml1')).toMatchObject({ changed: 0, failed: 0 })
  }, 900_000)
})
