import type { StateCreator } from 'zustand'
import type {
  CheckCatalogueEntry,
  CheckId,
  CheckProgressData,
  CheckResult,
  NetworkModels,
  PathResult,
} from '../../../electron/shared/checks'
import type { ProgressEvent } from '../../../electron/shared/progress'
import type { Profile } from '../../../electron/shared/profile'
import type { AppError } from '../../../electron/shared/result'
import { getApi } from '../api'
import type { RootState } from '.'

/** The two wizard steps that show check results. */
export type CheckStep = 'prerequisites' | 'network'

/**
 * Which step a check belongs to: host facts in step 2; the firewall, the paths between hosts and the
 * outside-in probes in step 5 (every check that is not a host fact, plus `firewall.*`).
 */
export function stepOfCheckId(id: CheckId): CheckStep {
  return /^(firewall|net|outside)\./.test(id) ? 'network' : 'prerequisites'
}

/** The key of one result row: a check on a server. */
export function resultKey(serverId: string, checkId: CheckId): string {
  return `${serverId}|${checkId}`
}

/** The key of one tested connection. */
export function pathKey(path: Pick<PathResult, 'from' | 'to' | 'port'>): string {
  return `${path.from}>${path.to}:${path.port}`
}

/** A host's part of the current run. */
export interface HostProgress {
  /** Checks the host will report in this run. */
  readonly expected: number
  readonly received: number
  readonly done: boolean
}

/** A run of the checks that is going (or just ended). */
export interface CheckRun {
  readonly runId: string
  readonly profileId: string
  readonly step: CheckStep
  /** The rows this run re-checks (all rows of the step when it is a full run). */
  readonly keys: readonly string[] | 'all'
  readonly hosts: Readonly<Record<string, HostProgress>>
}

/** What the app knows about the checks of one profile (kept in memory only, never persisted). */
export interface ProfileChecks {
  readonly results: Readonly<Record<string, CheckResult>>
  readonly paths: Readonly<Record<string, PathResult>>
  /** Warnings the user accepted, by result key, with the message they accepted. */
  readonly acknowledged: Readonly<Record<string, string>>
  /** The run of each step, while it goes. */
  readonly running: Readonly<Partial<Record<CheckStep, CheckRun>>>
  /** How the last run of each step ended, when not normally. */
  readonly lastError: Readonly<Partial<Record<CheckStep, AppError>>>
  /** When each step's last run finished (ISO). */
  readonly finishedAt: Readonly<Partial<Record<CheckStep, string>>>
  /** Model ids the user chose for this profile. */
  readonly modelIds: readonly string[]
  /** Where this computer is relative to the servers (the user's choice; `auto` compares addresses). */
  readonly desktopLocation: DesktopLocation
}

/** Where this computer is: decided from the addresses, or told by the user. */
export type DesktopLocation = 'auto' | 'inside' | 'outside'

const EMPTY: ProfileChecks = {
  results: {},
  paths: {},
  acknowledged: {},
  running: {},
  lastError: {},
  finishedAt: {},
  modelIds: [],
  desktopLocation: 'auto',
}

/** The checks state of a profile, or an empty one. */
export function checksOf(
  byProfile: Readonly<Record<string, ProfileChecks>>,
  profileId: string | undefined,
): ProfileChecks {
  return (profileId && byProfile[profileId]) || EMPTY
}

/**
 * The parts of a profile's last check results that configuration and the deploy plan read (facts and
 * tested paths), in the shape of `previewConfig`'s and `planDeployment`'s `checks` input.
 */
export function checkFactsOf(checks: ProfileChecks) {
  return {
    results: Object.values(checks.results).map((r) => ({
      checkId: r.checkId,
      serverId: r.serverId,
      ...(r.facts ? { facts: { ...r.facts } } : {}),
      ...(r.paths ? { paths: [...r.paths] } : {}),
    })),
    paths: Object.values(checks.paths),
  }
}

/** What to re-check: one row, or every row of a step. */
export interface CheckRequest {
  readonly step: CheckStep
  /** One row: the check and the server it ran on. */
  readonly only?: { readonly checkId: CheckId; readonly serverId: string }
}

