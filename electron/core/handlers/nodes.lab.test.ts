// Steps 7 and 8 against the stand-ins on the lab's real hosts: the network node from the cloned
// deploy/join on `net` (admin API bound to net's 127.0.0.1:9200 only), ML nodes on ml1 and ml2. The
// app reaches the admin API only through the SSH tunnel of its pooled connection; port 9200 is
// checked closed from outside before and after every step.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { canConnect, labHost, labSsh, type LabHost } from '../../../e2e/lab'
import { blockPort } from '../../../e2e/lab/faults'
import { describeLab } from '../../../e2e/lab/require-lab'
import type { DeployPlan } from '../../shared/deploy'
import type { RehearsalResult } from '../../shared/nodes'
import { defaultDeploymentSettings } from '../../shared/deployment'
import type { Profile } from '../../shared/profile'
import {
  governanceModel,
  labServer as server,
  removeDeploymentScript,
  seedUrlOf,
  startLabService,
} from '../../test-support/lab-setup'
import { AdminApiError, type AdminNodeInput } from '../gonka/admin-api'
import type { AppService } from '../service'
import { SshPool } from '../ssh/pool'
import { HostKeyTrust } from '../ssh/trust'
import { adminClientFor } from './nodes'

const CLONE = 'gonka-nodes'
const REPO = resolve(__dirname, '..', '..', '..')
const CLI = join(REPO, 'electron', 'cli', 'index.ts')
const JOIN = `~/${CLONE}/deploy/join`

