import { z } from 'zod'
import { profileSchema } from './profile'

/**
 * Steps 7 and 8: the ML nodes the network node's api knows, compared with the profile, and the status
 * page ("am I a working host?"). Plain data shared by core, the CLI and the renderer.
 */

const profileChoice = {
  /** A saved profile's id. */
  profileId: z.string().min(1).max(64).optional(),
  /** Or the profile itself (a CLI profile file that is not saved in the app). */
  profile: profileSchema.optional(),
}
const oneProfile = {
  check: (v: { profileId?: string | undefined; profile?: unknown }): boolean =>
    (v.profileId === undefined) !== (v.profile === undefined),
  message: { message: 'Give either profileId or profile.', path: ['profileId'] },
}

/** Input of `listNodes`: which profile (its network server's api is asked). */
export const nodesProfileInputSchema = z
  .object(profileChoice)
  .strict()
  .refine(oneProfile.check, oneProfile.message)
/** See {@link nodesProfileInputSchema}. */
export type NodesProfileInput = z.infer<typeof nodesProfileInputSchema>

/**
 * What a node plan does: register (upsert by id), update (a registered node: the safe update, i.e.
 * disable, wait idle, recreate/resend, wait healthy, enable; an unregistered one is registered),
 * enable, disable, remove.
 */
export const NODE_CHANGES = ['register', 'update', 'enable', 'disable', 'remove', 'rehearse'] as const
/** One of {@link NODE_CHANGES}. */
export type NodeChange = (typeof NODE_CHANGES)[number]

/**
 * Input of `planNodes`: the profile, the change, and the node (all the profile's nodes when omitted
 * for `register`). `host` overrides the ML server's private address of that one node (made bare; the
 * plan says when something was stripped). Removing needs `confirm: true`.
 */
export const planNodesInputSchema = z
  .object({
    ...profileChoice,
    change: z.enum(NODE_CHANGES),
    nodeId: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
      .optional(),
    host: z.string().trim().min(1).max(300).optional(),
    confirm: z.literal(true).optional(),
    /**
     * Safe update: seconds to wait until the node is idle, and until it is healthy again (5–3600).
     * Rehearsal: seconds to wait for the first batch (3–300, default 20).
     */
    waitSeconds: z.number().int().min(3).max(3600).optional(),
    /** Rehearsal only: a callback base used instead of the api's for this one rehearsal. */
    callbackUrl: z.string().trim().min(1).max(2048).optional(),
  })
  .strict()
  .refine(oneProfile.check, oneProfile.message)
  .refine((v) => v.change === 'register' || v.change === 'update' || v.nodeId !== undefined, {
    message: 'Name the node (nodeId) to enable, disable or remove.',
    path: ['nodeId'],
  })
  .refine((v) => v.host === undefined || v.nodeId !== undefined, {
    message: 'A host is given for one node: name it (nodeId).',
    path: ['host'],
  })
  .refine((v) => v.change !== 'remove' || v.confirm === true, {
    message: 'Removing a node needs confirm: true.',
    path: ['confirm'],
  })
  .refine((v) => v.callbackUrl === undefined || v.change === 'rehearse', {
    message: 'A callback URL is given only for a rehearsal.',
    path: ['callbackUrl'],
  })
  .refine(
    (v) =>
      v.waitSeconds === undefined ||
      (v.change === 'rehearse' ? v.waitSeconds <= 300 : v.change === 'update' && v.waitSeconds >= 5),
    {
      message: 'waitSeconds: 5–3600 for a safe update, 3–300 for a rehearsal.',
      path: ['waitSeconds'],
    },
  )
/** See {@link planNodesInputSchema}. */
export type PlanNodesInput = z.infer<typeof planNodesInputSchema>

/** Input of `getStatus`: the profile, and optionally the account address to look up at the seed. */
export const statusInputSchema = z
  .object({
    ...profileChoice,
    /** The account (cold key) address; by default the one the setup report names. */
    address: z
      .string()
      .regex(/^[a-z0-9]{1,20}1[02-9ac-hj-np-z]{6,90}$/)
      .optional(),
  })
  .strict()
  .refine(oneProfile.check, oneProfile.message)
/** See {@link statusInputSchema}. */
export type StatusInput = z.infer<typeof statusInputSchema>

/** One model of an ML node with its vLLM args. */
export interface NodeModel {
  readonly id: string
  readonly args: readonly string[]
}

/** An ML node as the profile wants it registered (from the step-4 settings, else from its server). */
export interface ExpectedNode {
  readonly serverId: string
  readonly nodeId: string
  /** The ML server's private address, bare (no scheme, no path). */
  readonly host: string
  readonly inferencePort: number
  readonly pocPort: number
  readonly maxConcurrent?: number
  readonly models: readonly NodeModel[]
}

/** An ML node as the admin API reports it (`GET /admin/v1/nodes`). */
export interface RegisteredNode {
  readonly id: string
  readonly host: string
  readonly inferencePort: number
  readonly pocPort: number
  readonly maxConcurrent: number
  readonly models: readonly NodeModel[]
  /** Admin state; null when the api did not say. */
  readonly enabled: boolean | null
  readonly intendedStatus?: string
  readonly currentStatus?: string
  readonly pocStatus?: string
  readonly failureReason?: string
  readonly version?: string
  /** Models the node serves in the current epoch (empty before its first PoC). */
  readonly epochModels: readonly string[]
  /** Its PoC weight in the current epoch, when it has one. */
  readonly pocWeight?: number
}

/** How a node compares with the profile. */
export const NODE_COMPARISONS = ['registered', 'missing', 'unknown', 'different'] as const
/** One of {@link NODE_COMPARISONS}: same as the profile, not registered, not in the profile, or registered with other settings. */
export type NodeComparison = (typeof NODE_COMPARISONS)[number]

