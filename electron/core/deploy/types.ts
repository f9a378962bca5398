import type { DeployChange, I18nText } from '../../shared/deploy'

/**
 * The one shape every writing step takes (files, compose, keys, registration, restore): the engine in
 * this folder plans, journals, applies, verifies and resumes actions of this shape.
 */

/** What an action may use while it applies. */
export interface ActionContext {
  /** Aborted when the user cancels; an action stops at the next safe point and throws. */
  readonly signal: AbortSignal
  /** Reports progress of this action (fraction 0..1 when known). */
  progress(update: {
    readonly fraction?: number
    readonly title: I18nText
    readonly detail?: string
    readonly data?: unknown
  }): void
  /** A line of live output (never a secret). */
  log(line: string): void
  /** Options the user chose when planning (e.g. `startWithoutKeys`, `updateImages`). */
  readonly options: Readonly<Record<string, boolean | string | number | undefined>>
}

/**
 * One step that changes one server. `S` is what {@link inspect} reads; it stays in memory only (it may
 * hold a file with secrets) and is hashed for the plan's fingerprint.
 */
export interface Action<S = unknown> {
  /** Stable across runs: `<hostId>/<what>`, e.g. `net/config.env`, `net/compose/tmkms,node`. */
  readonly id: string
  /** The profile server id this action runs on. */
  readonly hostId: string
  /** Ids of actions that must be done first (same or other host). */
  readonly dependsOn: readonly string[]
  readonly title: I18nText
  /** Reads the current state; never changes anything. */
  inspect(signal: AbortSignal): Promise<S>
  /** The changes {@link apply} would make from `current`; `[]` means nothing to do. */
  describe(current: S): readonly DeployChange[]
  /** Makes the changes; the engine inspects again afterwards and fails the action if it is not done. */
  apply(ctx: ActionContext, current: S): Promise<void>
  /**
   * What of `current` makes the plan stale when it changes (default: all of it). Return a string
   * that changes exactly when the plan would change.
   */
  fingerprint?(current: S): string
  /**
   * Facts kept with the action's start in the local journal (read back by {@link inspect} when an
   * interrupted run resumes, e.g. a node's state before the action changed it). Never a secret.
   */
  journalData?(current: S): Readonly<Record<string, string | number | boolean>> | undefined
  /**
   * What the user is shown after the action (in its {@link ActionResult}'s `output`), from the state
   * read after apply, or when an earlier run of the same plan already did it.
   */
  output?(current: S): unknown
  /** Notices shown with the plan (e.g. why the host cannot serve yet); not changes. */
  notices?(current: S): readonly I18nText[]
}

/** Any action, whatever its state type (methods are bivariant, so every `Action<S>` fits). */
export type AnyAction = Action<unknown>

/** Where the engine keeps each host's marker (`<dir>/.ghw/journal.json`); implemented over SFTP. */
export interface HostMarkerStore {
  read(hostId: string, signal: AbortSignal): Promise<string | undefined>
  write(hostId: string, content: string, signal: AbortSignal): Promise<void>
}
