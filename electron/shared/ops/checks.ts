import { z } from 'zod'
import { op } from '../op'
import {
  getNetworkModelsInputSchema,
  runChecksInputSchema,
  type NetworkModels,
  type CheckCatalogueEntry,
  type RunChecksOutput,
} from '../checks'

/** Prerequisite and network checks (wizard steps 2 and 5). */
export const checkOps = {
  /** The check catalogue: ids, roles, severity, i18n keys, rule, doc link. */
  getCheckCatalogue: op<{ checks: CheckCatalogueEntry[] }>()(z.object({}).strict()),
  /**
   * The governance model list from the seed (`GET <seed>/v1/governance/models`); when no seed is given
   * or it cannot be read, the offline list with the reason. Fails only on cancel.
   */
  getNetworkModels: op<NetworkModels>()(getNetworkModelsInputSchema),
  /** Runs the checks on every host in parallel; streams one progress event per result. */
  runChecks: op<RunChecksOutput>()(runChecksInputSchema, { long: true }),
} as const
