import { z } from 'zod'
import { op } from '../op'

const profileId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)

/** One failure recognised on a server's container: cause and fix as i18n keys with their values. */
export interface LaunchFailure {
  readonly hostId: string
  readonly host: string
  readonly service: string
  /** The recogniser's id (`port-allocated`, `callback-docker-internal`, …). */
  readonly id: string
  readonly causeKey: string
  readonly fixKey: string
  readonly params: Readonly<Record<string, string>>
  /** The log line that shows it. */
  readonly evidence: string
  /** A command the fix names, to copy (never contains a secret). */
  readonly command?: string
}

/** Step 6: what went wrong on the servers, read from the containers' states and latest log lines. */
export const launchOps = {
  /** Reads every container's state and latest log lines and names the failures recognised in them. */
  diagnoseContainers: op<{
    failures: LaunchFailure[]
    errors: { hostId: string; code: string; message: string }[]
  }>()(
    z
      .object({
        profileId,
        /** Log lines read per container. */
        tail: z.number().int().min(1).max(2000).optional(),
      })
      .strict(),
  ),
} as const
