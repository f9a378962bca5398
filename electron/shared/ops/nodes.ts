import { op } from '../op'
import type { DeployPlan } from '../deploy'
import {
  nodesProfileInputSchema,
  planNodesInputSchema,
  rehearseInputSchema,
  statusInputSchema,
  type HostStatus,
  type NodesListing,
  type RehearsalResult,
} from '../nodes'

/** ML nodes (wizard step 7) and the host's status (step 8), read through the network server's admin API. */
export const nodeOps = {
  /**
   * The ML nodes the network node's api knows (`GET /admin/v1/nodes` through an SSH tunnel to the
   * network server's 127.0.0.1:9200), each compared with the profile: registered, missing, unknown to
   * the profile, or registered with different settings.
   */
  listNodes: op<NodesListing>()(nodesProfileInputSchema),
  /**
   * "Am I a working host?": the setup report through the tunnel, chain sync against the seed, the
   * participant record, epoch and next PoC, active-set membership, per ML node health and GPUs. A part
   * that cannot be read is listed in `problems`; the call fails only when the profile cannot be used.
   */
  getStatus: op<HostStatus>()(statusInputSchema),
  /**
   * Plans an ML node change through the deploy engine (nothing is written): register or update the
   * profile's nodes (or one), enable, disable or remove one. Before a registration the plan checks
   * from the network server that the ML server answers on both ports and that every model is in the
   * governance list; a failed check is a `blocked` change. Apply the plan with `applyPlan`.
   */
  planNodes: op<DeployPlan>()(planNodesInputSchema, { long: true }),
  /**
   * The PoC rehearsal of one ML node that serves no epoch (not registered, or disabled): stops it,
   * starts a test generation (`POST /api/v1/pow/init/generate`, sent from the network server) with
   * the callback URL the api container uses (or `callbackUrl`), and says whether the network server
   * received the batches, or why not (callback unreachable, wrong URL, rejected, GPU error). Refused
   * (CONFLICT, details.reason `enabled` | `inPoc` | `servingEpoch`) on an enabled node or during a PoC.
   * Needs `confirm: true`; the node is left stopped (the api starts it when it is enabled).
   */
  rehearsePoc: op<RehearsalResult>()(rehearseInputSchema, { long: true }),
} as const
