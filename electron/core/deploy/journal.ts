import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { journalEntrySchema, type JournalEntry } from '../../shared/deploy'

/** Longest reason kept in a journal line (reasons are English sentences from AppFailure, never secrets). */
const REASON_MAX = 2000

/**
 * The local journal of applies: one JSON line per action start/end in `<dataDir>/journal/<profileId>.jsonl`.
 * Only ids, times, outcomes and reasons are written, never state or file contents.
 */
export class LocalJournal {
  constructor(private readonly dataDir: string) {}

  /** The file of one profile's journal. */
  pathOf(profileId: string): string {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(profileId)) throw new Error('invalid profile id')
    return join(this.dataDir, 'journal', `${profileId}.jsonl`)
  }

  /** Appends one entry (parsed first, so nothing but the schema's fields is written). */
  async append(profileId: string, entry: JournalEntry): Promise<void> {
    const clean = journalEntrySchema.parse({
      ...entry,
      ...(entry.reason !== undefined ? { reason: entry.reason.slice(0, REASON_MAX) } : {}),
    })
    const file = this.pathOf(profileId)
    await mkdir(join(this.dataDir, 'journal'), { recursive: true, mode: 0o700 })
    await appendFile(file, `${JSON.stringify(clean)}\n`, { mode: 0o600 })
  }

  /** Every entry of a profile's journal, oldest first; unreadable lines are skipped. */
  async read(profileId: string): Promise<JournalEntry[]> {
    let text: string
    try {
      text = await readFile(this.pathOf(profileId), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
    const out: JournalEntry[] = []
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        const parsed = journalEntrySchema.safeParse(JSON.parse(line))
        if (parsed.success) out.push(parsed.data)
      } catch {
        // a line cut short by a crash: the next apply re-inspects anyway
      }
    }
    return out
  }
}
