import { posix } from 'node:path'
import type { DeployChange, I18nText, JournalEntry } from '../../shared/deploy'
import type { ExpectedNode } from '../../shared/nodes'
import { runComposeOrThrow } from '../docker/compose'
import { AppFailure } from '../errors'
import type { ActionContext, AnyAction } from '../deploy/types'
import { composeServices, ML_COMPOSE } from '../deploy/gonka-actions'
import { readRemoteText } from '../deploy/remote-file'
import type { SshPool } from '../ssh/pool'
import type { HostTarget } from '../ssh/types'
import type { AdminNodeItem } from './admin-api'
import { nodeConfigDifferences, nodeInputOf, type NodeActionDeps } from './node-actions'
import type { MlAnswer } from './rehearsal'

/**
 * Safe update of one registered ML node (new image, args or model): disable → wait until it serves
 * no work → recreate its containers (when the compose file names another image) and send the new
 * settings → wait until it is healthy → enable (only when it was enabled before: a node the user had
 * disabled stays disabled). One engine action per node on the network server's
 * queue, each depending on the previous node's, so nodes are updated one at a time. An interrupted
 * update (the local journal has its start and no end) leaves the node disabled; planning again
 * finishes it (the steps still to do, or only the enable). Whether the node was enabled before is
 * kept with the action's start in the local journal, so a resumed update (which finds the node disabled
 * by the update itself) still knows it.
 */

const t = (key: string, params?: Record<string, string | number>): I18nText => ({
  key: `deploy.node.${key}`,
  ...(params ? { params } : {}),
})

/** What the safe update needs beyond the node actions' dependencies. */
export interface SafeUpdateDeps extends NodeActionDeps {
  readonly pool: Pick<SshPool, 'exec' | 'withSftp'>
  /** The ML server of this node. */
  readonly mlTarget: HostTarget
  /** The deploy folder's `deploy/join` on the ML server (absolute), or undefined when not known. */
  readonly mlJoinDir: (signal: AbortSignal) => Promise<string | undefined>
  /** `GET /health` of the ML node, sent from the network server. */
  readonly mlHealth: (signal: AbortSignal) => Promise<MlAnswer>
  /** The local journal of this profile (whether an earlier safe update of this node was interrupted). */
  readonly journal: () => Promise<readonly JournalEntry[]>
  /** Seconds to wait until the node serves no work, and until it is healthy (default 600 / 300). */
  readonly drainSeconds?: number
  readonly healthSeconds?: number
  readonly sleep?: (ms: number) => Promise<void>
}

/** A service of the ML compose file whose running container has another image. */
export interface ImageChange {
  readonly service: string
  readonly running: string
  readonly wanted: string
}

/** What the safe update reads. */
export interface SafeUpdateState {
  readonly known: boolean
  readonly enabled?: boolean
  /** Settings of the api's config that differ from the profile's. */
  readonly configDiff: readonly string[]
  readonly imageChanges: readonly ImageChange[]
  /** An earlier safe update of this node started and did not end. */
  readonly interrupted: boolean
  /**
   * Whether the node was enabled before this safe update (the journal's when an interrupted one
   * resumes); false: it stays disabled at the end.
   */
  readonly enabledBefore?: boolean
  /** Models of the new settings that are not in the governance list (then nothing is done). */
  readonly unknownModels?: readonly string[]
}

/** Whether a listed node serves no work: disabled, no request in flight, not in a PoC (or unreachable). */
export function servesNoWork(item: AdminNodeItem | undefined): boolean {
  const s = item?.state
  if (!s) return true
  if (s.admin_state?.enabled !== false) return false
  if ((s.lock_count ?? 0) > 0) return false
  // A node the api cannot reach (FAILED) serves nothing, whatever its last PoC status was.
  if ((s.current_status ?? '').toUpperCase() === 'FAILED') return true
  const poc = (s.poc_current_status ?? '').toUpperCase()
  if (poc === 'GENERATING' || poc === 'VALIDATING') return false
  return (s.current_status ?? '').toUpperCase() !== 'POC'
}

/** Whether the journal shows a start (or failure) of `actionId` after its last end. */
export function interruptedIn(entries: readonly JournalEntry[], actionId: string): boolean {
  const mine = entries.filter((e) => e.actionId === actionId)
  const last = mine[mine.length - 1]
  return last !== undefined && last.event !== 'end' && last.event !== 'skip'
}

/**
 * Whether the node was enabled before the safe update, as its interrupted run journaled it: an
 * enabled node now was enabled (the update disables it first); otherwise the journaled fact, or
 * disabled when the journal does not say (the safe side: it is not given work behind the user's back).
 */
