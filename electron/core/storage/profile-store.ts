import { readdir, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import {
  PROFILE_SCHEMA_VERSION,
  profileSchema,
  type Profile,
  type ProfileProblem,
  type ProfileSummary,
} from '../../shared/profile'
import { AppFailure } from '../errors'
import type { Logger } from '../log'
import { writeFileAtomic } from './atomic-file'

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/

/**
 * Profiles as JSON files in `<dataDir>/profiles/<id>.json`, written atomically. A file that cannot be
 * read (corrupt, or written by a newer version) is renamed aside, never overwritten, and reported.
 */
export class ProfileStore {
  readonly dir: string
  private readonly problems: ProfileProblem[] = []

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.dir = join(dataDir, 'profiles')
  }

  /** Every readable profile, plus every file set aside since the app started. */
  async list(): Promise<{ profiles: ProfileSummary[]; problems: ProfileProblem[] }> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch {
      names = []
    }
    const profiles: ProfileSummary[] = []
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const id = name.slice(0, -'.json'.length)
      if (!ID.test(id)) continue
      const profile = await this.readOrSetAside(id)
      if (profile) {
        profiles.push({
          id: profile.id,
          name: profile.name,
          topology: profile.topology,
          serverCount: profile.servers.length,
          updatedAt: profile.updatedAt,
        })
      }
    }
    profiles.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    return { profiles, problems: [...this.problems] }
  }

  /** Loads one profile; NOT_FOUND when absent, PROFILE_UNREADABLE (after setting it aside) when broken. */
  async load(id: string): Promise<Profile> {
    const profile = await this.readOrSetAside(id)
    if (profile) return profile
    const problem = this.problems.find((p) => p.file === this.fileOf(id))
    if (problem) {
      throw new AppFailure('PROFILE_UNREADABLE', `The profile file ${problem.file} could not be read.`, {
        hint: `It was moved to ${problem.movedTo}; nothing was deleted.`,
        details: { file: problem.file, movedTo: problem.movedTo, reason: problem.reason },
      })
    }
    throw new AppFailure('NOT_FOUND', `There is no profile "${id}".`)
  }

  /** Writes a profile atomically and returns it with `updatedAt` set to now. */
  async save(profile: Profile): Promise<Profile> {
    const next: Profile = { ...profile, updatedAt: new Date().toISOString() }
    try {
      await writeFileAtomic(this.fileOf(profile.id), JSON.stringify(next, null, 2) + '\n')
    } catch (error) {
      throw new AppFailure('STORAGE_FAILED', `The profile could not be saved in ${this.dir}.`, {
        hint: 'Check that the folder exists, is writable and the disk is not full.',
        cause: error,
      })
    }
    return next
  }

  /** Deletes a profile file; false when there was none. */
  async delete(id: string): Promise<boolean> {
    try {
      await unlink(this.fileOf(id))
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw new AppFailure('STORAGE_FAILED', `The profile "${id}" could not be deleted.`, { cause: error })
    }
  }

  private fileOf(id: string): string {
    return join(this.dir, `${id}.json`)
  }

  private async readOrSetAside(id: string): Promise<Profile | undefined> {
    const file = this.fileOf(id)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    } catch {
      return undefined
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      await this.setAside(file, 'corrupt')
      return undefined
    }
    const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion
    if (typeof version === 'number' && version > PROFILE_SCHEMA_VERSION) {
      await this.setAside(file, 'newer-version')
      return undefined
    }
    const parsed = profileSchema.safeParse(data)
    if (!parsed.success || parsed.data.id !== id) {
      await this.setAside(file, 'corrupt')
      return undefined
    }
    return parsed.data
  }

  private async setAside(file: string, reason: ProfileProblem['reason']): Promise<void> {
    const movedTo = `${file}.${reason}-${new Date().toISOString().replace(/[:.]/g, '-')}`
    try {
      await rename(file, movedTo)
    } catch (error) {
      this.log.warn('could not set an unreadable profile aside', { file, error: String(error) })
      return
    }
    this.log.warn('profile set aside', { file, movedTo, reason })
    this.problems.push({ file, reason, movedTo })
  }
}
