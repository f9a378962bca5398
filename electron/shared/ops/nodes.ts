import { op } from '../op'
import type { DeployPlan } from '../deploy'
import {
  nodesProfileInputSchema,
  planNodesInputSchema,
  statusInputSchema,
  type HostStatus,
  type NodesListing,
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
   *
   * `rehearse` (with `nodeId`): the PoC rehearsal of one ML node that serves no epoch (not registered,
   * or disabled). The plan shows the check, the stop, the test generation (`POST
   * /api/v1/pow/init/generate`, sent from the network server, with the callback URL the api container
   * uses or `callbackUrl`), the wait for the batches and the stop at the end; it is blocked with the
   * reason (`deploy.node.change.rehearseRefused.enabled|inPoc|servingEpoch`) on an enabled node or
   * during a PoC. Applied, the action's `output` is the `RehearsalResult` (shared/nodes.ts): whether the network
   * server received the batches, or why not (callback unreachable, wrong URL, rejected, GPU error).
   * Applying the same plan again changes nothing and gives the same result.
   */
  planNodes: op<DeployPlan>()(planNodesInputSchema, { long: true }),
} as const
