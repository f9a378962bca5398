import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** How many outputs are kept per profile (the newest). */
const MAX_OUTPUTS = 50

/**
 * What actions found out for the user (e.g. a PoC rehearsal's result), kept locally by action id in
 * `<dataDir>/journal/<profileId>.outputs.json` (mode 0600, written whole through a temporary file), so
 * an action knows it is done and a re-run of its plan shows the same answer. Never holds a secret.
 */
export class ActionOutputs {
  constructor(private readonly dataDir: string) {}

  private fileOf(profileId: string): string {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(profileId)) throw new Error('invalid profile id')
    return join(this.dataDir, 'journal', `${profileId}.outputs.json`)
  }

  private async all(profileId: string): Promise<Record<string, unknown>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.fileOf(profileId), 'utf8'))
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {}
    } catch {
      return {}
    }
  }

  /** The output kept for `actionId`, if any. */
  async get(profileId: string, actionId: string): Promise<unknown> {
    return (await this.all(profileId))[actionId]
  }

  /** Keeps `value` as the output of `actionId` (the oldest outputs are dropped beyond 50). */
  async put(profileId: string, actionId: string, value: unknown): Promise<void> {
    const file = this.fileOf(profileId)
    const entries = Object.entries(await this.all(profileId)).filter(([id]) => id !== actionId)
    entries.push([actionId, value])
    const kept = Object.fromEntries(entries.slice(-MAX_OUTPUTS))
    await mkdir(join(this.dataDir, 'journal'), { recursive: true, mode: 0o700 })
    const tmp = `${file}.${process.pid}.tmp`
    await writeFile(tmp, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 })
    await rename(tmp, file)
  }
}
