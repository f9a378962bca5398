import type { JournalEntry, LogLine } from '../../../../electron/shared/deploy'

/** Most log lines the view keeps; older lines are dropped first. */
export const LOG_BUFFER_MAX = 50_000

/** One line in the log view. */
export interface ViewLine {
  readonly seq: number
  readonly hostId: string
  readonly service: string
  readonly stream: 'stdout' | 'stderr'
  readonly line: string
}

/** A bounded buffer of log lines: appends in bulk, drops the oldest past `max`. */
export class LogBuffer {
  private lines: ViewLine[] = []
  private nextSeq = 0
  constructor(private readonly max: number = LOG_BUFFER_MAX) {}

  /** Appends lines, dropping the oldest beyond the bound. */
  push(batch: readonly LogLine[]): void {
    for (const l of batch)
      this.lines.push({
        seq: this.nextSeq++,
        hostId: l.hostId,
        service: l.service,
        stream: l.stream,
        line: l.line,
      })
    // Trim in chunks so a steady stream does not copy the array on every line.
    if (
      this.lines.length > this.max + Math.max(1, Math.floor(this.max / 10)) ||
      (this.lines.length > this.max && batch.length === 0)
    )
      this.lines = this.lines.slice(this.lines.length - this.max)
  }

  /** The lines kept (never more than `max`), oldest first. */
  all(): readonly ViewLine[] {
    return this.lines.length > this.max ? this.lines.slice(this.lines.length - this.max) : this.lines
  }

  /** How many lines arrived since the start (kept or dropped). */
  get received(): number {
    return this.nextSeq
  }

  /** Forgets every line. */
  clear(): void {
    this.lines = []
  }
}

/** The lines that contain `filter` (case-insensitive) in the line or the service name. */
export function filterLines(lines: readonly ViewLine[], filter: string): readonly ViewLine[] {
  const f = filter.trim().toLowerCase()
  if (f === '') return lines
  return lines.filter((l) => l.line.toLowerCase().includes(f) || l.service.toLowerCase().includes(f))
}

/** The text saved to a file: one `service | line` per line. */
export function logsAsText(lines: readonly ViewLine[], hostName: (hostId: string) => string): string {
  return lines.map((l) => `${hostName(l.hostId)} ${l.service} | ${l.line}`).join('\n') + '\n'
}

/** What the journal says about one action of the latest run. */
export type JournalState = 'done' | 'skipped' | 'failed' | 'cancelled' | 'interrupted'

/** The latest run in the journal: each action's state, and whether it ended cleanly. */
export interface JournalSummary {
  readonly runId: string
  readonly planId: string
  readonly at: string
  readonly actions: readonly { actionId: string; hostId: string; state: JournalState; reason?: string }[]
  /** True when some action did not finish (interrupted, failed or cancelled): "Resume" is offered. */
  readonly unfinished: boolean
}

/** Summarises the latest run of a journal (undefined when there was none). */
export function summarizeJournal(entries: readonly JournalEntry[]): JournalSummary | undefined {
  const last = entries[entries.length - 1]
  if (!last) return undefined
  const runEntries = entries.filter((e) => e.runId === last.runId)
  const states = new Map<string, { actionId: string; hostId: string; state: JournalState; reason?: string }>()
  for (const e of runEntries) {
    const state: JournalState =
      e.event === 'start'
        ? 'interrupted'
        : e.event === 'end'
          ? 'done'
          : e.event === 'skip'
            ? 'skipped'
            : e.event === 'fail'
              ? 'failed'
              : 'cancelled'
    states.set(e.actionId, {
      actionId: e.actionId,
      hostId: e.hostId,
      state,
      ...(e.reason !== undefined ? { reason: e.reason } : {}),
    })
  }
  const actions = [...states.values()]
  return {
    runId: last.runId,
    planId: last.planId,
    at: last.at,
    actions,
    unfinished: actions.some((a) => a.state !== 'done' && a.state !== 'skipped'),
  }
}

/** Bytes as a short figure (KB, MB, GB; powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let value = bytes
  let i = 0
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }
  return `${i === 0 ? value : value.toFixed(1)} ${units[i]}`
}

/**
 * Translates a back-end text (a key and its `{{name}}` parameters). A parameter whose value is itself a
 * key the translator knows (`deploy.notice.noKeys`, `config.validation.*`) is translated first, with
 * the same parameters, so the user never reads a raw key. (The CLI does the same in
 * electron/core/deploy/texts.ts.)
 */
export function translateText(
  t: (key: string, params: Record<string, string | number>) => string,
  exists: (key: string) => boolean,
  text: { readonly key: string; readonly params?: Readonly<Record<string, string | number>> },
): string {
  const params: Record<string, string | number> = { ...(text.params ?? {}) }
  for (const [name, value] of Object.entries(params))
    if (typeof value === 'string' && /^[a-z][A-Za-z0-9-]*(\.[A-Za-z0-9_-]+)+$/.test(value) && exists(value))
      params[name] = t(value, text.params ?? {})
  return t(text.key, params)
}