/** Settings that can differ between the profile and the api. */
export const NODE_SETTINGS = ['host', 'inferencePort', 'pocPort', 'maxConcurrent', 'models'] as const
/** One of {@link NODE_SETTINGS}. */
export type NodeSetting = (typeof NODE_SETTINGS)[number]

/** One row of the nodes page. */
export interface NodeRow {
  readonly id: string
  readonly comparison: NodeComparison
  readonly expected?: ExpectedNode
  readonly registered?: RegisteredNode
  /** For `different`: which settings differ. */
  readonly differences: readonly NodeSetting[]
}

/** Output of `listNodes`. */
export interface NodesListing {
  /** The server whose api was asked. */
  readonly networkServerId: string
  readonly rows: readonly NodeRow[]
  /** Where the expected nodes came from: the step-4 settings, or one default node per ML server. */
  readonly expectedSource: 'settings' | 'servers'
  readonly checkedAt: string
}

/** Overall state of the setup report (upstream: FAIL if any fails, else UNAVAILABLE if any is, else PASS). */
export const REPORT_STATUSES = ['PASS', 'FAIL', 'UNAVAILABLE'] as const

/** One check of the setup report, with the key of our translation when we know the check. */
export interface StatusCheck {
  readonly id: string
  readonly status: string
  /** The api's own message (English). */
  readonly message: string
  /** `status:check.<key>` when the check is one we know (`mlnode` for every `mlnode_<id>`). */
  readonly known?: string
  /** For `mlnode_<id>`: the node id. */
  readonly nodeId?: string
}

/** One GPU as the report or nvidia-smi shows it. */
export interface GpuUse {
  readonly name: string
  readonly usedGb?: number
  readonly totalGb?: number
  readonly utilizationPercent?: number
  readonly available?: boolean
}

/** Per ML node health on the status page. */
export interface NodeHealth {
  readonly id: string
  /** From the report's `mlnode_<id>` check (true = /health answered 200). */
  readonly healthy?: boolean
  readonly message?: string
  readonly models: readonly string[]
  readonly gpus: readonly GpuUse[]
  /** Where the GPUs come from: the setup report, or `nvidia-smi` over SSH on the ML server when the report has none. */
  readonly gpuSource?: 'report' | 'nvidia-smi'
  readonly enabled?: boolean | null
  readonly currentStatus?: string
  readonly failureReason?: string
}

/** A part of the status that could not be read, with why. */
export interface StatusProblem {
  readonly part: 'report' | 'nodes' | 'seed' | 'participant' | 'epoch'
  readonly code: string
  readonly message: string
}

/** Output of `getStatus`. */
export interface HostStatus {
  readonly checkedAt: string
  readonly networkServerId: string
  /** True only when the setup report was read and its overall status is PASS. */
  readonly passed: boolean
  readonly report?: {
    readonly overall: string
    readonly generatedAt?: string
    readonly checks: readonly StatusCheck[]
    readonly issues: readonly string[]
    readonly recommendations: readonly string[]
  }
  readonly sync?: {
    readonly localHeight?: number
    readonly seedHeight?: number
    /** Blocks the network node is behind the seed (0 or more), when both are known. */
    readonly behind?: number
    readonly catchingUp?: boolean
    readonly secondsSinceBlock?: number
  }
  readonly address?: string
  readonly participant?: {
    readonly found: boolean
    readonly status?: string
    readonly inferenceUrl?: string
    readonly weight?: number
    readonly epochsCompleted?: number
  }
  readonly epoch?: {
    readonly index?: number
    readonly phase?: string
    readonly blockHeight?: number
    readonly nextPocBlock?: number
    /** Estimated from the seed's block rate. */
    readonly nextPocAt?: string
  }
  readonly activeSet?: {
    readonly active: boolean
    readonly weight?: number
    readonly epochId?: number
  }
  readonly nodes: readonly NodeHealth[]
  readonly problems: readonly StatusProblem[]
}

/** Why a rehearsal's batches did not arrive. */
export const REHEARSAL_CAUSES = [
  /** The callback names a Docker-internal host (`http://api:9100`) that a separate ML server cannot resolve. */
  'callbackWrongUrl',
  /** The ML server cannot open a TCP connection to the callback's host and port (firewall, wrong address). */
  'callbackUnreachable',
  /** The callback answered, but not with success (a path or trailing slash: HTTP 404). */
  'callbackRejected',
  /** The ML node reported a GPU/CUDA error. */
  'gpuError',
  /** The ML node refused to start the test generation. */
  'generateFailed',
  /** Nothing arrived and nothing says why. */
  'noBatches',
] as const
/** One of {@link REHEARSAL_CAUSES}. */
export type RehearsalCause = (typeof REHEARSAL_CAUSES)[number]

/**
 * The result of a PoC rehearsal (`planNodes` with change `rehearse`, then `applyPlan`): the `output` of
 * the rehearsal's action.
 */
export interface RehearsalResult {
  readonly nodeId: string
  /** The ML server's address as the network server reaches it. */
  readonly host: string
  /** The callback base used (`DAPI_API__POC_CALLBACK_URL`, or the given one). */
  readonly callbackUrl: string
  /** Where the ML node was told to send its batches (`<callback>/v2/poc-batches/<model>`). */
  readonly batchUrl: string
  /** Where the callback URL came from. */
  readonly callbackSource: 'api-container' | 'profile' | 'input' | 'default'
  /** True when the network server received at least one generated batch. */
  readonly received: boolean
  readonly batches: number
  readonly cause?: RehearsalCause
  /** The log line or answer that shows the cause (or the receipt). */
  readonly evidence?: string
  readonly startedAt: string
  readonly finishedAt: string
}
