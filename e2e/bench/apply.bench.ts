// Apply benchmark (issue 9): a first launch through the deploy engine on the network server alone vs
// on the network server and two ML servers at once, through the same service calls the app and the
// CLI make (`planDeployment`, then `applyPlan` of that plan). The engine applies hosts in parallel,
// so three servers should take about as long as the slowest one, not the sum. Each run starts from a
// clean server (compose down, deployment folder removed); images stay, as on a host that has pulled
// them once. Prints figures; asserts no timing.
import { createECDH } from 'node:crypto'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { labHost, labSsh, type Lab, type LabHost } from '../lab'
import type { Server } from '../../electron/shared/profile'
import { startTempService } from '../../electron/test-support/temp-service'

const DIR = '~/gonka-bench'

/** One measured apply. */
export interface ApplyRun {
  readonly servers: number
  readonly planMs: number
  readonly applyMs: number
  /** Actions the plan held (all hosts). */
  readonly actions: number
  /** The plan made right after the apply was empty (a re-run would change nothing). */
  readonly replanEmpty: boolean
  readonly replanMs: number
}

/** The JSON the apply benchmark prints. */
export interface ApplyBenchResult {
  readonly one: ApplyRun
  readonly three: ApplyRun
  /** three.applyMs / one.applyMs: near 1 means the servers really ran in parallel; 3 would be one after another. */
  readonly applyRatio: number
  /** three.planMs / one.planMs (plans inspect every host in parallel too). */
  readonly planRatio: number
  /** Apply wall time divided by the number of servers (ms): falls as servers are added when they run in parallel. */
  readonly msPerServer: { readonly one: number; readonly three: number }
}

function accountPubkey(): string {
  const ecdh = createECDH('secp256k1')
  ecdh.generateKeys()
  return ecdh.getPublicKey(undefined, 'compressed').toString('base64')
}

function server(h: LabHost, role: 'network' | 'ml'): Server {
  return {
    id: h.name,
    name: h.name,
    address: h.address,
    port: h.port,
    user: h.user,
    auth: 'key',
    keyPath: h.privateKeyPath,
    role,
  }
}

async function clean(host: LabHost, file: string): Promise<void> {
  await labSsh(host, 'bash -s', {
    input: `cd ${DIR}/deploy/join 2>/dev/null && . ./config.env && docker compose -f ${file} down -v -t 1 >/dev/null 2>&1; sudo rm -rf ${DIR}; true`,
  })
}

let runs = 0
const round = (n: number): number => Math.round(n)
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100

/** Runs the one-server launch, then the three-server launch, each on clean servers. */
export async function runApplyBench(lab: Lab): Promise<ApplyBenchResult> {
  const net = labHost(lab, 'net')
  const mls = [labHost(lab, 'ml1'), labHost(lab, 'ml2')]
  const seed = lab.hosts.find((h) => h.name === 'seed')
  const cleanAll = () =>
    Promise.all([clean(net, 'docker-compose.yml'), ...mls.map((m) => clean(m, 'docker-compose.mlnode.yml'))])

  const measure = async (withMl: boolean): Promise<ApplyRun> => {
    await cleanAll()
    const { service, stop, dir } = await startTempService('ghw-bench-apply-')
    try {
      mkdirSync(join(dir, '.ssh'), { recursive: true })
      copyFileSync(lab.knownHostsPath, join(dir, '.ssh', 'known_hosts'))
      const now = new Date().toISOString()
      const saved = await service.invoke('saveProfile', {
        profile: {
          schemaVersion: 1,
          id: withMl ? 'bench-three' : 'bench-one',
          name: withMl ? 'bench three servers' : 'bench one server',
          topology: 'split',
          servers: [server(net, 'network'), ...(withMl ? mls.map((m) => server(m, 'ml')) : [])],
          ...(seed ? { seedApiUrl: `http://${seed.address}:8000` } : {}),
          deployment: {
            repoUrl: net.gonkaRepoUrl,
            repoRef: 'main',
            dir: DIR,
            publicHost: 'gonka-lab.example.org',
            keyName: 'bench-warm',
            accountPubkey: accountPubkey(),
            hfHome: '/tmp/hf-cache',
            mlNodes: [],
          },
          createdAt: now,
          updatedAt: now,
        },
      })
      if (!saved.ok) throw new Error(`saveProfile: ${saved.error.message}`)
      const profileId = saved.value.id
      const held = await service.invoke('holdKeyringPassword', { profileId, password: 'bench-keyring-pass' })
      if (!held.ok) throw new Error(`holdKeyringPassword: ${held.error.message}`)

      const plan = async () => {
        const started = performance.now()
        const r = await service.invoke(
          'planDeployment',
          { profileId, startWithoutKeys: true, waitSeconds: 120 },
          { runId: `bench-plan-${++runs}` },
        )
        if (!r.ok) throw new Error(`plan: ${r.error.code} ${r.error.message}`)
        return { plan: r.value, ms: performance.now() - started }
      }
      const first = await plan()
      const started = performance.now()
      const applied = await service.invoke(
        'applyPlan',
        { planId: first.plan.planId },
        { runId: `bench-apply-${++runs}` },
      )
      const applyMs = performance.now() - started
      if (!applied.ok) throw new Error(`apply: ${applied.error.code} ${applied.error.message}`)
      if (!applied.value.ok) {
        const failed = applied.value.actions.filter((a) => a.outcome !== 'done' && a.outcome !== 'skipped')
        throw new Error(`apply did not finish: ${JSON.stringify(failed)}`)
      }
      const again = await plan()
      return {
        servers: withMl ? 3 : 1,
        planMs: round(first.ms),
        applyMs: round(applyMs),
        actions: first.plan.hosts.reduce((n, h) => n + h.steps.length, 0),
        replanEmpty: again.plan.empty,
        replanMs: round(again.ms),
      }
    } finally {
      await stop()
    }
  }

  try {
    const one = await measure(false)
    const three = await measure(true)
    return {
      one,
      three,
      applyRatio: ratio(three.applyMs, one.applyMs),
      planRatio: ratio(three.planMs, one.planMs),
      msPerServer: { one: one.applyMs, three: round(three.applyMs / 3) },
    }
  } finally {
    await cleanAll()
  }
}
