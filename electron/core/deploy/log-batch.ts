import type { LogLine } from '../../shared/deploy'

/** Most lines one `log` event carries. */
export const LOG_BATCH_MAX_LINES = 1000
/** Longest a line waits before its batch is sent, ms. */
export const LOG_BATCH_MAX_MS = 50

/**
 * Gathers log lines into batches so a fast stream (10 000 lines/s) is a few events per second for the
 * window, not one event per line: a batch is sent when it holds {@link LOG_BATCH_MAX_LINES} lines or
 * its first line has waited {@link LOG_BATCH_MAX_MS}, and on {@link flush}. Lines keep their order.
 */
export class LogBatcher {
  private lines: LogLine[] = []
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly send: (lines: readonly LogLine[]) => void,
    private readonly maxLines = LOG_BATCH_MAX_LINES,
    private readonly maxMs = LOG_BATCH_MAX_MS,
  ) {}

  /** Adds one line; sends the batch when it is full. */
  push(line: LogLine): void {
    this.lines.push(line)
    if (this.lines.length >= this.maxLines) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), this.maxMs)
  }

  /** Sends what is gathered now (nothing when empty). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    if (this.lines.length === 0) return
    const batch = this.lines
    this.lines = []
    this.send(batch)
  }
}
