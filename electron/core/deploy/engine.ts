import { createHash, randomBytes } from 'node:crypto'
import type {
  ActionResult,
  ApplyResult,
  DeployChange,
  DeployPlan,
  HostMarker,
  HostPlan,
  I18nText,
  JournalEntry,
  PlanStep,
} from '../../shared/deploy'
import { hostMarkerSchema } from '../../shared/deploy'
import { AppFailure, toAppError } from '../errors'
import type { Logger } from '../log'
import type { LocalJournal } from './journal'
import { renderDeployText } from './texts'
import type { ActionContext, AnyAction, HostMarkerStore } from './types'

/** Something the engine reports while it applies (mapped to progress events by the service). */
export type EngineEvent =
  | {
      readonly type: 'action-start'
      readonly actionId: string
      readonly hostId: string
      readonly title: I18nText
    }
  | {
      readonly type: 'action-progress'
      readonly actionId: string
      readonly hostId: string
      readonly title: I18nText
      readonly fraction?: number
      readonly detail?: string
      readonly data?: unknown
    }
  | { readonly type: 'action-log'; readonly actionId: string; readonly hostId: string; readonly line: string }
  | {
      readonly type: 'action-end'
      readonly actionId: string
      readonly hostId: string
      readonly result: ActionResult
    }

/** Options the user chose when planning; passed to every action's apply. */
export type PlanOptions = Readonly<Record<string, boolean | string | number | undefined>>

interface StoredPlan {
  readonly plan: DeployPlan
  readonly actions: readonly AnyAction[]
  /** Fingerprint per action id, as seen when planning. */
  readonly seen: ReadonlyMap<string, string>
  readonly options: PlanOptions
  /** Runs that applied (part of) this plan; actions they started may have changed on purpose. */
  readonly runs: Set<string>
}

/** How many plans are kept in memory for approval. */
const MAX_PLANS = 32