/** Prerequisite and network check results, per profile. */
export interface ChecksSlice {
  checkCatalogue: readonly CheckCatalogueEntry[] | undefined
  /** The model list shown in step 2: the seed's governance list, or the dated offline list and why. */
  networkModels: NetworkModels | undefined
  /** The seed URL a model list is being read from (undefined when no read is going). */
  networkModelsLoading: string | undefined
  checksLoadError: AppError | undefined
  checksByProfile: Readonly<Record<string, ProfileChecks>>
  /** Run id → profile and step, for routing progress events. */
  checkRunIndex: Readonly<Record<string, { profileId: string; step: CheckStep }>>
  checksStepOpened: () => Promise<void>
  /** Reads the model list from the profile's seed (the offline list when there is none or it fails). */
  networkModelsRequested: () => Promise<void>
  checkModelsChosen: (modelIds: readonly string[]) => void
  checkDesktopLocationChosen: (location: DesktopLocation) => void
  checksRequested: (request: CheckRequest) => Promise<void>
  checkRunCancelled: (step: CheckStep) => Promise<void>
  checkWarningAcknowledged: (key: string, acknowledged: boolean) => void
  checkProgressReceived: (event: ProgressEvent) => void
}

function isProgressData(data: unknown): data is CheckProgressData {
  if (!data || typeof data !== 'object') return false
  const type = (data as { type?: unknown }).type
  return type === 'host-start' || type === 'result' || type === 'host-done' || type === 'paths'
}

/** The profile's seed API URL ('' when not set; the back end checked it when it was saved). */
export function seedOf(profile: Profile | undefined): string {
  return profile?.seedApiUrl?.trim() ?? ''
}

/** The servers a row's re-check needs: paths between hosts need both ends. */
function serversForRecheck(
  profile: Profile,
  entry: CheckCatalogueEntry | undefined,
  serverId: string,
): string[] {
  if (entry?.scope === 'between-hosts') {
    const network = profile.servers.find((s) => s.role === 'network')
    return network && network.id !== serverId ? [serverId, network.id] : [serverId]
  }
  return [serverId]
}

