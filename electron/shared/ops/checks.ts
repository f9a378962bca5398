import { z } from 'zod'
import { op } from '../op'
import {
  runChecksInputSchema,
  type CheckCatalogueEntry,
  type ModelRequirement,
  type RunChecksOutput,
} from '../checks'

/** Prerequisite and network checks (wizard steps 2 and 5). */
export const checkOps = {
  /** The check catalogue: ids, roles, severity, i18n keys, rule, doc link. */
  getCheckCatalogue: op<{ checks: CheckCatalogueEntry[] }>()(z.object({}).strict()),
  /** The dated offline model list, for when the seed's governance list cannot be read. */
  getFallbackModels: op<{ asOf: string; models: ModelRequirement[] }>()(z.object({}).strict()),
  /** Runs the checks on every host in parallel; streams one progress event per result. */
  runChecks: op<RunChecksOutput>()(runChecksInputSchema, { long: true }),
} as const
