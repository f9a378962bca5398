import type { DeployChange, I18nText, JournalEntry } from '../../shared/deploy'
import type { ExpectedNode, RehearsalResult } from '../../shared/nodes'
import type { ActionContext, AnyAction } from '../deploy/types'
import { toAppError } from '../errors'
import {
  batchUrlOf,
  mlStateOf,
  refusalOf,
  rehearsePoc,
  resolveCallback,
  type RehearsalCallback,
  type RehearsalDeps,
  type RehearsalRefusal,
} from './rehearsal'

/**
 * The PoC rehearsal of one ML node as an engine action on the network server's queue, so it is planned,
 * approved, journaled (locally and in the network server's marker) and applied like every other change.
 * The plan says what will happen: the node must serve no epoch (not registered, or disabled; refused
 * with the reason otherwise), the ML node is stopped, a test generation sends its batches to the
 * callback, the app waits for them at the network server, and the ML node is stopped again at the end
 * (the api starts it when the node is enabled). Each plan rehearses once: its action id carries the
 * plan's key, and the result is kept locally by that id, so applying the same plan again changes nothing
 * and gives the same result. A rehearsal that did not finish (app closed) is said in the next plan,
 * which stops the ML node first anyway.
 */

const t = (key: string, params?: Record<string, string | number>): I18nText => ({
  key: `deploy.node.${key}`,
  ...(params ? { params } : {}),
})

/** What the rehearsal action needs beyond the rehearsal's own dependencies. */
export interface RehearsalActionDeps extends Omit<RehearsalDeps, 'progress'> {
  readonly networkServerId: string
  /** Results of finished rehearsals by action id (kept locally). */
  readonly results: {
    get(actionId: string): Promise<RehearsalResult | undefined>
    put(actionId: string, result: RehearsalResult): Promise<void>
  }
  /** The local journal of this profile (whether an earlier rehearsal of this node did not finish). */
  readonly journal: () => Promise<readonly JournalEntry[]>
}

/** What the rehearsal action reads. */
export interface RehearsalState {
  /** The result, once this plan's rehearsal ran. */
  readonly result?: RehearsalResult
  readonly registered: boolean
  readonly refusal?: RehearsalRefusal
  /** Why the ML node's management API does not answer from the network server, when it does not. */
  readonly unreachable?: string
  readonly callback?: RehearsalCallback
  /** An earlier rehearsal of this node started and did not end. */
  readonly interrupted: boolean
}

/** The id prefix of every rehearsal action of one node. */
export function rehearsalIdPrefix(networkServerId: string, nodeId: string): string {
  return `${networkServerId}/ml-node/${nodeId}/rehearse/`
}

/** Whether the journal shows a rehearsal of this node (another plan's) that started and did not end. */
export function rehearsalInterrupted(entries: readonly JournalEntry[], prefix: string, own: string): boolean {
  const last = new Map<string, JournalEntry['event']>()
  for (const e of entries)
    if (e.actionId.startsWith(prefix) && e.actionId !== own) last.set(e.actionId, e.event)
  return [...last.values()].some((event) => event === 'start' || event === 'cancel')
}

