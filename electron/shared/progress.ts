import { z } from 'zod'

/** What kind of progress event this is. */
export const PROGRESS_KINDS = ['start', 'progress', 'log', 'result', 'done', 'error', 'cancelled'] as const

/** A progress event of a long operation, tagged with the caller-made `runId`. Plain data. */
export interface ProgressEvent {
  readonly runId: string
  /** Which part of the run this is about (a host name, a check id, a deploy step). */
  readonly stepId: string
  readonly kind: (typeof PROGRESS_KINDS)[number]
  /** 0..1 when known. */
  readonly fraction?: number
  /** Message key or short English title; the renderer translates keys it knows. */
  readonly title: string
  readonly detail?: string
  /** Structured payload (e.g. one check result) for the UI to render. */
  readonly data?: unknown
}

/** A run id: made by the caller, unique per run, safe to log. */
export const runIdSchema = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'run ids are letters, digits, _ and -')

/** An event pushed from main to the renderer. */
export type PushedEvent = { readonly type: 'progress'; readonly event: ProgressEvent }