/** JSON with sorted keys, so the same state always hashes the same. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  )
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function fingerprintOf(action: AnyAction, state: unknown): string {
  return sha256(action.fingerprint ? action.fingerprint(state) : stableJson(state ?? null))
}

/** Orders actions so each comes after what it depends on; otherwise keeps the given order. */
export function orderActions(actions: readonly AnyAction[]): AnyAction[] {
  const byId = new Map(actions.map((a) => [a.id, a]))
  if (byId.size !== actions.length) throw new AppFailure('INTERNAL', 'Two deploy actions share an id.')
  const out: AnyAction[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (action: AnyAction): void => {
    const s = state.get(action.id)
    if (s === 'done') return
    if (s === 'visiting')
      throw new AppFailure('INTERNAL', `Deploy actions depend on each other in a cycle (${action.id}).`)
    state.set(action.id, 'visiting')
    for (const dep of action.dependsOn) {
      const d = byId.get(dep)
      if (d) visit(d)
    }
    state.set(action.id, 'done')
    out.push(action)
  }
  for (const action of actions) visit(action)
  return out
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AppFailure('CANCELLED', 'The operation was cancelled.')
}

/** A readable sentence for changes that are still to do after an apply (verification failed). */
function describeLeft(changes: readonly DeployChange[]): string {
  return changes
    .map((c) =>
      c.kind === 'file'
        ? `file ${c.path}`
        : c.kind === 'image'
          ? `image ${c.image}`
          : c.kind === 'container'
            ? `container ${c.service} (${c.op})`
            : c.kind === 'command'
              ? `command ${c.command}`
              : `blocked: ${c.summary.key}`,
    )
    .join(', ')
}

/**
 * The deploy engine: plans actions (inspect + describe on every host in parallel), keeps each plan
 * for approval, and applies exactly an approved plan (hosts in parallel, one action at a time per
 * host, dependencies across hosts honoured), journaling each action locally and on its host.
 */
export class DeployEngine {
  private readonly plans = new Map<string, StoredPlan>()

  constructor(
    private readonly deps: {
      readonly journal: LocalJournal
      readonly markers?: HostMarkerStore
      readonly log?: Logger
    },
  ) {}

  /** Inspects every action and returns the plan (only actions with changes appear in it). */
  async plan(input: {
    profileId: string
    actions: readonly AnyAction[]
    /** Host id → the name shown to the user; hosts are listed in this order. */
    hosts: ReadonlyArray<{ readonly hostId: string; readonly host: string }>
    options?: PlanOptions
    signal: AbortSignal
  }): Promise<DeployPlan> {
    const ordered = orderActions(input.actions)
    const inspected = await Promise.all(
      ordered.map(async (action) => {
        throwIfAborted(input.signal)
        const state = await action.inspect(input.signal)
        return {
          action,
          changes: action.describe(state),
          notices: action.notices?.(state) ?? [],
          fingerprint: fingerprintOf(action, state),
        }
      }),
    )
    const hosts: HostPlan[] = input.hosts.map(({ hostId, host }) => {
      const mine = inspected.filter((i) => i.action.hostId === hostId)
      const steps: PlanStep[] = mine
        .filter((i) => i.changes.length > 0)
        .map((i) => ({ actionId: i.action.id, hostId, title: i.action.title, changes: i.changes }))
      return {
        host,
        hostId,
        steps,
        changes: steps.flatMap((s) => s.changes),
        notices: mine.flatMap((i) => i.notices),
      }
    })
    const seen = new Map(inspected.map((i) => [i.action.id, i.fingerprint]))
    const fingerprint = sha256(stableJson([...seen.entries()]))
    const plan: DeployPlan = {
      planId: `plan-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      profileId: input.profileId,
      createdAt: new Date().toISOString(),
      fingerprint,
      hosts,
      empty: hosts.every((h) => h.changes.length === 0),
    }
    this.plans.set(plan.planId, {
      plan,
      actions: ordered,
      seen,
      options: input.options ?? {},
      runs: new Set(),
    })
    while (this.plans.size > MAX_PLANS) {
      const oldest = this.plans.keys().next().value
      if (oldest === undefined) break
      this.plans.delete(oldest)
    }
    return plan
  }

  /** The stored plan with this id, if it is still held. */
  getPlan(planId: string): DeployPlan | undefined {
    return this.plans.get(planId)?.plan
  }

  /**
   * Applies exactly the plan `planId`. Refuses (CONFLICT, details.planStale) when a server changed
   * since the plan was made, except for changes made by an earlier apply of this same plan (resume).
   */
  async apply(input: {
    planId: string
    runId: string
    signal: AbortSignal
    onEvent?: (event: EngineEvent) => void
  }): Promise<ApplyResult> {
    const stored = this.plans.get(input.planId)
    if (!stored) {
      throw new AppFailure('NOT_FOUND', `No plan ${input.planId} is held; make a new plan.`, {
        hint: 'Plans live until the app closes; plan again.',
        details: { planId: input.planId },
      })
    }
    const { plan } = stored
    const emit = (event: EngineEvent): void => input.onEvent?.(event)
    const profileId = plan.profileId
    const startedByEarlierRun = await this.actionsStartedByRuns(profileId, plan.planId)

    // Stale check: what the plan saw must still be there, except where an earlier run of this plan worked.
    const stale: string[] = []
    await Promise.all(
      stored.actions.map(async (action) => {
        if (startedByEarlierRun.has(action.id)) return
        const state = await action.inspect(input.signal)
        if (fingerprintOf(action, state) !== stored.seen.get(action.id)) stale.push(action.id)
      }),
    )
    if (stale.length > 0) {
      throw new AppFailure(
        'CONFLICT',
        `The servers changed since the plan was made (${stale.sort().join(', ')}); nothing was applied.`,
        { hint: 'Make a new plan and review it.', details: { planStale: true, planId: plan.planId } },
      )
    }
    stored.runs.add(input.runId)

    const planned = new Set(plan.hosts.flatMap((h) => h.steps.map((s) => s.actionId)))
    const steps = stored.actions.filter((a) => planned.has(a.id))
    const finished = new Map<string, Promise<ActionResult>>()
    const resolvers = new Map<string, (r: ActionResult) => void>()
    for (const action of steps) {
      finished.set(action.id, new Promise<ActionResult>((resolve) => resolvers.set(action.id, resolve)))
    }
    const results = new Map<string, ActionResult>()
    const markers = new Map<string, HostMarker>()
    const markerLocks = new Map<string, Promise<void>>()

    const writeMarker = async (
      hostId: string,
      actionId: string,
      state: 'started' | 'done' | 'failed',
    ): Promise<void> => {
      const store = this.deps.markers
      if (!store) return
      let marker = markers.get(hostId)
      if (!marker) {
        const previous = await store.read(hostId, input.signal).catch(() => undefined)
        const parsed = previous ? hostMarkerSchema.safeParse(safeJson(previous)) : undefined
        marker = {
          runId: input.runId,
          planId: plan.planId,
          updatedAt: new Date().toISOString(),
          actions: parsed?.success ? { ...parsed.data.actions } : {},
        }
      }
      const now = new Date().toISOString()
      marker = {
        ...marker,
        runId: input.runId,
        planId: plan.planId,
        updatedAt: now,
        actions: { ...marker.actions, [actionId]: { state, at: now } },
      }
      markers.set(hostId, marker)
      const content = `${JSON.stringify(marker, null, 2)}\n`
      const previous = markerLocks.get(hostId) ?? Promise.resolve()
      const next = previous.catch(() => undefined).then(() => store.write(hostId, content, input.signal))
      markerLocks.set(hostId, next)
      await next
    }

    const record = async (entry: Omit<JournalEntry, 'at' | 'runId' | 'planId'>): Promise<void> => {
      await this.deps.journal.append(profileId, {
        at: new Date().toISOString(),
        runId: input.runId,
        planId: plan.planId,
        ...entry,
      })
    }

    const finish = (action: AnyAction, result: ActionResult): ActionResult => {
      results.set(action.id, result)
      resolvers.get(action.id)?.(result)
      emit({ type: 'action-end', actionId: action.id, hostId: action.hostId, result })
      return result
    }

    const runAction = async (action: AnyAction): Promise<ActionResult> => {
      const base = { actionId: action.id, hostId: action.hostId }
      for (const dep of action.dependsOn) {
        const depResult = await finished.get(dep)
        if (depResult && depResult.outcome !== 'done' && depResult.outcome !== 'skipped') {
          return finish(action, { ...base, outcome: 'not-run', reason: `${dep} did not finish` })
        }
      }
      if (input.signal.aborted) return finish(action, { ...base, outcome: 'cancelled' })
      emit({ type: 'action-start', ...base, title: action.title })
      // Whether anything may have been written for this action: a refused (blocked) action leaves the
      // server untouched, not even a marker.
      let started = false
      try {
        const current = await action.inspect(input.signal)
        const changes = action.describe(current)
        if (changes.length === 0) {
          // Done already (an earlier, interrupted run got this far): nothing to write.
          await record({ ...base, event: 'skip' })
          return finish(action, { ...base, outcome: 'skipped', ...outputOf(action, current) })
        }
        const blocked = changes.find((c) => c.kind === 'blocked')
        if (blocked) {
          throw new AppFailure('CONFLICT', `${action.id} cannot run: ${renderDeployText(blocked.summary)}`, {
            details: { actionId: action.id, reasonKey: blocked.summary.key },
          })
        }
        const data = action.journalData?.(current)
        await record({ ...base, event: 'start', ...(data && Object.keys(data).length > 0 ? { data } : {}) })
        started = true
        await writeMarker(action.hostId, action.id, 'started')
        const ctx: ActionContext = {
          signal: input.signal,
          options: stored.options,
          progress: (update) => emit({ type: 'action-progress', ...base, ...update }),
          log: (line) => emit({ type: 'action-log', ...base, line }),
        }
        await action.apply(ctx, current)
        throwIfAborted(input.signal)
        const after = await action.inspect(input.signal)
        const left = action.describe(after)
        if (left.length > 0) {
          throw new AppFailure(
            'REMOTE_COMMAND_FAILED',
            `${action.id} was applied but is not done: ${describeLeft(left)}.`,
            {
              details: { actionId: action.id, hostId: action.hostId },
            },
          )
        }
        await record({ ...base, event: 'end' })
        await writeMarker(action.hostId, action.id, 'done').catch((error: unknown) =>
          this.deps.log?.warn('host marker not written', { actionId: action.id, error: String(error) }),
        )
        return finish(action, { ...base, outcome: 'done', ...outputOf(action, after) })
      } catch (error) {
        const appError = toAppError(error)
        if (appError.code === 'INTERNAL')
          this.deps.log?.error('deploy action failed', { actionId: action.id, error: String(error) })
        const cancelled = appError.code === 'CANCELLED' || input.signal.aborted
        await record({
          ...base,
          event: cancelled ? 'cancel' : 'fail',
          reason: appError.message,
          code: appError.code,
        }).catch(() => undefined)
        if (!cancelled && started)
          await writeMarker(action.hostId, action.id, 'failed').catch(() => undefined)
        return finish(action, {
          ...base,
          outcome: cancelled ? 'cancelled' : 'failed',
          reason: appError.hint ? `${appError.message} ${appError.hint}` : appError.message,
          code: appError.code,
          ...(appError.fields ? { fields: appError.fields } : {}),
        })
      }
    }

    // One queue per host (actions of one host one at a time, in plan order); hosts in parallel.
    const hostIds = [...new Set(steps.map((a) => a.hostId))]
    await Promise.all(
      hostIds.map(async (hostId) => {
        let stopped: string | undefined
        for (const action of steps.filter((a) => a.hostId === hostId)) {
          if (stopped !== undefined) {
            finish(action, {
              actionId: action.id,
              hostId,
              outcome: 'not-run',
              reason: `${stopped} did not finish`,
            })
            continue
          }
          const result = await runAction(action)
          if (result.outcome !== 'done' && result.outcome !== 'skipped') stopped = action.id
        }
      }),
    )
    const actions = steps.map(
      (a) => results.get(a.id) ?? { actionId: a.id, hostId: a.hostId, outcome: 'not-run' as const },
    )
    return {
      planId: plan.planId,
      runId: input.runId,
      ok: actions.every((a) => a.outcome === 'done' || a.outcome === 'skipped'),
      actions,
    }
  }

  /** Action ids an earlier run of `planId` started (from the local journal). */
  private async actionsStartedByRuns(profileId: string, planId: string): Promise<Set<string>> {
    const entries = await this.deps.journal.read(profileId)
    return new Set(entries.filter((e) => e.planId === planId && e.event === 'start').map((e) => e.actionId))
  }
}

/** The action's output for its result, when it has one. */
function outputOf(action: AnyAction, state: unknown): { output?: unknown } {
  const output = action.output?.(state)
  return output === undefined ? {} : { output }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
