import { readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { settingsSchema, type Settings } from '../../shared/settings'
import { writeFileAtomic } from './atomic-file'

/** App settings in `<dataDir>/settings.json`. An unreadable file is set aside and defaults are used. */
export class SettingsStore {
  private readonly file: string
  private cached: Settings | undefined
  /** Set when the file on disk was unreadable at first load and was moved here. */
  problem: string | undefined

  /**
   * @param defaults what a missing setting starts as, e.g. the language matched to the system's
   *   preferred languages (never written until the user changes a setting).
   */
  constructor(
    dataDir: string,
    private readonly defaults: Partial<Settings> = {},
  ) {
    this.file = join(dataDir, 'settings.json')
  }

  /** The current settings (read once, then cached). */
  async get(): Promise<Settings> {
    if (this.cached) return this.cached
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch {
      this.cached = settingsSchema.parse({ ...this.defaults })
      return this.cached
    }
    try {
      this.cached = settingsSchema.parse({ ...this.defaults, ...(JSON.parse(text) as object) })
    } catch {
      const movedTo = `${this.file}.unreadable-${Date.now()}`
      await rename(this.file, movedTo).catch(() => undefined)
      this.problem = movedTo
      this.cached = settingsSchema.parse({ ...this.defaults })
    }
    return this.cached
  }

  /** Merges `patch` into the settings and writes them atomically. */
  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = settingsSchema.parse({ ...(await this.get()), ...patch })
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n')
    this.cached = next
    return next
  }
}
