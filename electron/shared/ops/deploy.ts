import { z } from 'zod'
import { op } from '../op'
import type { ApplyResult, ContainerInfo, DeployPlan, JournalEntry } from '../deploy'
import { modelRequirementSchema } from '../checks'
import { checkFactsInputSchema } from './config'

const profileId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)

/** Input of planDeployment: the profile and the user's choices for this plan. */
export const planDeploymentInputSchema = z
  .object({
    profileId,
    /** Start api, proxy and the rest although the keys (step 3) are not there yet. */
    startWithoutKeys: z.boolean().optional(),
    /** Pull images again although they are present. */
    updateImages: z.boolean().optional(),
    /** Fetch the ref again in existing clean clones. */
    updateRepo: z.boolean().optional(),
    /** Seconds to wait for each container to run (and be healthy). */
    waitSeconds: z.number().int().min(5).max(3600).optional(),
    /** Free space the deploy folder needs, MiB. */
    minFreeMb: z.number().int().min(0).max(10_000_000).optional(),
    /**
     * The last check results (steps 2 and 5): the callback URL is refused when step 5 found the ML
     * servers cannot reach it, HF_HOME is checked against the models' size, the GPUs shape the layout.
     */
    checks: checkFactsInputSchema.optional(),
    /** The chosen models' requirements (the list the user saw in step 2). */
    models: z.array(modelRequirementSchema).max(64).optional(),
    /** The network server's address as the ML servers reach it, when it differs from its SSH address. */
    networkPrivateAddress: z.string().max(253).optional(),
  })
  .strict()
/** See {@link planDeploymentInputSchema}. */
export type PlanDeploymentInput = z.infer<typeof planDeploymentInputSchema>

/** One host's error while reading containers or logs. */
export interface HostError {
  readonly hostId: string
  readonly code: string
  readonly message: string
}

/** Steps 4 and 6: plan, apply, containers, logs and the journal of the deploy engine. */
export const deployOps = {
  /** Inspects every server and returns what applying would change, per host (nothing is written). */
  planDeployment: op<DeployPlan>()(planDeploymentInputSchema, { long: true }),
  /** Applies exactly the plan (refused as stale when a server changed since); progress per action. */
  applyPlan: op<ApplyResult>()(z.object({ planId: z.string().min(1).max(80) }).strict(), { long: true }),
  /** The containers on every server (`ps`), with state, health, restarts and exit codes. */
  listContainers: op<{ containers: ContainerInfo[]; errors: HostError[] }>()(
    z.object({ profileId }).strict(),
  ),
  /** Streams the logs of one server's containers as `log` progress events until cancelled (or the end without follow). */
  streamLogs: op<{ lines: number }>()(
    z
      .object({
        profileId,
        hostId: z.string().min(1).max(64),
        service: z.string().min(1).max(128).optional(),
        tail: z.number().int().min(0).max(50_000).optional(),
        follow: z.boolean().optional(),
      })
      .strict(),
    { long: true },
  ),
  /** The local journal of applies of a profile, oldest first (no secrets in it). */
  journal: op<{ entries: JournalEntry[] }>()(z.object({ profileId }).strict()),
} as const