export function enabledBeforeOf(
  entries: readonly JournalEntry[],
  actionId: string,
  enabled: boolean | undefined,
  interrupted: boolean,
): boolean | undefined {
  if (enabled !== false || !interrupted) return enabled
  const mine = entries.filter((e) => e.actionId === actionId)
  let from = 0
  mine.forEach((e, i) => {
    if (e.event === 'end' || e.event === 'skip') from = i + 1
  })
  for (const e of mine.slice(from)) {
    const v = e.event === 'start' ? e.data?.['enabledBefore'] : undefined
    if (typeof v === 'boolean') return v
  }
  return false
}

/** The changes of a safe update from `state` (`[]` when nothing is to do). */
export function describeSafeUpdate(id: string, state: SafeUpdateState): DeployChange[] {
  if (!state.known) return []
  if ((state.unknownModels ?? []).length > 0)
    return (state.unknownModels ?? []).map((model) => ({
      kind: 'blocked' as const,
      summary: t('change.unknownModel', { model }),
    }))
  const needs = state.configDiff.length > 0 || state.imageChanges.length > 0
  const reEnable = state.enabledBefore !== false
  if (!needs) {
    if (state.interrupted && state.enabled === false && reEnable)
      return [
        {
          kind: 'command',
          command: `POST /admin/v1/nodes/${id}/enable`,
          summary: t('change.safeResume', { id }),
        },
      ]
    return []
  }
  const out: DeployChange[] = []
  if (state.enabled !== false)
    out.push({
      kind: 'command',
      command: `POST /admin/v1/nodes/${id}/disable`,
      summary: t('change.safeDisable', { id }),
    })
  out.push({
    kind: 'command',
    command: 'GET /admin/v1/nodes (until idle)',
    summary: t('change.safeDrain', { id }),
  })
  for (const c of state.imageChanges)
    out.push({
      kind: 'container',
      service: c.service,
      op: 'recreate',
      summary: t('change.safeRecreate', { service: c.service, running: c.running, wanted: c.wanted }),
    })
  if (state.configDiff.length > 0)
    out.push({
      kind: 'command',
      command: `POST /admin/v1/nodes (${id})`,
      summary: t('change.update', { id, fields: state.configDiff.join(', ') }),
    })
  out.push({ kind: 'command', command: 'GET /health (until 200)', summary: t('change.safeHealthy', { id }) })
  out.push(
    reEnable
      ? {
          kind: 'command',
          command: `POST /admin/v1/nodes/${id}/enable`,
          summary: t('change.safeEnable', { id }),
        }
      : {
          // Not a request: said in the plan so the user sees the node is not enabled by the update.
          kind: 'command',
          command: '—',
          summary: t('change.safeStaysDisabled', { id }),
        },
  )
  return out
}

