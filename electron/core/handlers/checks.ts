import {
  runChecksInputSchema,
  type CheckProgressData,
  type ModelRequirement,
  type RunChecksInput,
  type RunChecksOutput,
} from '../../shared/checks'
import { AppFailure } from '../errors'
import type { Handlers } from '../handler-types'
import { CHECK_CATALOGUE } from '../checks/catalogue'
import { readNetworkModels, resolveNetworkModels } from '../checks/governance'
import { resolveModels } from '../checks/models'
import { runChecksOnProfile } from '../checks/runner'
import type { RemoteExecutor } from '../ssh/types'
import type { ProfileStore } from '../storage/profile-store'

/** Handlers for the prerequisite and network checks. */
export function createCheckHandlers(deps: {
  profiles: ProfileStore
  /** The pooled SSH executor; until the service wires one in, runChecks answers UNSUPPORTED. */
  executor?: () => RemoteExecutor | undefined
}): Handlers<'getCheckCatalogue' | 'getNetworkModels' | 'runChecks'> {
  return {
    getCheckCatalogue: () => Promise.resolve({ checks: [...CHECK_CATALOGUE] }),
    getNetworkModels: (input, call) => readNetworkModels(input.seedApiUrl, { signal: call.signal }),
    async runChecks(rawInput, call) {
      const input = runChecksInputSchema.parse(rawInput)
      const executor = deps.executor?.()
      if (!executor) throw new AppFailure('UNSUPPORTED', 'Remote checks need the SSH connection layer.')
      const profile = input.profile ?? (await deps.profiles.load(input.profileId ?? ''))
      const models = await modelsForRun(input, call.signal)
      let done = 0
      const total = Math.max(1, profile.servers.length)
      return runChecksOnProfile({
        profile,
        executor,
        models: models.models,
        modelSource: models.source,
        ...(input.checkIds ? { checkIds: input.checkIds } : {}),
        ...(input.serverIds ? { serverIds: input.serverIds } : {}),
        ...(input.settings ? { settings: input.settings } : {}),
        signal: call.signal,
        onProgress(data: CheckProgressData) {
          if (data.type === 'host-start') {
            call.progress({ stepId: data.serverId, kind: 'start', title: 'checks.progress.hostStart', data })
          } else if (data.type === 'result') {
            call.progress({
              stepId: data.result.serverId,
              kind: 'result',
              title: data.result.messageKey,
              detail: data.result.message,
              data,
            })
          } else if (data.type === 'paths') {
            call.progress({ stepId: 'network', kind: 'result', title: 'checks.progress.paths', data })
          } else {
            done += 1
            call.progress({
              stepId: data.summary.serverId,
              kind: 'done',
              fraction: Math.min(1, done / total),
              title: 'checks.progress.hostDone',
              data,
            })
          }
        },
      })
    },
  }
}

/**
 * The requirements of the chosen models: from the caller's list; else, with a seed, from the seed's
 * governance list read now (the offline list when it cannot be read); else from the offline list.
 */
export async function modelsForRun(
  input: Pick<RunChecksInput, 'modelIds' | 'models' | 'seedApiUrl'>,
  signal?: AbortSignal,
): Promise<{ models: ModelRequirement[]; unknown: string[]; source: RunChecksOutput['modelSource'] }> {
  const ids = input.modelIds ?? []
  const seed = input.seedApiUrl?.trim() ?? ''
  if (ids.length === 0 || (input.models && input.models.length > 0) || seed === '')
    return resolveModels(ids, input.models)
  const { models, unknown, source } = await resolveNetworkModels(ids, seed, signal ? { signal } : {})
  return { models, unknown, source }
}
