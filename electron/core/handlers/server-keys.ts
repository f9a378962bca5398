import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { DeployPlan } from '../../shared/deploy'
import { defaultDeploymentSettings } from '../../shared/deployment'
import type { Profile } from '../../shared/profile'
import type { ServerKeysStatus } from '../../shared/server-keys'
import { DeployEngine } from '../deploy/engine'
import { gonkaMarkerStore, HostContext } from '../deploy/gonka-actions'
import { LocalJournal } from '../deploy/journal'
import {
  backupAction,
  listKeysBackups,
  readServerKeysStatus,
  registerAction,
  warmKeyAction,
} from '../deploy/key-actions'
import { AppFailure } from '../errors'
import { networkServerOf } from '../gonka/nodes-view'
import { permissionName, readAccount, registrationTimeoutText } from '../gonka/server-keys'
import type { CallContext, Handlers } from '../handler-types'
import type { Logger } from '../log'
import type { SshPool } from '../ssh/pool'
import { readRemoteFile } from '../ssh/sftp'
import type { ProfileStore } from '../storage/profile-store'
import type { PlanRegistry } from './deploy'

type Ops =
  'planServerKeys' | 'getServerKeysStatus' | 'waitForRegistration' | 'waitForGrants' | 'downloadKeysBackup'

