import { mkdirSync } from 'node:fs'
import {
  contract,
  isOperationName,
  type CallOptions,
  type OperationName,
  type OutputOf,
} from '../shared/contract'
import { runIdSchema, type PushedEvent } from '../shared/progress'
import { fail, ok, type Result } from '../shared/result'
import { AppFailure, toAppError } from './errors'
import type { CallContext, Handlers, ServiceEnvironment } from './handler-types'
import { createAppHandlers } from './handlers/app'
import { createProfileHandlers } from './handlers/profiles'
import { createSshFeature } from './handlers/ssh'
import { createCheckHandlers } from './handlers/checks'
import { createKeyHandlers } from './handlers/keys'
import { createPassphraseSealer } from './secrets/passphrase-sealer'
import { SecretStore } from './secrets/secret-store'
import { createNodeHandlers } from './handlers/nodes'
import { createConfigHandlers } from './handlers/config'
import { SessionSecrets } from './deploy/session-secrets'
import { createDeployHandlers, PlanRegistry } from './handlers/deploy'
import { createLaunchHandlers } from './handlers/launch'
import { createBundleHandlers } from './handlers/bundle'
import { targetOf } from './ssh/targets'
import { createServerKeyHandlers } from './handlers/server-keys'
import { createLogger, type Logger } from './log'
import { SettingsStore } from './storage/settings-store'
import { matchLanguage } from '../shared/settings'
import { ProfileStore } from './storage/profile-store'

/** The application service: the one object that implements the contract for every runtime. */
export interface AppService {
  /** Validates `rawInput` against the operation's schema, runs it, and returns the envelope. Never throws. */
  call(op: string, rawInput: unknown, options?: CallOptions): Promise<Result<unknown>>
  /** Typed form of {@link call} for in-process callers (CLI, tests). */
  invoke<K extends OperationName>(op: K, input: unknown, options?: CallOptions): Promise<Result<OutputOf<K>>>
  /** Cancels the run with this id, if it is running. */
  cancel(runId: string): void
  /** Subscribes to pushed events (progress of every run); returns the unsubscribe function. */
  onEvent(listener: (event: PushedEvent) => void): () => void
  /** Cancels every run and closes connections. */
  dispose(): Promise<void>
  readonly env: ServiceEnvironment
  readonly log: Logger
}

type AllHandlers = Handlers<OperationName>

