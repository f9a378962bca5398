import { validateProfile, validateSeedApiUrl, validateServer } from '../../shared/profile'
import { AppFailure } from '../errors'
import type { Handlers } from '../handler-types'
import type { ProfileStore } from '../storage/profile-store'
import type { SettingsStore } from '../storage/settings-store'

/** Handlers for profile storage and validation. */
export function createProfileHandlers(deps: {
  profiles: ProfileStore
  settings: SettingsStore
}): Handlers<
  | 'listProfiles'
  | 'loadProfile'
  | 'saveProfile'
  | 'deleteProfile'
  | 'checkProfile'
  | 'validateSeedApiUrl'
  | 'validateServer'
> {
  const { profiles, settings } = deps
  return {
    async listProfiles() {
      const listing = await profiles.list()
      const { lastProfileId } = await settings.get()
      const known = lastProfileId !== undefined && listing.profiles.some((p) => p.id === lastProfileId)
      return { ...listing, ...(known ? { lastProfileId } : {}) }
    },
    async loadProfile({ id }) {
      const profile = await profiles.load(id)
      await settings.update({ lastProfileId: id })
      return profile
    },
    async saveProfile({ profile }) {
      // Servers are always valid once saved; an incomplete topology (no ML server yet) is allowed
      // and shown as "needs attention" in the rail.
      const result = validateProfile(profile)
      const fields: Record<string, string> = {}
      for (const [serverId, errors] of Object.entries(result.servers)) {
        for (const [field, key] of Object.entries(errors)) fields[`servers.${serverId}.${field}`] = key
      }
      if (result.name) fields.name = result.name
      const seedProblem =
        profile.seedApiUrl === undefined ? undefined : validateSeedApiUrl(profile.seedApiUrl)
      if (seedProblem) fields.seedApiUrl = seedProblem
      if (Object.keys(fields).length > 0) {
        throw new AppFailure('INVALID_INPUT', 'The profile has fields that need fixing.', { fields })
      }
      const saved = await profiles.save(profile)
      await settings.update({ lastProfileId: saved.id })
      return saved
    },
    async deleteProfile({ id }) {
      const deleted = await profiles.delete(id)
      const { lastProfileId } = await settings.get()
      if (lastProfileId === id) await settings.update({ lastProfileId: undefined })
      return { deleted }
    },
    checkProfile: ({ profile }) => Promise.resolve(validateProfile(profile)),
    validateSeedApiUrl: ({ url }) => {
      const problem = validateSeedApiUrl(url)
      return Promise.resolve(problem ? { problem } : {})
    },
    validateServer: ({ server, others }) => Promise.resolve(validateServer(server, others)),
  }
}
