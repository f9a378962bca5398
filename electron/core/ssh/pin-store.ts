import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AppFailure } from '../errors'
import { writeFileAtomic } from '../storage/atomic-file'
import { knownHostsName, type HostKey } from './host-key'

const pinSchema = z.object({
  keyType: z.string().min(1).max(64),
  fingerprint: z.string().startsWith('SHA256:'),
  publicKey: z.string().min(1),
  pinnedAt: z.string(),
})

const fileSchema = z.object({
  version: z.literal(1),
  /** known_hosts name (`host` or `[host]:port`) → pinned keys. */
  hosts: z.record(z.string(), z.array(pinSchema)),
})

/** One key the user accepted in the app. */
export type PinnedKey = z.infer<typeof pinSchema>

/** File name of the app's pinned host keys inside the data folder. */
export const PIN_FILE = 'pinned-host-keys.json'

/**
 * The app's own trusted host keys (JSON in the data folder, written atomically). It is consulted
 * together with the user's `~/.ssh/known_hosts`, which the app only reads.
 */
export class PinStore {
  private cache: z.infer<typeof fileSchema> | undefined
  /** Serialises writes so two accepts at once cannot lose one. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly dataDir: string) {}

  /** Where the pins live. */
  get path(): string {
    return join(this.dataDir, PIN_FILE)
  }

  private async load(): Promise<z.infer<typeof fileSchema>> {
    if (this.cache) return this.cache
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return (this.cache = { version: 1, hosts: {} })
      throw error
    }
    const parsed = fileSchema.safeParse(JSON.parse(text))
    if (!parsed.success) {
      // A damaged trust store must not silently become "trust nothing, ask again" or "trust all".
      throw new AppFailure('STORAGE_FAILED', `The pinned host keys file ${this.path} is damaged.`, {
        hint: 'Move the file away and accept the host keys again after checking their fingerprints.',
        retryable: false,
        details: { path: this.path },
      })
    }
    return (this.cache = parsed.data)
  }

  /** Keys pinned for host:port. */
  async get(host: string, port: number): Promise<PinnedKey[]> {
    const data = await this.load()
    return data.hosts[knownHostsName(host, port)] ?? []
  }

  /** Pins `key` for host:port next to any keys of other types (a host has one key per type). */
  async pin(host: string, port: number, key: HostKey): Promise<void> {
    await this.mutate((hosts) => {
      const name = knownHostsName(host, port)
      const others = (hosts[name] ?? []).filter((p) => p.keyType !== key.keyType)
      hosts[name] = [...others, { ...key, pinnedAt: new Date().toISOString() }]
    })
  }

  /** Removes the pin with this fingerprint; true when there was one. */
  async unpin(host: string, port: number, fingerprint: string): Promise<boolean> {
    let removed = false
    await this.mutate((hosts) => {
      const name = knownHostsName(host, port)
      const before = hosts[name] ?? []
      const after = before.filter((p) => p.fingerprint !== fingerprint)
      removed = after.length !== before.length
      if (after.length === 0) delete hosts[name]
      else hosts[name] = after
    })
    return removed
  }

  private async mutate(change: (hosts: Record<string, PinnedKey[]>) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const data = await this.load()
      const next = { version: 1 as const, hosts: structuredClone(data.hosts) }
      change(next.hosts)
      await writeFileAtomic(this.path, JSON.stringify(next, null, 2) + '\n')
      this.cache = next
    })
    this.queue = run.catch(() => undefined)
    await run
  }
}
