// Apply benchmark (issue 9): a first launch through the deploy engine on the network server alone vs
// on the network server and two ML servers at once, through the same service calls the app and the
// CLI make (`planDeployment`, then `applyPlan` of that plan). The engine applies hosts in parallel,
// so three servers should take about as long as the slowest one, not the sum. Each run starts from a
// clean server (compose down, deployment folder removed); images stay, as on a host that has pulled
// them once. Prints figures; asserts no timing.
import { labHost, type Lab } from '../lab'
import {
  accountPubkey,
  invokeOk,
  labServer,
  labShell,
  removeDeploymentScript,
  runIds,
  saveLabProfile,
  seedUrlOf,
  startLabService,
} from '../../electron/test-support/lab-setup'

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

const round = (n: number): number => Math.round(n)
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100

/** Runs the one-server launch, then the three-server launch, each on clean servers. */
export async function runApplyBench(lab: Lab): Promise<ApplyBenchResult> {
  const net = labHost(lab, 'net')
  const mls = [labHost(lab, 'ml1'), labHost(lab, 'ml2')]
  const runId = runIds()
  const cleanAll = () =>
    Promise.all([
      labShell(net, removeDeploymentScript(DIR, 'docker-compose.yml')),
      ...mls.map((m) => labShell(m, removeDeploymentScript(DIR, 'docker-compose.mlnode.yml'))),
    ])

  const measure = async (withMl: boolean): Promise<ApplyRun> => {
    await cleanAll()
    const { service, stop } = await startLabService(lab, 'ghw-bench-apply-')
    try {
      const profile = await saveLabProfile(service, {
        id: withMl ? 'bench-three' : 'bench-one',
        name: withMl ? 'bench three servers' : 'bench one server',
        topology: 'split',
        servers: [labServer(net, 'network'), ...(withMl ? mls.map((m) => labServer(m, 'ml')) : [])],
        seedApiUrl: seedUrlOf(lab),
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
      })
      const profileId = profile.id
      await invokeOk(service, 'holdKeyringPassword', { profileId, password: 'bench-keyring-pass' })

      const plan = async () => {
        const started = performance.now()
        const made = await invokeOk(
          service,
          'planDeployment',
          { profileId, startWithoutKeys: true, waitSeconds: 120 },
          { runId: runId('bench-plan') },
        )
        return { plan: made, ms: performance.now() - started }
      }
      const first = await plan()
      const started = performance.now()
      const applied = await invokeOk(
        service,
        'applyPlan',
        { planId: first.plan.planId },
        { runId: runId('bench-apply') },
      )
      const applyMs = performance.now() - started
      if (!applied.ok) {
        const failed = applied.actions.filter((a) => a.outcome !== 'done' && a.outcome !== 'skipped')
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