function networkHost(pool: SshPool, profile: Profile): HostContext {
  const server = networkServerOf(profile)
  if (!server)
    throw new AppFailure('INVALID_INPUT', `Profile "${profile.name}" has no network server.`, {
      hint: 'Add the network server in step 1.',
    })
  return new HostContext(pool, server, profile, profile.deployment ?? defaultDeploymentSettings())
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Handlers of step 3's server side: plans through the deploy engine, status, waits, backup download. */
export function createServerKeyHandlers(deps: {
  profiles: ProfileStore
  pool: () => SshPool | undefined
  plans: PlanRegistry
  dataDir: string
  log?: Logger
}): Handlers<Ops> {
  const poolOf = (): SshPool => {
    const pool = deps.pool()
    if (!pool) throw new AppFailure('UNSUPPORTED', 'Step 3 on the server needs the SSH connection layer.')
    return pool
  }

  async function status(
    profile: Profile,
    coldKeyName: string | undefined,
    signal: AbortSignal,
  ): Promise<ServerKeysStatus> {
    return readServerKeysStatus(networkHost(poolOf(), profile), coldKeyName, signal)
  }

  async function wait(
    input: { profileId: string; coldKeyName?: string; timeoutSeconds?: number; intervalSeconds?: number },
    call: CallContext,
    what: 'registration' | 'grants',
  ): Promise<ServerKeysStatus> {
    const profile = await deps.profiles.load(input.profileId)
    const timeout = (input.timeoutSeconds ?? 600) * 1000
    const every = (input.intervalSeconds ?? 5) * 1000
    const started = Date.now()
    let last: ServerKeysStatus | undefined
    for (;;) {
      last = await status(profile, input.coldKeyName, call.signal)
      const done =
        what === 'registration' ? last.registration.state === 'registered' : last.grants?.complete === true
      const waited = Math.round((Date.now() - started) / 1000)
      call.progress({
        stepId: what,
        kind: done ? 'done' : 'progress',
        title: `serverKeys.wait.${what}`,
        detail: `${waited} s`,
        data: last,
      })
      if (done) return last
      if (Date.now() - started >= timeout) break
      await sleep(every, call.signal)
    }
    const seconds = Math.round(timeout / 1000)
    if (what === 'registration') {
      const address = last.account?.address ?? ''
      if (!address || !profile.seedApiUrl)
        throw new AppFailure(
          'INVALID_INPUT',
          'The account key or the seed address is missing in the profile.',
        )
      const account = await readAccount(profile.seedApiUrl, address, call.signal)
      const text = registrationTimeoutText({ address, seconds, ...(account ? { account } : {}) })
      throw new AppFailure('TIMEOUT', text.message, { hint: text.hint, details: { address } })
    }
    const g = last.grants
    const missing = g ? g.missing.map(permissionName) : []
    const expiring = g ? g.expiring.map((e) => permissionName(e.msg)) : []
    throw new AppFailure(
      'TIMEOUT',
      g
        ? `The grants are not complete after ${seconds} s: ${missing.length} missing${missing.length ? ` (${missing.join(', ')})` : ''}${expiring.length ? `, expiring soon: ${expiring.join(', ')}` : ''}, fee allowance ${g.feeAllowance}.`
        : `The grants could not be read within ${seconds} s${last.grantsError ? `: ${last.grantsError}` : ''}${last.warm.address ? '' : ' (no warm key address yet)'}.`,
      {
        hint: last.grantCommand
          ? `Run on the machine that holds the cold key: ${last.grantCommand}`
          : 'Make the warm key first (keys warm), then run the grant command with the cold key.',
        details: { missing: missing.join(', '), expiring: expiring.join(', ') },
      },
    )
  }

  return {
    async planServerKeys(input, call): Promise<DeployPlan> {
      const pool = poolOf()
      const profile = await deps.profiles.load(input.profileId)
      const h = networkHost(pool, profile)
      const steps = input.steps ?? ['backup', 'warm', 'register']
      const actions = []
      const backup = backupAction(h)
      if (steps.includes('backup')) actions.push(backup)
      const after = steps.includes('backup') ? [backup.id] : []
      if (steps.includes('warm')) actions.push(warmKeyAction(h, after))
      if (steps.includes('register'))
        actions.push(
          registerAction(h, after, {
            ...(input.registerWaitSeconds !== undefined ? { waitSeconds: input.registerWaitSeconds } : {}),
          }),
        )
      const engine = new DeployEngine({
        journal: new LocalJournal(deps.dataDir),
        markers: gonkaMarkerStore(pool, profile),
        ...(deps.log ? { log: deps.log } : {}),
      })
      call.progress({ stepId: 'plan', kind: 'start', title: 'deploy.progress.planning' })
      const plan = await engine.plan({
        profileId: profile.id,
        actions,
        hosts: [{ hostId: h.server.id, host: h.server.name || h.server.address }],
        signal: call.signal,
      })
      deps.plans.hold(plan.planId, engine)
      return plan
    },

    async getServerKeysStatus(input, call) {
      const profile = await deps.profiles.load(input.profileId)
      return status(profile, input.coldKeyName, call.signal)
    },

    waitForRegistration: (input, call) => wait(input, call, 'registration'),
    waitForGrants: (input, call) => wait(input, call, 'grants'),

    async downloadKeysBackup(input, call) {
      const pool = poolOf()
      const profile = await deps.profiles.load(input.profileId)
      const h = networkHost(pool, profile)
      const backups = await listKeysBackups(h, call.signal)
      const chosen = input.name ? backups.find((b) => b.name === input.name) : backups[0]
      if (!chosen)
        throw new AppFailure(
          'NOT_FOUND',
          input.name ? `No backup ${input.name} on the server.` : 'No keys backup on the server yet.',
          {
            hint: 'Plan and apply step 3 on the server (keys warm) first: it makes the backup.',
            details: { noBackup: true },
          },
        )
      const data = await readRemoteFile(pool, h.target, chosen.path)
      let path: string
      if (input.to === undefined) path = join(deps.dataDir, 'backups', profile.id, chosen.name)
      else if (input.to.endsWith('/') || !input.to.endsWith('.tar.gz')) path = join(input.to, chosen.name)
      else path = input.to
      if (!isAbsolute(path))
        throw new AppFailure('INVALID_INPUT', 'Give an absolute path to save the backup to.')
      await mkdir(join(path, '..'), { recursive: true, mode: 0o700 })
      try {
        // 'wx': with `exclusive` an existing file is refused by the file system itself (no race).
        await writeFile(path, data, { mode: 0o600, flag: input.exclusive === true ? 'wx' : 'w' })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          throw new AppFailure('CONFLICT', `${path} exists already; it is not overwritten.`, {
            hint: 'Save to another folder, or move the existing file away first.',
            details: { path },
          })
        throw error
      }
      await chmod(path, 0o600)
      return { name: chosen.name, path, bytes: data.length, host: h.server.name || h.server.address }
    },
  }
}
