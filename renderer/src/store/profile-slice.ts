import type { StateCreator } from 'zustand'
import type {
  Profile,
  ProfileCheck,
  ProfileProblem,
  ProfileSummary,
  Server,
  Topology,
  ValidationKey,
} from '../../../electron/shared/profile'
import type { AppError } from '../../../electron/shared/result'
import type { DeploymentSettings } from '../../../electron/shared/deployment'
import i18next from 'i18next'
import { getApi } from '../api'
import type { RootState } from '.'

/** Where the current profile stands against the file on disk. */
export type SaveState = 'idle' | 'saving' | 'saved' | 'failed'

/** The deployment being built, and the others on disk. */
export interface ProfileSlice {
  profiles: ProfileSummary[]
  problems: ProfileProblem[]
  problemsDismissed: boolean
  profile: Profile | undefined
  saveState: SaveState
  saveError: AppError | undefined
  /** The back end's verdict on the current profile (topology fit, per-server problems). */
  profileCheck: ProfileCheck | undefined
  profilesRequested: () => Promise<void>
  profileChosen: (id: string) => Promise<void>
  profileCreated: (name: string) => Promise<void>
  profileRenamed: (name: string) => Promise<void>
  profileDeleted: (id: string) => Promise<void>
  topologyChosen: (topology: Topology) => Promise<void>
  serverAdded: (server: Server) => Promise<void>
  serverUpdated: (server: Server) => Promise<void>
  serverRemoved: (id: string) => Promise<void>
  /**
   * Saves the seed node's API address (trimmed; empty removes it) when the back end finds it valid;
   * otherwise saves nothing and answers what is wrong.
   */
  seedApiUrlChanged: (url: string) => Promise<ValidationKey | undefined>
  problemsAcknowledged: () => void
  /** Saves step 4's settings on the profile (the keyring password is never part of them). */
  deploymentChanged: (deployment: DeploymentSettings) => Promise<void>
}

/** A new, empty profile (not on disk until its first change is saved). */
export function newProfile(name: string): Profile {
  const now = new Date().toISOString()
  return {
    schemaVersion: 1,
    id: crypto.randomUUID(),
    name,
    topology: 'split',
    servers: [],
    createdAt: now,
    updatedAt: now,
  }
}

/** The role a server gets when the topology changes, so nothing the user entered is lost. */
function rolesFor(topology: Topology, servers: readonly Server[]): Server[] {
  if (topology === 'single') {
    return servers.map((s, i) => ({
      ...s,
      role: i === 0 ? 'combined' : s.role === 'combined' ? 'ml' : s.role,
    }))
  }
  const hasNetwork = servers.some((s) => s.role === 'network')
  return servers.map((s) => (s.role === 'combined' ? { ...s, role: hasNetwork ? 'ml' : 'network' } : s))
}

export const createProfileSlice: StateCreator<RootState, [], [], ProfileSlice> = (set, get) => {
  /** Asks the back end how the profile fits its topology (the one place these rules live). */
  let checkSeq = 0
  async function recheck(profile: Profile): Promise<void> {
    const seq = ++checkSeq
    const result = await getApi().checkProfile({ profile })
    if (result.ok && seq === checkSeq) set({ profileCheck: result.value })
  }

  /** Shows a fresh profile that is not on disk yet (saved on its first change). */
  function showNew(name: string): void {
    const profile = newProfile(name)
    set({ profile, saveState: 'idle', saveError: undefined, profileCheck: undefined })
    void recheck(profile)
  }

  /** Saves `next` as the current profile; the UI shows it at once and reports the save's outcome. */
  async function commit(next: Profile): Promise<void> {
    set({ profile: next, saveState: 'saving', saveError: undefined })
    void recheck(next)
    const result = await getApi().saveProfile({ profile: next })
    if (get().profile?.id !== next.id) return
    if (result.ok) {
      set({ profile: result.value, saveState: 'saved' })
      const listing = await getApi().listProfiles({})
      if (listing.ok) set({ profiles: listing.value.profiles })
    } else {
      set({ saveState: 'failed', saveError: result.error })
    }
  }

  return {
    profiles: [],
    problems: [],
    problemsDismissed: false,
    profile: undefined,
    saveState: 'idle',
    saveError: undefined,
    profileCheck: undefined,
    async profilesRequested() {
      const listing = await getApi().listProfiles({})
      if (!listing.ok) {
        set({ appError: listing.error })
        return
      }
      const { profiles, problems, lastProfileId } = listing.value
      set({ profiles, problems })
      const pick = lastProfileId ?? profiles[0]?.id
      if (pick) await get().profileChosen(pick)
      else showNew(i18next.t('profile.defaultName'))
    },
    async profileChosen(id) {
      const loaded = await getApi().loadProfile({ id })
      if (loaded.ok) {
        set({ profile: loaded.value, saveState: 'saved', saveError: undefined, profileCheck: undefined })
        get().stepChosen('topology')
        await recheck(loaded.value)
      } else {
        // A file that turned out unreadable was set aside: show it and refresh the list.
        const listing = await getApi().listProfiles({})
        if (listing.ok)
          set({
            profiles: listing.value.profiles,
            problems: listing.value.problems,
            problemsDismissed: false,
          })
        set({ appError: loaded.error })
      }
    },
    async profileCreated(name) {
      showNew(name)
      get().stepChosen('topology')
      const created = get().profile
      if (created && name.trim() !== '') await commit(created)
    },
    async profileRenamed(name) {
      const profile = get().profile
      if (!profile) return
      if (name.trim() === '') {
        set({ profile: { ...profile, name } })
        return
      }
      await commit({ ...profile, name })
    },
    async profileDeleted(id) {
      const result = await getApi().deleteProfile({ id })
      if (!result.ok) {
        set({ appError: result.error })
        return
      }
      const listing = await getApi().listProfiles({})
      const profiles = listing.ok ? listing.value.profiles : []
      set({ profiles })
      const next = profiles[0]
      if (next) await get().profileChosen(next.id)
      else showNew(i18next.t('profile.defaultName'))
    },
    async topologyChosen(topology) {
      const profile = get().profile
      if (!profile || profile.topology === topology) return
      await commit({ ...profile, topology, servers: rolesFor(topology, profile.servers) })
    },
    async serverAdded(server) {
      const profile = get().profile
      if (!profile) return
      await commit({ ...profile, servers: [...profile.servers, server] })
    },
    async serverUpdated(server) {
      const profile = get().profile
      if (!profile) return
      await commit({ ...profile, servers: profile.servers.map((s) => (s.id === server.id ? server : s)) })
    },
    async serverRemoved(id) {
      const profile = get().profile
      if (!profile) return
      await commit({ ...profile, servers: profile.servers.filter((s) => s.id !== id) })
    },
    async seedApiUrlChanged(url) {
      const value = url.trim()
      const checked = await getApi().validateSeedApiUrl({ url: value })
      if (!checked.ok) return 'seedUrlInvalid'
      if (checked.value.problem) return checked.value.problem
      const profile = get().profile
      if (!profile || (profile.seedApiUrl ?? '') === value) return undefined
      const { seedApiUrl: _previous, ...rest } = profile
      await commit(value === '' ? rest : { ...rest, seedApiUrl: value })
      return undefined
    },
    problemsAcknowledged() {
      set({ problemsDismissed: true })
    },
    async deploymentChanged(deployment) {
      const profile = get().profile
      if (!profile || JSON.stringify(profile.deployment) === JSON.stringify(deployment)) return
      await commit({ ...profile, deployment })
    },
  }
}