/** Running ML compose containers whose image differs from the compose file's. */
async function imageChangesOn(deps: SafeUpdateDeps, signal: AbortSignal): Promise<ImageChange[]> {
  const join = await deps.mlJoinDir(signal)
  if (!join) return []
  const file = await readRemoteText(deps.pool as SshPool, deps.mlTarget, posix.join(join, ML_COMPOSE)).catch(
    () => undefined,
  )
  if (!file?.exists) return []
  const wanted = composeServices(file.text).filter((s) => s.image !== undefined)
  const r = await deps.pool.exec(
    deps.mlTarget,
    [
      'docker',
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${posix.basename(join)}`,
      '--format',
      '{{.Label "com.docker.compose.service"}}\t{{.Image}}',
    ],
    { signal, timeoutMs: 30_000 },
  )
  const running = new Map(
    r.stdout
      .split('\n')
      .filter((l) => l.includes('\t'))
      .map((l) => l.split('\t') as [string, string]),
  )
  return wanted.flatMap((s) => {
    const now = running.get(s.service)
    return now !== undefined && s.image !== undefined && now !== s.image
      ? [{ service: s.service, running: now, wanted: s.image }]
      : []
  })
}

const sleepDefault = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The safe update of one node (see the module comment); `previous` is the node updated before it. */
export function safeUpdateNodeAction(deps: SafeUpdateDeps, node: ExpectedNode, previous?: string): AnyAction {
  const wanted = nodeInputOf(node)
  const id = `${deps.networkServerId}/ml-node/${node.nodeId}/safe-update`
  const sleep = deps.sleep ?? sleepDefault
  const find = async (signal: AbortSignal): Promise<AdminNodeItem | undefined> =>
    (await deps.client.listNodes(signal)).find((i) => i.node.id === node.nodeId)
  const action = {
    id,
    hostId: deps.networkServerId,
    dependsOn: previous ? [previous] : [],
    title: t('action.safeUpdate', { id: node.nodeId }),
    async inspect(signal: AbortSignal): Promise<SafeUpdateState> {
      const item = await find(signal)
      if (!item) return { known: false, configDiff: [], imageChanges: [], interrupted: false }
      const enabled = item.state?.admin_state?.enabled
      const [imageChanges, entries] = await Promise.all([imageChangesOn(deps, signal), deps.journal()])
      const configDiff = nodeConfigDifferences(item.node, wanted).filter((f) => f !== 'hardware')
      const interrupted = interruptedIn(entries, id)
      const enabledBefore = enabledBeforeOf(
        entries,
        id,
        typeof enabled === 'boolean' ? enabled : undefined,
        interrupted,
      )
      let unknownModels: string[] = []
      if (configDiff.includes('models')) {
        const governance = await deps.governanceModels(signal)
        const known = new Set(governance ?? [])
        if (governance) unknownModels = Object.keys(wanted.models).filter((m) => !known.has(m))
      }
      return {
        ...(unknownModels.length > 0 ? { unknownModels } : {}),
        known: true,
        ...(typeof enabled === 'boolean' ? { enabled } : {}),
        configDiff,
        imageChanges,
        interrupted,
        ...(enabledBefore !== undefined ? { enabledBefore } : {}),
      }
    },
    describe(state: SafeUpdateState): DeployChange[] {
      return describeSafeUpdate(node.nodeId, state)
    },
    fingerprint(state: SafeUpdateState): string {
      return JSON.stringify([
        state.known,
        state.enabled,
        state.enabledBefore,
        state.configDiff,
        state.imageChanges,
      ])
    },
    journalData(state: SafeUpdateState): Record<string, boolean> {
      return { enabledBefore: state.enabledBefore !== false }
    },
    async apply(ctx: ActionContext, state: SafeUpdateState): Promise<void> {
      const { signal } = ctx
      const stepTitle = (key: string): I18nText => t(`progress.${key}`, { id: node.nodeId })
      if (state.enabled !== false) {
        ctx.progress({ title: stepTitle('safeDisable') })
        await deps.client.disableNode(node.nodeId, signal)
      }
      // 1. Until it serves no work (in-flight requests done, not in a PoC).
      ctx.progress({ title: stepTitle('safeDrain') })
      const drainUntil = Date.now() + (deps.drainSeconds ?? 600) * 1000
      for (;;) {
        if (servesNoWork(await find(signal))) break
        if (Date.now() > drainUntil)
          throw new AppFailure(
            'TIMEOUT',
            `ML node ${node.nodeId} still serves work after ${deps.drainSeconds ?? 600} s; it stays disabled.`,
            { hint: 'Plan the update again later; it goes on from here.' },
          )
        await sleep(2000)
        if (signal.aborted) throw new AppFailure('CANCELLED', 'The operation was cancelled.')
      }
      // 2. New containers where the compose file names another image.
      if (state.imageChanges.length > 0) {
        const join = await deps.mlJoinDir(signal)
        if (!join) throw new AppFailure('NOT_FOUND', 'The deploy folder on the ML server is not known.')
        const services = state.imageChanges.map((c) => c.service)
        ctx.progress({ title: stepTitle('safeRecreate') })
        ctx.log(`docker compose -f ${ML_COMPOSE} up -d ${services.join(' ')}`)
        await runComposeOrThrow(deps.pool, deps.mlTarget, {
          dir: join,
          files: [ML_COMPOSE],
          args: ['up', '-d', ...services],
          signal,
          onOutput: (chunk) => {
            for (const line of chunk.split('\n')) if (line.trim() !== '') ctx.log(line)
          },
        })
      }
      // 3. The new settings (models, args) while the node takes no work.
      if (state.configDiff.length > 0) {
        ctx.progress({ title: stepTitle('safeConfig') })
        await deps.client.upsertNode(wanted, signal)
      }
      // 4. Healthy again before it gets work; otherwise it stays disabled.
      ctx.progress({ title: stepTitle('safeHealthy') })
      const healthUntil = Date.now() + (deps.healthSeconds ?? 300) * 1000
      let last = ''
      for (;;) {
        const h = await deps.mlHealth(signal).catch((e: unknown) => ({
          status: 0,
          text: e instanceof Error ? e.message : String(e),
        }))
        if (h.status === 200) break
        last = h.status === 0 ? h.text : `HTTP ${h.status}`
        if (Date.now() > healthUntil)
          throw new AppFailure(
            'TIMEOUT',
            `ML node ${node.nodeId} is not healthy after ${deps.healthSeconds ?? 300} s (${last}); it stays disabled.`,
            { hint: 'Look at the ML node’s log (step 6), fix it, then plan the update again to finish.' },
          )
        await sleep(2000)
        if (signal.aborted) throw new AppFailure('CANCELLED', 'The operation was cancelled.')
      }
      // 5. Back to work, unless the user had disabled it before the update.
      if (state.enabledBefore === false) {
        ctx.progress({ title: stepTitle('safeStaysDisabled') })
        return
      }
      ctx.progress({ title: stepTitle('safeEnable') })
      await deps.client.enableNode(node.nodeId, signal)
    },
  }
  return action
}
