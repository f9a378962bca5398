import type { ContainerInfo, LogBatch } from '../../shared/deploy'
import { deployFactsFromChecks, type DeployFacts } from '../../shared/deploy-facts'
import type { CheckResult, PathResult } from '../../shared/checks'
import type { Profile } from '../../shared/profile'
import type { HostError, PlanDeploymentInput } from '../../shared/ops/deploy'
import { dockerFor, listContainerStates, streamContainerLogs } from '../docker/docker-client'
import { AppFailure, toAppError } from '../errors'
import type { CallContext, Handlers } from '../handler-types'
import type { Logger } from '../log'
import { DeployEngine, type EngineEvent } from '../deploy/engine'
import { gonkaActions, gonkaMarkerStore } from '../deploy/gonka-actions'
import { LocalJournal } from '../deploy/journal'
import { LogBatcher } from '../deploy/log-batch'
import type { SessionSecrets } from '../deploy/session-secrets'
import type { SshPool } from '../ssh/pool'
import { targetOf } from '../ssh/targets'
import type { ProfileStore } from '../storage/profile-store'

type DeployOpName = 'planDeployment' | 'applyPlan' | 'listContainers' | 'streamLogs' | 'journal'

/** Reports engine events as the run's progress events (step id = action id). */
function reportEngineEvent(call: CallContext, event: EngineEvent): void {
  if (event.type === 'action-start') {
    call.progress({
      stepId: event.actionId,
      kind: 'start',
      title: event.title.key,
      data: { hostId: event.hostId, title: event.title },
    })
  } else if (event.type === 'action-progress') {
    call.progress({
      stepId: event.actionId,
      kind: 'progress',
      title: event.title.key,
      ...(event.fraction !== undefined ? { fraction: event.fraction } : {}),
      ...(event.detail !== undefined ? { detail: event.detail } : {}),
      data: { hostId: event.hostId, title: event.title, progress: event.data },
    })
  } else if (event.type === 'action-log') {
    call.progress({
      stepId: event.actionId,
      kind: 'log',
      title: 'deploy.log',
      detail: event.line,
      data: { hostId: event.hostId },
    })
  } else {
    const r = event.result
    call.progress({
      stepId: event.actionId,
      kind: r.outcome === 'failed' ? 'error' : r.outcome === 'cancelled' ? 'cancelled' : 'done',
      title: `deploy.outcome.${r.outcome}`,
      ...(r.reason !== undefined ? { detail: r.reason } : {}),
      data: r,
    })
  }
}

/**
 * The engines that hold plans awaiting approval, by plan id: shared by every feature that plans through
 * the engine (deployment, ML nodes), so `applyPlan` applies any of them.
 */
export class PlanRegistry {
  private readonly byPlan = new Map<string, DeployEngine>()

  /** Remembers which engine holds `planId`. */
  hold(planId: string, engine: DeployEngine): void {
    this.byPlan.set(planId, engine)
    while (this.byPlan.size > 64) {
      const oldest = this.byPlan.keys().next().value
      if (oldest === undefined) break
      this.byPlan.delete(oldest)
    }
  }

  /** The engine that holds `planId`, if any. */
  engineOf(planId: string): DeployEngine | undefined {
    return this.byPlan.get(planId)
  }
}

/**
 * What steps 2 and 5 found, for the desired config of a plan (the same derivation as step 4's preview):
 * undefined when the plan is given no check results, models or private address.
 */
export function planFacts(
  profile: Profile,
  input: Pick<PlanDeploymentInput, 'checks' | 'models' | 'networkPrivateAddress'>,
): DeployFacts | undefined {
  const address = input.networkPrivateAddress?.trim()
  if (input.checks === undefined && input.models === undefined && !address) return undefined
  const results = (input.checks?.results ?? []) as unknown as CheckResult[]
  const paths = (input.checks?.paths ?? []) as PathResult[]
  const facts = deployFactsFromChecks(profile, results, paths, input.models)
  return address ? { ...facts, networkPrivateAddress: address } : facts
}

