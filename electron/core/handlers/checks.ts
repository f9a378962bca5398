import { runChecksInputSchema, type CheckProgressData } from '../../shared/checks'
import { AppFailure } from '../errors'
import type { Handlers } from '../handler-types'
import { CHECK_CATALOGUE } from '../checks/catalogue'
import { FALLBACK_MODELS, FALLBACK_MODELS_AS_OF, resolveModels } from '../checks/models'
import { runChecksOnProfile } from '../checks/runner'
import type { RemoteExecutor } from '../ssh/types'
import type { ProfileStore } from '../storage/profile-store'

/** Handlers for the prerequisite and network checks. */
export function createCheckHandlers(deps: {
  profiles: ProfileStore
  /** The pooled SSH executor; until the service wires one in, runChecks answers UNSUPPORTED. */
  executor?: () => RemoteExecutor | undefined
}): Handlers<'getCheckCatalogue' | 'getFallbackModels' | 'runChecks'> {
  return {
    getCheckCatalogue: () => Promise.resolve({ checks: [...CHECK_CATALOGUE] }),
    getFallbackModels: () => Promise.resolve({ asOf: FALLBACK_MODELS_AS_OF, models: [...FALLBACK_MODELS] }),
    async runChecks(rawInput, call) {
      const input = runChecksInputSchema.parse(rawInput)
      const executor = deps.executor?.()
      if (!executor) throw new AppFailure('UNSUPPORTED', 'Remote checks need the SSH connection layer.')
      const profile = input.profile ?? (await deps.profiles.load(input.profileId ?? ''))
      const resolved = resolveModels(input.modelIds ?? [], input.models)
      let done = 0
      const total = Math.max(1, profile.servers.length)
      return runChecksOnProfile({
        profile,
        executor,
        models: resolved.models,
        modelSource: resolved.source,
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
