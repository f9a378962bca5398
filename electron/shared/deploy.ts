import { z } from 'zod'

/**
 * Plans and journals of the deploy engine as plain data (what crosses IPC and the CLI's `--json`).
 * Texts are i18n keys (`deploy.*` in electron/shared/locales/deploy) with their parameters.
 */

/** A translatable text: a message key and its `{{name}}` parameters. */
export interface I18nText {
  readonly key: string
  readonly params?: Readonly<Record<string, string | number>>
}

/** What happens to one container. */
export const CONTAINER_OPS = ['create', 'recreate', 'start', 'leave'] as const
/** One of {@link CONTAINER_OPS}. */
export type ContainerOp = (typeof CONTAINER_OPS)[number]

/** One change an action would make on a server. Secrets in diffs are already masked. */
export type DeployChange =
  | {
      readonly kind: 'file'
      readonly path: string
      /** Unified diff of old → new with secret values masked. */
      readonly diff: string
      readonly created: boolean
      readonly mode?: number
      readonly summary: I18nText
    }
  | { readonly kind: 'image'; readonly image: string; readonly summary: I18nText }
  | {
      readonly kind: 'container'
      readonly service: string
      readonly op: ContainerOp
      readonly summary: I18nText
    }
  | {
      readonly kind: 'command'
      /** The command as shown to the user (never contains a secret). */
      readonly command: string
      readonly summary: I18nText
    }
  | {
      /** Something that stops this action; the plan says it and apply refuses the action. */
      readonly kind: 'blocked'
      readonly summary: I18nText
    }

/** One action of a plan with the changes it will make. */
export interface PlanStep {
  readonly actionId: string
  readonly hostId: string
  readonly title: I18nText
  readonly changes: readonly DeployChange[]
}

/** One host's part of a plan. */
export interface HostPlan {
  /** The server's name as the user sees it. */
  readonly host: string
  readonly hostId: string
  readonly steps: readonly PlanStep[]
  /** Every change of every step, in order. Empty when the host is as wanted. */
  readonly changes: readonly DeployChange[]
  /** Things the user must know (e.g. why the host cannot serve yet); not changes. */
  readonly notices: readonly I18nText[]
}

/** A plan: exactly what approving it applies. */
export interface DeployPlan {
  readonly planId: string
  readonly profileId: string
  readonly createdAt: string
  /** Hash of what the plan saw on the servers; a changed server makes the plan stale. */
  readonly fingerprint: string
  readonly hosts: readonly HostPlan[]
  /** True when no host has a change. */
  readonly empty: boolean
}

/** How one action of an apply ended. */
export const ACTION_OUTCOMES = ['done', 'skipped', 'failed', 'cancelled', 'not-run'] as const
/** One of {@link ACTION_OUTCOMES}. */
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number]

/** One action's result in an apply. */
export interface ActionResult {
  readonly actionId: string
  readonly hostId: string
  readonly outcome: ActionOutcome
  /** For failed actions: the reason (English) and its error code. */
  readonly reason?: string
  readonly code?: string
  /** For a failure a server pinned to fields (e.g. the admin API's 400): field → message key. */
  readonly fields?: Readonly<Record<string, string>>
  /**
   * What the action found out for the user (e.g. a PoC rehearsal's result), when it has one: given for
   * `done` and for `skipped` (an earlier run of the same plan already did it).
   */
  readonly output?: unknown
}

/** The result of applying a plan. */
export interface ApplyResult {
  readonly planId: string
  readonly runId: string
  readonly ok: boolean
  readonly actions: readonly ActionResult[]
}

/** One line of the local journal (`journal/<profileId>.jsonl`); never contains a secret. */
export const journalEntrySchema = z.object({
  at: z.string(),
  runId: z.string(),
  planId: z.string(),
  actionId: z.string(),
  hostId: z.string(),
  event: z.enum(['start', 'end', 'skip', 'fail', 'cancel']),
  reason: z.string().max(2000).optional(),
  code: z.string().max(64).optional(),
  /** Facts an action keeps with its start (e.g. a node's state before a safe update); never a secret. */
  data: z.record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
})
/** See {@link journalEntrySchema}. */
export type JournalEntry = z.infer<typeof journalEntrySchema>

/** The marker the engine keeps on each host at `<dir>/.ghw/journal.json`. */
export const hostMarkerSchema = z.object({
  runId: z.string(),
  planId: z.string(),
  updatedAt: z.string(),
  actions: z.record(z.string(), z.object({ state: z.enum(['started', 'done', 'failed']), at: z.string() })),
})
/** See {@link hostMarkerSchema}. */
export type HostMarker = z.infer<typeof hostMarkerSchema>

/** One container as `ps` shows it. */
export interface ContainerInfo {
  readonly hostId: string
  readonly host: string
  readonly name: string
  readonly service: string
  readonly image: string
  /** running, exited, restarting, created… */
  readonly state: string
  /** healthy, unhealthy, starting, or absent when there is no healthcheck. */
  readonly health?: string
  readonly exitCode?: number
  readonly restartCount: number
  readonly status: string
}

/** What one `log` progress event of streamLogs carries in `data`: a batch of lines, in order. */
export interface LogBatch {
  readonly lines: readonly LogLine[]
}

/** One log line pushed by streamLogs (in a {@link LogBatch}). */
export interface LogLine {
  readonly hostId: string
  readonly service: string
  readonly stream: 'stdout' | 'stderr'
  readonly line: string
}