/** Builds the service for one runtime. */
export function createService(env: ServiceEnvironment, options: { logger?: Logger } = {}): AppService {
  mkdirSync(env.dataDir, { recursive: true })
  const log = options.logger ?? createLogger()
  const listeners = new Set<(event: PushedEvent) => void>()
  const runs = new Map<string, AbortController>()
  const disposers: Array<() => Promise<void> | void> = []
  const emit = (event: PushedEvent): void => {
    for (const listener of listeners) {
      try {
        listener(event)
      } catch (error) {
        log.warn('event listener failed', { error: String(error) })
      }
    }
  }

  const settings = new SettingsStore(
    env.dataDir,
    env.systemLanguages ? { language: matchLanguage(env.systemLanguages) } : {},
  )
  const profiles = new ProfileStore(env.dataDir, log)
  const secrets = new SecretStore(env.dataDir, env.secretSealer ?? createPassphraseSealer())
  // The keyring password entered in step 4, held in memory for this session (and, when the user asks,
  // kept in the secret store, which the session falls back to).
  const sessionSecrets = new SessionSecrets((id) => secrets.get(`keyring-password:${id}`))
  disposers.push(() => sessionSecrets.forget())
  const ssh = createSshFeature({ env, log, loadProfile: (id) => profiles.load(id) })
  disposers.push(() => ssh.dispose())
  const keys = createKeyHandlers({
    secrets,
    profiles,
    forgetSessionSecrets: () => {
      sessionSecrets.forget()
      return ssh.secrets.forget()
    },
  })
  disposers.push(keys.dispose)

  const plans = new PlanRegistry()
  const handlers: AllHandlers = {
    ...createAppHandlers({ env, settings }),
    ...createProfileHandlers({ profiles, settings }),
    ...ssh.handlers,
    ...createCheckHandlers({ profiles, executor: () => ssh.pool }),
    ...keys.handlers,
    ...createNodeHandlers({ profiles, pool: () => ssh.pool, plans, dataDir: env.dataDir, log }),
    ...createConfigHandlers({ profiles, secrets: sessionSecrets, store: secrets }),
    ...createDeployHandlers({
      profiles,
      pool: () => ssh.pool,
      dataDir: env.dataDir,
      log,
      secrets: sessionSecrets,
      plans,
    }),
    ...createLaunchHandlers({ profiles, pool: () => ssh.pool }),
    ...createBundleHandlers({
      profiles,
      pool: () => ssh.pool,
      dataDir: env.dataDir,
      appVersion: env.appVersion,
      secrets: sessionSecrets,
      plans,
      log,
      heldSecrets: (profile) =>
        profile.servers.flatMap((server) => {
          try {
            const held = ssh.secrets.heldPassword(targetOf(server, profile.servers))
            return held !== undefined ? [held] : []
          } catch {
            return []
          }
        }),
    }),
    ...createServerKeyHandlers({ profiles, pool: () => ssh.pool, plans, dataDir: env.dataDir, log }),
  }

  async function call(
    op: string,
    rawInput: unknown,
    callOptions: CallOptions = {},
  ): Promise<Result<unknown>> {
    if (!isOperationName(op)) {
      return fail({
        code: 'UNSUPPORTED',
        message: `Unknown operation "${op.slice(0, 64)}".`,
        retryable: false,
      })
    }
    const def = contract[op]
    const parsed = def.input.safeParse(rawInput ?? {})
    if (!parsed.success) {
      const fields: Record<string, string> = {}
      for (const issue of parsed.error.issues) fields[issue.path.join('.') || '(input)'] = issue.message
      return fail({
        code: 'INVALID_INPUT',
        message: `The input of ${op} is not valid.`,
        retryable: false,
        fields,
      })
    }
    let runId: string | undefined
    if (callOptions.runId !== undefined || def.long) {
      const checked = runIdSchema.safeParse(callOptions.runId)
      if (!checked.success) {
        return fail({ code: 'INVALID_INPUT', message: `${op} needs a valid run id.`, retryable: false })
      }
      runId = checked.data
      if (runs.has(runId)) {
        return fail({
          code: 'CONFLICT',
          message: `A run with id ${runId} is already going.`,
          retryable: false,
        })
      }
    }
    const controller = new AbortController()
    if (runId !== undefined) runs.set(runId, controller)
    const context: CallContext = {
      ...(runId !== undefined ? { runId } : {}),
      signal: controller.signal,
      progress: (event) => {
        if (runId !== undefined) emit({ type: 'progress', event: { ...event, runId } })
      },
    }
    try {
      const handler = handlers[op] as (input: unknown, call: CallContext) => Promise<unknown>
      const value = await handler(parsed.data, context)
      return ok(value)
    } catch (error) {
      const appError = toAppError(error)
      if (appError.code === 'INTERNAL') log.error(`operation ${op} failed`, { error: describeUnknown(error) })
      return fail(appError)
    } finally {
      if (runId !== undefined) runs.delete(runId)
    }
  }

  return {
    env,
    log,
    call,
    invoke: (op, input, opts) => call(op, input, opts) as never,
    cancel(runId) {
      runs.get(runId)?.abort(new AppFailure('CANCELLED', 'The operation was cancelled.'))
    },
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async dispose() {
      for (const controller of runs.values()) controller.abort()
      for (const dispose of disposers.reverse()) await dispose()
    },
  }
}

function describeUnknown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ''}`
  return String(error)
}
