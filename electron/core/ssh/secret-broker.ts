import { randomUUID } from 'node:crypto'
import type { SecretPrompt } from '../../shared/ops/ssh'
import type { HostTarget, SecretProvider } from './types'

/** How long a prompt waits for the user before it counts as declined. */
const PROMPT_TIMEOUT_MS = 10 * 60_000

type Answer = { value?: string; answers?: string[] }

/** A held secret, with the server it was given for (so `forget(serverId)` can find it). */
interface Held {
  readonly value: string
  readonly targetId: string
}

/**
 * What a held secret is bound to: user, host, port, login method, key file and the whole jump chain.
 * A secret given for one connection is never offered to another: editing a server's address (same
 * id) or two profiles using the same server id (`ml1`) yields a different key, so the user is asked.
 */
export function connectionKey(target: HostTarget): string {
  const hops: string[] = []
  for (let t: HostTarget | undefined = target; t; t = t.jump) {
    hops.push(JSON.stringify([t.user, t.host.toLowerCase(), t.port, t.auth, t.keyPath ?? '']))
  }
  return hops.join(' via ')
}

/**
 * The {@link SecretProvider} of the app session. Secrets come only from the UI (`provideSecret`) and
 * live in this object's memory until the app quits or `forget` is called; nothing here writes them
 * anywhere (encrypted storage at rest is a later feature). A prompt is shown through the prompter
 * a running operation registered for the target; with no one to ask, the answer is "declined".
 */
export class SecretBroker implements SecretProvider {
  /** By {@link connectionKey}. */
  private readonly passwords = new Map<string, Held>()
  /** By {@link connectionKey} and key file. */
  private readonly passphrases = new Map<string, Held>()
  private readonly pending = new Map<
    string,
    { targetId: string; resolve: (a: Answer | undefined) => void; timer: NodeJS.Timeout }
  >()
  private readonly prompters = new Map<string, (prompt: SecretPrompt) => void>()

  /** Lets a running operation show prompts for `targetId`; returns the function that stops it. */
  attach(targetId: string, show: (prompt: SecretPrompt) => void): () => void {
    this.prompters.set(targetId, show)
    return () => {
      if (this.prompters.get(targetId) !== show) return
      this.prompters.delete(targetId)
      // Nobody will answer the prompts that operation showed: decline them so logins end.
      for (const [id, entry] of [...this.pending]) if (entry.targetId === targetId) this.answer(id, undefined)
    }
  }

  /** Delivers the user's answer to a prompt; false when it is unknown or already answered. */
  answer(promptId: string, answer: Answer | undefined): boolean {
    const entry = this.pending.get(promptId)
    if (!entry) return false
    this.pending.delete(promptId)
    clearTimeout(entry.timer)
    entry.resolve(answer)
    return true
  }

  /** Forgets held secrets (those given for one server id, or all); returns how many were dropped. */
  forget(targetId?: string): number {
    let n = 0
    for (const map of [this.passwords, this.passphrases]) {
      for (const [key, held] of [...map]) {
        if (targetId === undefined || held.targetId === targetId) n += map.delete(key) ? 1 : 0
      }
    }
    return n
  }

  /** The password held for exactly this connection, if any (for `sudo -S` in the facts probe). */
  heldPassword(target: HostTarget): string | undefined {
    return this.passwords.get(connectionKey(target))?.value
  }

  /** Declines every open prompt (shutdown). */
  dispose(): void {
    for (const id of [...this.pending.keys()]) this.answer(id, undefined)
  }

  async password(target: HostTarget): Promise<string | undefined> {
    const key = connectionKey(target)
    const held = this.passwords.get(key)
    if (held !== undefined) return held.value
    const answer = await this.ask(target, { kind: 'password', retry: false })
    if (answer?.value !== undefined) this.passwords.set(key, { value: answer.value, targetId: target.id })
    return answer?.value
  }

  async passphrase(target: HostTarget, keyPath: string, retry: boolean): Promise<string | undefined> {
    const key = `${connectionKey(target)}\n${keyPath}`
    const held = this.passphrases.get(key)
    if (held !== undefined && !retry) return held.value
    if (retry) this.passphrases.delete(key)
    const answer = await this.ask(target, { kind: 'passphrase', keyPath, retry })
    if (answer?.value !== undefined) this.passphrases.set(key, { value: answer.value, targetId: target.id })
    return answer?.value
  }

  async keyboardInteractive(
    target: HostTarget,
    prompts: readonly { prompt: string; echo: boolean }[],
  ): Promise<string[] | undefined> {
    // One-time codes are never held: each login asks again.
    const answer = await this.ask(target, { kind: 'keyboard-interactive', retry: false, prompts })
    return answer?.answers
  }

  /**
   * Called when a login failed, so the next attempt asks again. `failed` names the hop that refused
   * (the error's host, port and user): a jump host's rejection drops that hop's secrets, not the
   * others'. Without it (or when it matches no hop) every hop of the chain is forgotten.
   */
  rejected(target: HostTarget, failed?: { host?: unknown; port?: unknown; user?: unknown }): number {
    const chain: HostTarget[] = []
    for (let t: HostTarget | undefined = target; t; t = t.jump) chain.push(t)
    const hit = chain.filter(
      (t) =>
        failed !== undefined &&
        t.host === failed.host &&
        t.port === failed.port &&
        (failed.user === undefined || t.user === failed.user),
    )
    let n = 0
    for (const hop of hit.length > 0 ? hit : chain) {
      const key = connectionKey(hop)
      n += this.passwords.delete(key) ? 1 : 0
      for (const k of [...this.passphrases.keys()])
        if (k.startsWith(`${key}\n`)) n += this.passphrases.delete(k) ? 1 : 0
    }
    return n
  }

  private ask(
    target: HostTarget,
    what: Pick<SecretPrompt, 'kind' | 'retry' | 'keyPath' | 'prompts'>,
  ): Promise<Answer | undefined> {
    const show = this.prompters.get(target.id)
    if (!show) return Promise.resolve(undefined)
    const promptId = randomUUID()
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.answer(promptId, undefined), PROMPT_TIMEOUT_MS)
      this.pending.set(promptId, { targetId: target.id, resolve, timer })
      show({
        promptId,
        serverId: target.id,
        host: target.host,
        port: target.port,
        user: target.user,
        kind: what.kind,
        retry: what.retry,
        ...(what.keyPath !== undefined ? { keyPath: what.keyPath } : {}),
        ...(what.prompts !== undefined ? { prompts: what.prompts } : {}),
      })
    })
  }
}
