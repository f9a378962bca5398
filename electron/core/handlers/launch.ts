import type { LaunchFailure } from '../../shared/ops/launch'
import { dockerFor, listContainerStates, streamContainerLogs } from '../docker/docker-client'
import { toAppError } from '../errors'
import { recognizeFailures, type ContainerObservation, type FailureMatch } from '../gonka/failure-patterns'
import type { Handlers } from '../handler-types'
import { buildCommand } from '../ssh/quote'
import type { SshPool } from '../ssh/pool'
import { targetOf } from '../ssh/targets'
import type { ProfileStore } from '../storage/profile-store'

const STATES = new Set<ContainerObservation['state']>([
  'created',
  'running',
  'restarting',
  'exited',
  'paused',
  'dead',
  'removing',
])

/** The command the fix of a recognised failure names, ready to copy (undefined when there is none). */
export function fixCommand(match: Pick<FailureMatch, 'id' | 'service' | 'params'>): string | undefined {
  switch (match.id) {
    case 'port-allocated': {
      const port = match.params['port']
      return port && /^\d{1,5}$/.test(port) ? `sudo ss -ltnp 'sport = :${port}'` : undefined
    }
    case 'callback-docker-internal':
    case 'keyring-password':
      return 'docker compose up -d api'
    case 'disk-full':
      return 'docker system prune'
    case 'cuda-oom':
    case 'state-sync-crash-loop':
      return buildCommand(['docker', 'restart', match.service])
    default:
      return undefined
  }
}

/** Step 6 diagnostics: failures recognised from every container's state and latest logs. */
export function createLaunchHandlers(deps: {
  profiles: ProfileStore
  pool: () => SshPool
}): Handlers<'diagnoseContainers'> {
  return {
    async diagnoseContainers(input, call) {
      const profile = await deps.profiles.load(input.profileId)
      const pool = deps.pool()
      const tail = input.tail ?? 200
      const failures: LaunchFailure[] = []
      const errors: { hostId: string; code: string; message: string }[] = []
      for (const server of profile.servers) {
        try {
          const target = targetOf(server, profile.servers)
          const docker = dockerFor(pool, target)
          const states = await listContainerStates(docker, target)
          for (const c of states) {
            if (c.service === '') continue
            const lines: string[] = []
            await streamContainerLogs(docker, target, c.id, {
              follow: false,
              tail,
              signal: call.signal,
              onLine: (line) => lines.push(line),
            })
            const state = STATES.has(c.state as ContainerObservation['state'])
              ? (c.state as ContainerObservation['state'])
              : undefined
            const found = recognizeFailures({
              service: c.service,
              ...(state !== undefined ? { state } : {}),
              ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
              restartCount: c.restartCount,
              lines,
              topology: profile.topology,
            })
            for (const m of found) {
              const command = fixCommand(m)
              failures.push({
                hostId: server.id,
                host: server.name || server.address,
                service: m.service,
                id: m.id,
                causeKey: m.causeKey,
                fixKey: m.fixKey,
                params: m.params,
                evidence: m.evidence,
                ...(command !== undefined ? { command } : {}),
              })
            }
          }
        } catch (error) {
          const e = toAppError(error)
          errors.push({
            hostId: server.id,
            code: e.code,
            message: e.hint ? `${e.message} ${e.hint}` : e.message,
          })
        }
      }
      return { failures, errors }
    },
  }
}
