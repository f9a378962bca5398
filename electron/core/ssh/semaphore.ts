import { AppFailure } from '../errors'

/**
 * A counting semaphore with a FIFO queue: at most `limit` holders at once. Used to keep the channels
 * of one SSH connection below sshd's MaxSessions (10 by default).
 */
export class Semaphore {
  private active = 0
  private peakActive = 0
  private readonly waiters: Array<{ grant: () => void; reject: (e: unknown) => void }> = []

  constructor(readonly limit: number) {}

  /** Holders right now. */
  get inUse(): number {
    return this.active
  }

  /** The most holders there ever were at once (tests and the benchmark read this). */
  get peak(): number {
    return this.peakActive
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.waiters.length
  }

  /** Waits for a slot; resolves to the release function (idempotent). Rejects with CANCELLED on abort. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort)
        this.active++
        this.peakActive = Math.max(this.peakActive, this.active)
        let released = false
        resolve(() => {
          if (released) return
          released = true
          this.active--
          this.next()
        })
      }
      const waiter = { grant, reject }
      const onAbort = (): void => {
        const index = this.waiters.indexOf(waiter)
        if (index >= 0) this.waiters.splice(index, 1)
        reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
      }
      if (this.active < this.limit) grant()
      else {
        this.waiters.push(waiter)
        signal?.addEventListener('abort', onAbort, { once: true })
      }
    })
  }

  /** Fails every waiter (the connection they waited for is gone). */
  rejectAll(error: unknown): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(error)
  }

  private next(): void {
    if (this.active < this.limit) this.waiters.shift()?.grant()
  }
}
