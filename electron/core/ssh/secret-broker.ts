import { randomUUID } from 'node:crypto'
import type { SecretPrompt } from '../../shared/ops/ssh'
import type { HostTarget, SecretProvider } from './types'

/** How long a prompt waits for the user before it counts as declined. */
const PROMPT_TIMEOUT_MS = 10 * 60_000

type Answer = { value?: string; answers?: string[] }

/**
 * The {@link SecretProvider} of the app session. Secrets come only from the UI (`provideSecret`) and
 * live in this object's memory until the app quits or `forget` is called; nothing here writes them
 * anywhere (encrypted storage at rest is a later feature). A prompt is shown through the prompter
 * a running operation registered for the target; with no one to ask, the answer is "declined".
 */
export class SecretBroker implements SecretProvider {
  private readonly passwords = new Map<string, string>()
  private readonly passphrases = new Map<string, string>()
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

  /** Forgets held secrets (of one target, or all); returns how many were dropped. */
  forget(targetId?: string): number {
    if (targetId === undefined) {
      const n = this.passwords.size + this.passphrases.size
      this.passwords.clear()
      this.passphrases.clear()
      return n
    }
    let n = this.passwords.delete(targetId) ? 1 : 0
    for (const key of [...this.passphrases.keys()]) {
      if (key.startsWith(`${targetId}\n`)) n += this.passphrases.delete(key) ? 1 : 0
    }
    return n
  }

  /** The password held for a target, if any (for `sudo -S` in the facts probe). */
  heldPassword(targetId: string): string | undefined {
    return this.passwords.get(targetId)
  }

  /** Declines every open prompt (shutdown). */
  dispose(): void {
    for (const id of [...this.pending.keys()]) this.answer(id, undefined)
  }

  async password(target: HostTarget): Promise<string | undefined> {
    const held = this.passwords.get(target.id)
    if (held !== undefined) return held
    const answer = await this.ask(target, { kind: 'password', retry: false })
    if (answer?.value !== undefined) this.passwords.set(target.id, answer.value)
    return answer?.value
  }

  async passphrase(target: HostTarget, keyPath: string, retry: boolean): Promise<string | undefined> {
    const key = `${target.id}\n${keyPath}`
    const held = this.passphrases.get(key)
    if (held !== undefined && !retry) return held
    if (retry) this.passphrases.delete(key)
    const answer = await this.ask(target, { kind: 'passphrase', keyPath, retry })
    if (answer?.value !== undefined) this.passphrases.set(key, answer.value)
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

  /** Called when a login with held secrets failed, so the next attempt asks again. */
  rejected(targetId: string): void {
    this.forget(targetId)
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