/** The changes of a rehearsal from `state` (`[]` once it ran). */
export function describeRehearsal(
  node: Pick<ExpectedNode, 'nodeId' | 'host' | 'pocPort' | 'models'>,
  state: RehearsalState,
  waitSeconds: number,
): DeployChange[] {
  const id = node.nodeId
  if (state.result) return []
  if (state.refusal)
    return [{ kind: 'blocked', summary: t(`change.rehearseRefused.${state.refusal}`, { id }) }]
  if (state.unreachable !== undefined || !state.callback)
    return [
      {
        kind: 'blocked',
        summary: t('change.rehearseUnreachable', { id, host: node.host, port: node.pocPort }),
      },
    ]
  const out: DeployChange[] = []
  if (state.interrupted)
    out.push({
      kind: 'command',
      command: 'POST /api/v1/stop',
      summary: t('change.rehearseInterrupted', { id }),
    })
  out.push({
    kind: 'command',
    command: 'GET /admin/v1/nodes, GET /api/v1/state',
    summary: t(state.registered ? 'change.rehearseCheckDisabled' : 'change.rehearseCheckUnregistered', {
      id,
    }),
  })
  out.push({ kind: 'command', command: 'POST /api/v1/stop', summary: t('change.rehearseStop', { id }) })
  const batchUrl = batchUrlOf(state.callback.url, node.models[0]?.id ?? '')
  out.push({
    kind: 'command',
    command: `POST /api/v1/pow/init/generate (url ${batchUrl})`,
    summary: t('change.rehearseGenerate', {
      id,
      url: state.callback.url,
      source: `deploy.node.callbackSource.${state.callback.source}`,
    }),
  })
  out.push({
    kind: 'command',
    command: `docker logs api (up to ${waitSeconds} s)`,
    summary: t('change.rehearseWait', { id, seconds: waitSeconds }),
  })
  out.push({ kind: 'command', command: 'POST /api/v1/stop', summary: t('change.rehearseRestore', { id }) })
  return out
}

/**
 * The rehearsal of `node` for one plan (`key` makes its id; see the module comment). `callbackUrl`
 * replaces the api's callback for this rehearsal; `waitSeconds` is how long it waits for a batch.
 */
export function rehearsalAction(
  deps: RehearsalActionDeps,
  node: ExpectedNode,
  options: { key: string; callbackUrl?: string; waitSeconds?: number },
): AnyAction {
  const prefix = rehearsalIdPrefix(deps.networkServerId, node.nodeId)
  const id = `${prefix}${options.key}`
  const waitSeconds = options.waitSeconds ?? 20
  return {
    id,
    hostId: deps.networkServerId,
    dependsOn: [],
    title: t('action.rehearse', { id: node.nodeId }),
    async inspect(signal: AbortSignal): Promise<RehearsalState> {
      const result = await deps.results.get(id)
      if (result) return { result, registered: true, interrupted: false }
      const [items, entries] = await Promise.all([deps.listNodes(signal), deps.journal()])
      const item = items.find((i) => i.node.id === node.nodeId)
      const interrupted = rehearsalInterrupted(entries, prefix, id)
      const base = { registered: item !== undefined, interrupted }
      const before = refusalOf(item)
      if (before) return { ...base, refusal: before }
      let mlState: string | undefined
      try {
        mlState = await mlStateOf(deps, signal)
      } catch (error) {
        const e = toAppError(error)
        if (e.code === 'CANCELLED') throw error
        return { ...base, unreachable: e.message }
      }
      const during = refusalOf(item, mlState)
      if (during) return { ...base, refusal: during }
      const callback = await resolveCallback(deps, options.callbackUrl, signal)
      return { ...base, callback }
    },
    describe(state: RehearsalState): DeployChange[] {
      return describeRehearsal(node, state, waitSeconds)
    },
    fingerprint(state: RehearsalState): string {
      return JSON.stringify([
        state.result !== undefined,
        state.registered,
        state.refusal ?? null,
        state.unreachable !== undefined,
        state.callback ?? null,
      ])
    },
    output(state: RehearsalState): RehearsalResult | undefined {
      return state.result
    },
    async apply(ctx: ActionContext, state: RehearsalState): Promise<void> {
      const result = await rehearsePoc(
        {
          ...deps,
          progress: (step) => ctx.progress({ title: t(`progress.rehearse.${step}`, { id: node.nodeId }) }),
        },
        node,
        {
          signal: ctx.signal,
          waitSeconds,
          ...(state.callback ? { callback: state.callback } : {}),
        },
      )
      ctx.log(`callback ${result.callbackUrl} (${result.callbackSource}); batches sent to ${result.batchUrl}`)
      ctx.log(
        result.received
          ? `received: ${result.batches} batch(es) from ${result.nodeId}`
          : `not received: ${result.cause ?? 'noBatches'}`,
      )
      await deps.results.put(id, result)
    },
  }
}