async function sh(host: LabHost, script: string): Promise<string> {
  const r = await labSsh(host, 'bash -s', { input: `set -e\n${script}\n` })
  if (r.code !== 0)
    throw new Error(`on ${host.name} (exit ${r.code}):\n${script}\n--\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

async function until<T>(
  what: string,
  ms: number,
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      last = v
      if (ok(v)) return v
    } catch (error) {
      last = error instanceof Error ? error.message : error
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not reached in ${ms / 1000} s; last: ${JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, 300))
  }
}

describeLab('ML nodes and status through the admin API tunnel (stand-ins)', (lab) => {
  let net: LabHost
  let ml1: LabHost
  let ml2: LabHost
  let seed: LabHost
  let service: AppService
  let stopService: (() => Promise<void>) | undefined
  let dataDir: string
  let pool: SshPool
  let profile: Profile
  let model: string

  const node = (h: LabHost, extra: Partial<AdminNodeInput> = {}): AdminNodeInput => ({
    id: h.name,
    host: h.address,
    inference_port: 5050,
    poc_port: 8080,
    max_concurrent: 500,
    models: { [model]: { args: [] } },
    ...extra,
  })
  const admin = () => adminClientFor(pool, profile).client
  const closedFromOutside = async (): Promise<void> => {
    expect(await canConnect(net.address, 9200)).toBe(false)
  }

  async function cleanup(): Promise<void> {
    const down = (host: LabHost, file: string) =>
      labSsh(host, removeDeploymentScript(`~/${CLONE}`, file, { keepDir: true }))
    await Promise.all([
      down(net, 'docker-compose.yml'),
      down(ml1, 'docker-compose.mlnode.yml'),
      down(ml2, 'docker-compose.mlnode.yml'),
    ])
    for (const host of [net, ml1, ml2]) await rm(join(host.home, CLONE), { recursive: true, force: true })
  }

  beforeAll(async () => {
    net = labHost(lab(), 'net')
    ml1 = labHost(lab(), 'ml1')
    ml2 = labHost(lab(), 'ml2')
    seed = labHost(lab(), 'seed')
    await cleanup()
    model = await governanceModel(seedUrlOf(lab()))
    const configEnv = `sed -e 's|^export KEY_NAME=.*|export KEY_NAME=nodes-warm|' \\
    -e 's|^export KEYRING_PASSWORD=.*|export KEYRING_PASSWORD=nodes-pass|' \\
    -e 's|^export PUBLIC_URL=.*|export PUBLIC_URL=http://${net.address}:8000|' \\
    -e 's|^export P2P_EXTERNAL_ADDRESS=.*|export P2P_EXTERNAL_ADDRESS=tcp://${net.address}:5000|' \\
    -e 's|^export ACCOUNT_PUBKEY=.*|export ACCOUNT_PUBKEY=A8nodesNodesNodesNodesNodesNodesNodesNodesNod|' \\
    -e 's|^export DAPI_API__POC_CALLBACK_URL=.*|export DAPI_API__POC_CALLBACK_URL=http://${net.address}:9100|' \\
    -e "s|^export HF_HOME=.*|export HF_HOME=$HOME/${CLONE}/hf-cache|" \\
    -e 's|node[0-9].gonka.ai|${seed.address}|g' \\
    config.env.template > config.env
mkdir -p ../../hf-cache
. ./config.env`
    const clone = (h: LabHost) =>
      `git clone -q -b main ${h.gonkaRepoUrl} ~/${CLONE}\ncd ${JOIN}\n${configEnv}`
    await Promise.all([
      sh(net, `${clone(net)}\ndocker compose up -d --quiet-pull 2>&1`),
      sh(ml1, `${clone(ml1)}\ndocker compose -f docker-compose.mlnode.yml up -d --quiet-pull 2>&1`),
      sh(ml2, `${clone(ml2)}\ndocker compose -f docker-compose.mlnode.yml up -d --quiet-pull 2>&1`),
    ])
    profile = {
      schemaVersion: 1,
      id: 'lab-nodes',
      name: 'lab nodes',
      topology: 'split',
      servers: [server(net, 'network'), server(ml1, 'ml'), server(ml2, 'ml')],
      seedApiUrl: seedUrlOf(lab()),
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    }
    ;({ service, stop: stopService, dir: dataDir } = await startLabService(lab(), 'nodes-lab-'))
    const noSecrets = {
      password: () => Promise.resolve(undefined),
      passphrase: () => Promise.resolve(undefined),
      keyboardInteractive: () => Promise.resolve(undefined),
    }
    pool = new SshPool({ trust: new HostKeyTrust(undefined, [lab().knownHostsPath]), secrets: noSecrets })
    await until(
      'admin API answers through the tunnel',
      30_000,
      () => admin().listNodes(),
      () => true,
    )
    for (const h of [ml1, ml2])
      await until(
        `${h.name} /health`,
        30_000,
        async () => (await fetch(`http://${h.address}:8080/health`)).status,
        (s) => s === 200,
      )
  })

  afterAll(async () => {
    await pool?.dispose()
    await stopService?.()
    if (net !== undefined) await cleanup()
  })

  it('lists ml1 and ml2 as missing before registration, 9200 closed from outside', async () => {
    await closedFromOutside()
    const r = await service.invoke('listNodes', { profile })
    expect(r.ok ? r.value.rows.map((x) => [x.id, x.comparison]) : r.error).toEqual([
      ['ml1', 'missing'],
      ['ml2', 'missing'],
    ])
  })

  it('registers ml1 and ml2 through the tunnel; both listed registered and enabled', async () => {
    await admin().upsertNode(node(ml1))
    await admin().upsertNode(node(ml2))
    const r = await service.invoke('listNodes', { profile })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.rows.map((x) => [x.id, x.comparison, x.registered?.enabled])).toEqual([
      ['ml1', 'registered', true],
      ['ml2', 'registered', true],
    ])
    await closedFromOutside()
  })

  it('rejects a port out of range, a duplicate host:port and an unknown model, each at its field', async () => {
    const failure = async (input: AdminNodeInput): Promise<AdminApiError> => {
      const e = await admin()
        .upsertNode(input)
        .catch((x: unknown) => x)
      expect(e).toBeInstanceOf(AdminApiError)
      return e as AdminApiError
    }
    expect((await failure(node(ml1, { id: 'ml3', inference_port: 70000 }))).fields).toMatchObject({
      inferencePort: 'portRange',
    })
    expect((await failure(node(ml1, { id: 'ml3' }))).fields).toMatchObject({
      inferencePort: 'duplicateEndpoint',
    })
    expect(
      (
        await failure(
          node(ml1, {
            id: 'ml3',
            inference_port: 6050,
            poc_port: 9080,
            models: { 'no/such-model': { args: [] } },
          }),
        )
      ).fields,
    ).toEqual({ models: 'modelNotGovernance' })
    const r = await service.invoke('listNodes', { profile })
    expect(r.ok && r.value.rows.map((x) => x.id)).toEqual(['ml1', 'ml2'])
    await closedFromOutside()
  })

  it('shows a node registered with another host as different, and an extra one as unknown', async () => {
    await admin().upsertNode(node(ml2, { host: `http://${ml2.address}` }))
    await admin().upsertNode(node(ml2, { id: 'spare', inference_port: 6050, poc_port: 9080 }))
    const r = await service.invoke('listNodes', { profile })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.rows.map((x) => [x.id, x.comparison, x.differences])).toEqual([
      ['ml1', 'registered', []],
      ['ml2', 'different', ['host']],
      ['spare', 'unknown', []],
    ])
    expect(await admin().deleteNode('spare')).toBe(true)
    expect(await admin().deleteNode('spare')).toBe(false)
    await admin().upsertNode(node(ml2))
  })

  it('reads the status: setup report, chain against the seed, epoch, per-node health', async () => {
    const r = await service.invoke('getStatus', { profile })
    if (!r.ok) throw new Error(r.error.message)
    const s = r.value
    expect(s.report?.checks.length).toBeGreaterThan(3)
    expect(s.report?.checks.find((c) => c.id === 'block_sync')?.known).toBe('block_sync')
    expect(s.passed).toBe(s.report?.overall === 'PASS')
    expect(s.sync?.seedHeight).toBeGreaterThan(0)
    expect(s.epoch?.phase).toBeTruthy()
    expect(s.epoch?.nextPocBlock).toBeGreaterThan(s.epoch?.blockHeight ?? 0)
    expect(s.nodes.map((n) => n.id).sort()).toEqual(['ml1', 'ml2'])
    // GPUs per node (the lab's are a replayed capture of a real nvidia-smi, labelled as such).
    for (const n of s.nodes) expect(n.gpus.length, n.id).toBeGreaterThan(0)
    expect(s.problems.filter((p) => p.part === 'report' || p.part === 'nodes')).toEqual([])
    await closedFromOutside()
  })

  it('says why when the api is down instead of hanging', async () => {
    await sh(net, `cd ${JOIN} && . ./config.env && docker compose stop -t 1 api 2>&1`)
    try {
      const r = await service.invoke('listNodes', { profile })
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.message).toMatch(/admin API|refused|9200/i)
      const s = await service.invoke('getStatus', { profile })
      expect(s.ok && s.value.passed).toBe(false)
      expect(s.ok && s.value.problems.map((p) => p.part)).toContain('report')
    } finally {
      await sh(net, `cd ${JOIN} && . ./config.env && docker compose start api 2>&1`)
    }
    await closedFromOutside()
  })
  describe('changes through the deploy engine (plan, approve, apply)', () => {
    // The api was just started again by the test before: wait until it answers through the tunnel.
    beforeAll(async () => {
      for (let i = 0; i < 60; i++) {
        if ((await service.invoke('listNodes', { profile })).ok) return
        await new Promise((r) => setTimeout(r, 500))
      }
    }, 60_000)
    /** The profile with ml1 and ml2 as ML nodes: each node's model (default the governance one) and args (default none). */
    const withModels = (models: Record<string, string>, args: Record<string, string[]> = {}): Profile => ({
      ...profile,
      deployment: {
        ...defaultDeploymentSettings(),
        dir: `~/${CLONE}`,
        mlNodes: [ml1, ml2].map((h) => ({
          serverId: h.name,
          nodeId: h.name,
          models: [{ id: models[h.name] ?? model, args: args[h.name] ?? [] }],
          maxConcurrent: 500,
          inferencePort: 5050,
          pocPort: 8080,
        })),
      },
    })
    const plan = async (input: Record<string, unknown>, p: Profile = withModels({})): Promise<DeployPlan> => {
      const r = await service.invoke(
        'planNodes',
        { profile: p, ...input },
        { runId: `lab-plan-${randomUUID()}` },
      )
      if (!r.ok) throw new Error(r.error.message)
      return r.value
    }
    const apply = async (planned: DeployPlan) => {
      const r = await service.invoke(
        'applyPlan',
        { planId: planned.planId },
        { runId: `lab-apply-${randomUUID()}` },
      )
      if (!r.ok) throw new Error(r.error.message)
      return r.value
    }
    /** ml1's health/PoC port closed to the network server (the safe update's health check fails); returns the undo. */
    const blockHealthFromNet = () =>
      blockPort(lab(), 'ml1', { port: 8080, from: ['net'], published: true, action: 'REJECT' })
    const blockedKeys = (planned: DeployPlan): string[] =>
      planned.hosts.flatMap((h) => h.changes.filter((c) => c.kind === 'blocked').map((c) => c.summary.key))
    const rows = async () => {
      const r = await service.invoke('listNodes', { profile })
      if (!r.ok) throw new Error(r.error.message)
      return r.value.rows.map((x) => [x.id, x.comparison, x.registered?.enabled ?? null])
    }

    it('removes both nodes (confirmed); removing an unknown id says so and changes nothing', async () => {
      const refused = await service.invoke('planNodes', { profile, change: 'remove', nodeId: 'ml1' })
      expect(refused.ok).toBe(false)
      for (const id of ['ml1', 'ml2']) {
        const p = await plan({ change: 'remove', nodeId: id, confirm: true })
        expect(p.empty).toBe(false)
        expect((await apply(p)).ok).toBe(true)
      }
      expect(await rows()).toEqual([
        ['ml1', 'missing', null],
        ['ml2', 'missing', null],
      ])
      const again = await plan({ change: 'remove', nodeId: 'ghost', confirm: true })
      expect(again.empty).toBe(true)
      expect(again.hosts[0]?.notices.map((n) => n.key)).toContain('deploy.node.change.unknownNode')
      await closedFromOutside()
    })

    it('refuses an unknown model before sending anything', async () => {
      const p = await plan({ change: 'register', nodeId: 'ml1' }, withModels({ ml1: 'no/such-model' }))
      expect(blockedKeys(p)).toEqual(['deploy.node.change.unknownModel'])
      const r = await apply(p).catch((e: unknown) => e)
      expect(r instanceof Error || (r as { ok: boolean }).ok === false).toBe(true)
      expect(await rows()).toEqual([
        ['ml1', 'missing', null],
        ['ml2', 'missing', null],
      ])
    })

    it('refuses an ML server the network server cannot reach, before registration', async () => {
      const undo = await blockPort(lab(), 'ml2', {
        port: 8080,
        from: ['net'],
        published: true,
        action: 'REJECT',
      })
      try {
        const p = await plan({ change: 'register', nodeId: 'ml2' })
        expect(blockedKeys(p)).toEqual(['deploy.node.change.unreachable'])
        expect(JSON.stringify(p)).toContain('"port":8080')
      } finally {
        await undo()
      }
      expect(await rows()).toEqual([
        ['ml1', 'missing', null],
        ['ml2', 'missing', null],
      ])
    })

    it('registers ml1 (http:// stripped, with the notice) and ml2; a second plan is empty', async () => {
      const one = await plan({ change: 'register', nodeId: 'ml1', host: `http://${ml1.address}` })
      expect(one.hosts[0]?.notices).toEqual([
        {
          key: 'deploy.node.notice.hostStripped',
          params: { id: 'ml1', raw: `http://${ml1.address}`, host: ml1.address },
        },
      ])
      expect(JSON.stringify(one.hosts[0]?.changes)).not.toContain('http://')
      expect((await apply(one)).ok).toBe(true)
      const all = await plan({ change: 'register' })
      expect(all.hosts[0]?.steps.map((s) => s.actionId)).toEqual(['net/ml-node/ml2'])
      expect((await apply(all)).ok).toBe(true)
      expect(await rows()).toEqual([
        ['ml1', 'registered', true],
        ['ml2', 'registered', true],
      ])
      expect((await plan({ change: 'register' })).empty).toBe(true)
      await closedFromOutside()
    })

    it('disables and enables a node', async () => {
      expect((await apply(await plan({ change: 'disable', nodeId: 'ml1' }))).ok).toBe(true)
      expect(await rows()).toContainEqual(['ml1', 'registered', false])
      expect((await plan({ change: 'disable', nodeId: 'ml1' })).empty).toBe(true)
      expect((await apply(await plan({ change: 'enable', nodeId: 'ml1' }))).ok).toBe(true)
      expect(await rows()).toContainEqual(['ml1', 'registered', true])
      await closedFromOutside()
    })

    // The rehearsal is a plan like every other change: planned, approved (applied), journaled.
    const rehearsalPlan = (input: Record<string, unknown> = {}) =>
      plan({ change: 'rehearse', nodeId: 'ml1', waitSeconds: 15, ...input })
    const rehearse = async (input: Record<string, unknown> = {}) => {
      const planned = await rehearsalPlan(input)
      expect(blockedKeys(planned)).toEqual([])
      const result = await apply(planned)
      expect(result.actions.map((a) => [a.outcome, a.reason ?? ''])).toEqual([['done', '']])
      return { planned, result, value: result.actions[0]?.output as RehearsalResult }
    }

    it('refuses the PoC rehearsal on an enabled node in the plan, and applying it touches nothing', async () => {
      const planned = await rehearsalPlan()
      expect(blockedKeys(planned)).toEqual(['deploy.node.change.rehearseRefused.enabled'])
      const result = await apply(planned)
      expect(result.ok).toBe(false)
      expect(result.actions[0]?.reason).toMatch(/ml1 is enabled/)
      expect(await rows()).toContainEqual(['ml1', 'registered', true])
    })

    it('rehearses PoC on a disabled node: the network server receives the batches at the api callback', async () => {
      expect((await apply(await plan({ change: 'disable', nodeId: 'ml1' }))).ok).toBe(true)
      const { planned, value } = await rehearse()
      // The plan says what happens: the check, the stop, the generation, the wait, the stop at the end.
      expect(planned.hosts[0]?.changes.map((c) => c.summary.key.split('.').pop())).toEqual([
        'rehearseCheckDisabled',
        'rehearseStop',
        'rehearseGenerate',
        'rehearseWait',
        'rehearseRestore',
      ])
      expect(JSON.stringify(planned)).toContain(`http://${net.address}:9100`)
      expect(value).toMatchObject({
        received: true,
        callbackUrl: `http://${net.address}:9100`,
        callbackSource: 'api-container',
      })
      expect(value.batches).toBeGreaterThan(0)
      expect(value.cause).toBeUndefined()
      // Applying the same plan again rehearses nothing new and gives the same result.
      const again = await apply(planned)
      expect(again.actions.map((a) => a.outcome)).toEqual(['skipped'])
      expect(again.actions[0]?.output).toEqual(value)
      // Journaled locally and in the network server's marker; the node is still disabled.
      const actionId = planned.hosts[0]?.steps[0]?.actionId ?? ''
      expect(actionId).toMatch(/^net\/ml-node\/ml1\/rehearse\//)
      const journal = await service.invoke('journal', { profileId: profile.id })
      expect(JSON.stringify(journal)).toContain(actionId)
      expect(await sh(net, `cat ~/${CLONE}/.ghw/journal.json`)).toContain(actionId)
      expect(await rows()).toContainEqual(['ml1', 'registered', false])
      await closedFromOutside()
    }, 90_000)

    it('nodes rehearse in the CLI: the plan without --yes is refused (exit 2), with --yes the batches arrive (exit 0, --json)', async () => {
      // The CLI works on the same data folder (profile saved, host keys trusted in its ~/.ssh).
      const saved = await service.invoke('saveProfile', { profile: withModels({}) })
      if (!saved.ok) throw new Error(saved.error.message)
      // The real CLI process, as a script runs it (stdin not a terminal).
      const cli = (extra: string[]) =>
        new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
          execFile(
            process.execPath,
            [
              '--import',
              'tsx',
              CLI,
              ...['nodes', 'rehearse', '--profile', profile.id, '--id', 'ml1'],
              ...extra,
            ],
            {
              cwd: REPO,
              env: { PATH: process.env.PATH, HOME: dataDir, GHW_USER_DATA_DIR: dataDir, GHW_LANG: 'en' },
              timeout: 110_000,
            },
            (error, stdout, stderr) =>
              done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          ).stdin?.end()
        })
      const refused = await cli(['--wait', '15', '--json'])
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain('Not applied: pass --yes')
      expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, actions: [] })

      const ran = await cli(['--wait', '15', '--yes', '--json'])
      expect(ran.code).toBe(0)
      const answer = JSON.parse(ran.stdout) as Partial<RehearsalResult> & { ok: boolean }
      expect(answer).toMatchObject({
        ok: true,
        nodeId: 'ml1',
        received: true,
        callbackUrl: `http://${net.address}:9100`,
      })
      expect(answer.batches).toBeGreaterThan(0)
      expect(await rows()).toContainEqual(['ml1', 'registered', false])
    }, 120_000)

    it('names the cause when the callback is http://api:9100 (a Docker-internal name)', async () => {
      const { value } = await rehearse({ callbackUrl: 'http://api:9100' })
      expect(value).toMatchObject({ received: false, cause: 'callbackWrongUrl', callbackSource: 'input' })
      expect(value.evidence).toMatch(/api:9100/)
    }, 90_000)

    it('names the cause when 9100 is blocked between the ML server and the network server', async () => {
      const undo = await blockPort(lab(), 'net', {
        port: 9100,
        from: ['ml1'],
        published: true,
        action: 'REJECT',
      })
      try {
        const { value } = await rehearse()
        expect(value).toMatchObject({ received: false, cause: 'callbackUnreachable' })
      } finally {
        await undo()
      }
      await closedFromOutside()
    }, 90_000)

    it('safe update keeps the node disabled until it is healthy, then finishes when planned again', async () => {
      expect((await apply(await plan({ change: 'enable', nodeId: 'ml1' }))).ok).toBe(true)
      const newArgs = withModels({}, { ml1: ['--max-model-len', '4096'] })
      const first = await plan({ change: 'update', nodeId: 'ml1', waitSeconds: 20 }, newArgs)
      expect(first.hosts[0]?.steps.map((s) => s.actionId)).toEqual(['net/ml-node/ml1/safe-update'])
      expect(first.hosts[0]?.changes.map((c) => c.summary.key.split('.').pop())).toEqual([
        'safeDisable',
        'safeDrain',
        'update',
        'safeHealthy',
        'safeEnable',
      ])
      // The ML node cannot answer its health check from the network server during the update.
      const undo = await blockHealthFromNet()
      try {
        const result = await apply(first)
        expect(result.ok).toBe(false)
        expect(result.actions[0]?.reason).toMatch(/not healthy[\s\S]*stays disabled/)
        expect(await rows()).toContainEqual(['ml1', 'registered', false])
      } finally {
        await undo()
      }
      const again = await plan({ change: 'update', nodeId: 'ml1', waitSeconds: 30 }, newArgs)
      expect(again.hosts[0]?.changes.map((c) => c.summary.key.split('.').pop())).toEqual(['safeResume'])
      expect((await apply(again)).ok).toBe(true)
      expect(await rows()).toContainEqual(['ml1', 'registered', true])
      expect((await plan({ change: 'update', nodeId: 'ml1' }, newArgs)).empty).toBe(true)
      await closedFromOutside()
    }, 120_000)

    it('safe update leaves a node the user had disabled disabled, also when interrupted and resumed', async () => {
      // ml1 now runs with ['--max-model-len', '4096'] (the test before); the user disables it.
      expect((await apply(await plan({ change: 'disable', nodeId: 'ml1' }))).ok).toBe(true)
      const argsOf = (args: string[]): Profile => withModels({}, { ml1: args })
      const first = await plan(
        { change: 'update', nodeId: 'ml1', waitSeconds: 20 },
        argsOf(['--max-model-len', '2048']),
      )
      expect(first.hosts[0]?.changes.map((c) => c.summary.key.split('.').pop())).toEqual([
        'safeDrain',
        'update',
        'safeHealthy',
        'safeStaysDisabled',
      ])
      expect(JSON.stringify(first)).not.toContain('/enable')
      // Interrupted while waiting for health: the node is disabled now by the update too.
      const undo = await blockHealthFromNet()
      try {
        const result = await apply(first)
        expect(result.ok).toBe(false)
      } finally {
        await undo()
      }
      expect(await rows()).toContainEqual(['ml1', 'registered', false])
      // Resumed: the journal says it was disabled before, so there is nothing to finish and no enable.
      const again = await plan(
        { change: 'update', nodeId: 'ml1', waitSeconds: 30 },
        argsOf(['--max-model-len', '2048']),
      )
      expect(again.empty).toBe(true)
      expect(await rows()).toContainEqual(['ml1', 'registered', false])
      // An update that runs through on the disabled node leaves it disabled as well.
      const other = await plan({ change: 'update', nodeId: 'ml1', waitSeconds: 30 }, argsOf([]))
      expect(other.hosts[0]?.changes.map((c) => c.summary.key.split('.').pop())).toContain(
        'safeStaysDisabled',
      )
      expect((await apply(other)).ok).toBe(true)
      expect(await rows()).toContainEqual(['ml1', 'registered', false])
      await closedFromOutside()
    }, 150_000)
  })
})