export const createChecksSlice: StateCreator<RootState, [], [], ChecksSlice> = (set, get) => {
  const update = (profileId: string, change: (current: ProfileChecks) => ProfileChecks): void =>
    set((state) => ({
      checksByProfile: {
        ...state.checksByProfile,
        [profileId]: change(checksOf(state.checksByProfile, profileId)),
      },
    }))

  return {
    checkCatalogue: undefined,
    networkModels: undefined,
    networkModelsLoading: undefined,
    checksLoadError: undefined,
    checksByProfile: {},
    checkRunIndex: {},

    async checksStepOpened() {
      const seed = seedOf(get().profile)
      const current = get().networkModels
      const listIsCurrent = current !== undefined && (current.seedApiUrl ?? '') === seed
      if (get().checkCatalogue && (listIsCurrent || get().networkModelsLoading === seed)) return
      const catalogue = get().checkCatalogue ? undefined : getApi().getCheckCatalogue({})
      await Promise.all([
        listIsCurrent ? undefined : get().networkModelsRequested(),
        catalogue?.then((result) =>
          set({
            checkCatalogue: result.ok ? result.value.checks : undefined,
            checksLoadError: result.ok ? undefined : result.error,
          }),
        ),
      ])
    },

    async networkModelsRequested() {
      const seed = seedOf(get().profile)
      if (get().networkModelsLoading === seed) return // already being read
      set({ networkModelsLoading: seed })
      const result = await getApi().getNetworkModels(seed === '' ? {} : { seedApiUrl: seed })
      // A newer request (another seed typed meanwhile) wins.
      if (get().networkModelsLoading !== seed) return
      set({
        networkModelsLoading: undefined,
        ...(result.ok ? { networkModels: result.value } : { checksLoadError: result.error }),
      })
    },

    checkModelsChosen(modelIds) {
      const profile = get().profile
      if (profile) update(profile.id, (c) => ({ ...c, modelIds: [...modelIds] }))
    },

    checkDesktopLocationChosen(location) {
      const profile = get().profile
      if (profile) update(profile.id, (c) => ({ ...c, desktopLocation: location }))
    },

    async checksRequested({ step, only }) {
      const { profile, checkCatalogue } = get()
      if (!profile || !checkCatalogue || profile.servers.length === 0) return
      if (checksOf(get().checksByProfile, profile.id).running[step]) return
      const stepIds = checkCatalogue.filter((e) => stepOfCheckId(e.id) === step).map((e) => e.id)
      const checkIds: CheckId[] = only ? [only.checkId] : stepIds
      const entry = only ? checkCatalogue.find((e) => e.id === only.checkId) : undefined
      const serverIds = only ? serversForRecheck(profile, entry, only.serverId) : undefined
      const runId = crypto.randomUUID()
      const profileId = profile.id
      const run: CheckRun = {
        runId,
        profileId,
        step,
        keys: only ? [resultKey(only.serverId, only.checkId)] : 'all',
        hosts: {},
      }
      set((state) => ({ checkRunIndex: { ...state.checkRunIndex, [runId]: { profileId, step } } }))
      update(profileId, (c) => {
        // A full run starts from a clean slate for the step, so results visibly stream in.
        let results = c.results
        if (!only) {
          const ids = new Set<string>(stepIds)
          results = Object.fromEntries(Object.entries(c.results).filter(([, r]) => !ids.has(r.checkId)))
        }
        return {
          ...c,
          results,
          paths: !only && step === 'network' ? {} : c.paths,
          running: { ...c.running, [step]: run },
          lastError: { ...c.lastError, [step]: undefined },
        }
      })
      const { modelIds, desktopLocation } = checksOf(get().checksByProfile, profileId)
      const seed = seedOf(profile)
      const list = get().networkModels
      const listed = list !== undefined && (list.seedApiUrl ?? '') === seed
      // Check against the list the user saw: the seed's when it was read, the core's offline list when
      // it could not be (no second wait for a seed that just failed); a list not read yet is read by the run.
      const shown = listed && list.source === 'network' ? list.models.slice(0, 64) : undefined
      const askSeed = seed !== '' && (!listed || list.source === 'network')
      const result = await getApi().runChecks(
        {
          profile,
          checkIds,
          ...(serverIds ? { serverIds } : {}),
          ...(modelIds.length > 0 ? { modelIds: [...modelIds] } : {}),
          ...(modelIds.length > 0 && shown ? { models: shown } : {}),
          ...(askSeed ? { seedApiUrl: seed } : {}),
          ...(step === 'network' && desktopLocation !== 'auto' ? { settings: { desktopLocation } } : {}),
        },
        { runId },
      )
      if (result.ok) {
        // Events may be dropped by a transport; the final answer is the truth.
        update(profileId, (c) => {
          const results = { ...c.results }
          for (const r of result.value.results) results[resultKey(r.serverId, r.checkId)] = r
          const paths = { ...c.paths }
          for (const p of result.value.paths) paths[pathKey(p)] = p
          return { ...c, results, paths }
        })
      }
      update(profileId, (c) => ({
        ...c,
        running: { ...c.running, [step]: undefined },
        lastError: { ...c.lastError, [step]: result.ok ? undefined : result.error },
        finishedAt: { ...c.finishedAt, [step]: new Date().toISOString() },
      }))
      set((state) => {
        const index = { ...state.checkRunIndex }
        delete index[runId]
        return { checkRunIndex: index }
      })
    },

    async checkRunCancelled(step) {
      const profile = get().profile
      const run = checksOf(get().checksByProfile, profile?.id).running[step]
      if (run) await getApi().cancel(run.runId)
    },

    checkWarningAcknowledged(key, acknowledged) {
      const profile = get().profile
      if (!profile) return
      update(profile.id, (c) => {
        const next = { ...c.acknowledged }
        const result = c.results[key]
        if (acknowledged && result) next[key] = result.messageKey
        else delete next[key]
        return { ...c, acknowledged: next }
      })
    },

    checkProgressReceived(event) {
      const route = get().checkRunIndex[event.runId]
      if (!route || !isProgressData(event.data)) return
      const data = event.data
      update(route.profileId, (c) => {
        const run = c.running[route.step]
        if (!run || run.runId !== event.runId) return c
        const host = (id: string): HostProgress => run.hosts[id] ?? { expected: 0, received: 0, done: false }
        switch (data.type) {
          case 'host-start': {
            const hosts = {
              ...run.hosts,
              [data.serverId]: { ...host(data.serverId), expected: data.checkIds.length },
            }
            return { ...c, running: { ...c.running, [route.step]: { ...run, hosts } } }
          }
          case 'result': {
            const r = data.result
            const key = resultKey(r.serverId, r.checkId)
            const acknowledged = { ...c.acknowledged }
            // An acknowledgement holds only for the warning the user saw.
            if (
              acknowledged[key] !== undefined &&
              (r.status !== 'warn' || acknowledged[key] !== r.messageKey)
            )
              delete acknowledged[key]
            const paths = { ...c.paths }
            for (const p of r.paths ?? []) paths[pathKey(p)] = p
            const current = host(r.serverId)
            const hosts = { ...run.hosts, [r.serverId]: { ...current, received: current.received + 1 } }
            return {
              ...c,
              results: { ...c.results, [key]: r },
              paths,
              acknowledged,
              running: { ...c.running, [route.step]: { ...run, hosts } },
            }
          }
          case 'paths': {
            const paths = { ...c.paths }
            for (const p of data.paths) paths[pathKey(p)] = p
            return { ...c, paths }
          }
          case 'host-done': {
            const id = data.summary.serverId
            const hosts = { ...run.hosts, [id]: { ...host(id), done: true } }
            return { ...c, running: { ...c.running, [route.step]: { ...run, hosts } } }
          }
        }
      })
    },
  }
}