/** The deploy feature: the engine, its journal, the session's keyring passwords and the handlers. */
export function createDeployHandlers(deps: {
  profiles: ProfileStore
  pool: () => SshPool
  dataDir: string
  log: Logger
  /** The service's one holder of keyring passwords (step 4's holdKeyringPassword fills it). */
  secrets: SessionSecrets
  plans?: PlanRegistry
}): Handlers<DeployOpName> {
  const journal = new LocalJournal(deps.dataDir)
  const secrets = deps.secrets
  // One engine per plan, so each keeps its host markers; plans are held by the engine that made them.
  const plans = deps.plans ?? new PlanRegistry()
  const engineFor = (_profileId: string, markers: ReturnType<typeof gonkaMarkerStore>): DeployEngine =>
    new DeployEngine({ journal, markers, log: deps.log })

  return {
    async planDeployment(input, call) {
      const profile = await deps.profiles.load(input.profileId)
      const pool = deps.pool()
      const password = await secrets.resolve(profile.id)
      const options = {
        ...(input.startWithoutKeys !== undefined ? { startWithoutKeys: input.startWithoutKeys } : {}),
        ...(input.updateImages !== undefined ? { updateImages: input.updateImages } : {}),
        ...(input.updateRepo !== undefined ? { updateRepo: input.updateRepo } : {}),
        ...(input.waitSeconds !== undefined ? { waitSeconds: input.waitSeconds } : {}),
        ...(input.minFreeMb !== undefined ? { minFreeMb: input.minFreeMb } : {}),
      }
      const facts = planFacts(profile, input)
      const actions = gonkaActions({
        pool,
        profile,
        ...(password !== undefined ? { keyringPassword: password } : {}),
        ...(facts ? { facts } : {}),
        options,
      })
      const engine = engineFor(profile.id, gonkaMarkerStore(pool, profile))
      call.progress({ stepId: 'plan', kind: 'start', title: 'deploy.progress.planning' })
      const plan = await engine.plan({
        profileId: profile.id,
        actions,
        hosts: profile.servers.map((s) => ({ hostId: s.id, host: s.name || s.address })),
        options,
        signal: call.signal,
      })
      plans.hold(plan.planId, engine)
      return plan
    },

    async applyPlan(input, call) {
      const engine = plans.engineOf(input.planId)
      if (!engine)
        throw new AppFailure('NOT_FOUND', `No plan ${input.planId} is held; make a new plan.`, {
          details: { planId: input.planId },
        })
      return engine.apply({
        planId: input.planId,
        runId: call.runId ?? 'run',
        signal: call.signal,
        onEvent: (e) => reportEngineEvent(call, e),
      })
    },

    async listContainers(input) {
      const profile = await deps.profiles.load(input.profileId)
      const pool = deps.pool()
      const containers: ContainerInfo[] = []
      const errors: HostError[] = []
      await Promise.all(
        profile.servers.map(async (server) => {
          try {
            const target = targetOf(server, profile.servers)
            const states = await listContainerStates(dockerFor(pool, target), target)
            for (const c of states)
              containers.push({
                hostId: server.id,
                host: server.name || server.address,
                name: c.name,
                service: c.service,
                image: c.image,
                state: c.state,
                ...(c.health !== undefined ? { health: c.health } : {}),
                ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
                restartCount: c.restartCount,
                status: c.status,
              })
          } catch (error) {
            const e = toAppError(error)
            errors.push({
              hostId: server.id,
              code: e.code,
              message: e.hint ? `${e.message} ${e.hint}` : e.message,
            })
          }
        }),
      )
      const order = new Map(profile.servers.map((s, i) => [s.id, i]))
      containers.sort(
        (a, b) => (order.get(a.hostId) ?? 0) - (order.get(b.hostId) ?? 0) || a.name.localeCompare(b.name),
      )
      return { containers, errors }
    },

    async streamLogs(input, call) {
      const profile = await deps.profiles.load(input.profileId)
      const server = profile.servers.find((s) => s.id === input.hostId || s.name === input.hostId)
      if (!server)
        throw new AppFailure('NOT_FOUND', `No server ${input.hostId} in profile ${profile.id}.`, {
          details: { hostId: input.hostId },
        })
      const pool = deps.pool()
      const target = targetOf(server, profile.servers)
      const docker = dockerFor(pool, target)
      const all = await listContainerStates(docker, target)
      const chosen = all.filter((c) =>
        input.service === undefined
          ? c.service !== ''
          : c.service === input.service || c.name === input.service,
      )
      if (chosen.length === 0) {
        throw new AppFailure(
          'NOT_FOUND',
          `No container${input.service ? ` for ${input.service}` : ''} on ${server.name || server.address}.`,
          {
            details: { hostId: server.id, ...(input.service ? { service: input.service } : {}) },
          },
        )
      }
      let lines = 0
      // One `log` event per batch of lines (at most 1000, or 50 ms): 10 000 lines/s stay ~20 events/s.
      const batcher = new LogBatcher((batch) => {
        const first = batch[0]
        call.progress({
          stepId: first?.service ?? 'logs',
          kind: 'log',
          title: 'deploy.log',
          detail: batch.map((l) => l.line).join('\n'),
          data: { lines: batch } satisfies LogBatch,
        })
      })
      try {
        await Promise.all(
          chosen.map((c) =>
            streamContainerLogs(docker, target, c.id, {
              follow: input.follow ?? false,
              ...(input.tail !== undefined ? { tail: input.tail } : {}),
              signal: call.signal,
              onLine(line, stream) {
                lines += 1
                batcher.push({ hostId: server.id, service: c.service || c.name, stream, line })
              },
            }),
          ),
        )
      } finally {
        batcher.flush()
      }
      return { lines }
    },

    async journal(input) {
      return { entries: await journal.read(input.profileId) }
    },
  }
}
