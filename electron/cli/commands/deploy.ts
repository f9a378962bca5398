import { readFile } from 'node:fs/promises'
import type { DeployPlan, LogBatch, LogLine } from '../../shared/deploy'
import { confirmAndApply, printPlan } from '../plan-apply'
import { cliLanguage } from '../language'
import {
  followRun,
  newRunId,
  openCliService,
  printFailure,
  unwrap,
  CliServiceError,
  type CliService,
} from '../cli-service'
import { CliUsageError, parseOptions, type CliCommand, type CliIo } from '../io'
import { textsFor } from '../texts'

const planFlags = {
  profile: { type: 'string' },
  json: { type: 'boolean' },
  'start-without-keys': { type: 'boolean' },
  'update-images': { type: 'boolean' },
  'update-repo': { type: 'boolean' },
  'wait-seconds': { type: 'string' },
  checks: { type: 'string' },
  'private-address': { type: 'string' },
} as const

/**
 * The `checks` input of a plan from a `check --json` output file (an array of results, or an object
 * with `results` and `paths`): only each result's check id, server, facts and paths are kept.
 */
export async function checksInput(
  file: string,
  t: ReturnType<typeof textsFor> = textsFor({}),
): Promise<{ results: Record<string, unknown>[]; paths?: unknown[] }> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new CliUsageError(
      t('cli.common.cannotRead', { file, reason: error instanceof Error ? error.message : String(error) }),
    )
  }
  const obj = typeof raw === 'object' && raw !== null ? (raw as { results?: unknown; paths?: unknown }) : {}
  const list = Array.isArray(raw) ? raw : Array.isArray(obj.results) ? obj.results : undefined
  if (!list) throw new CliUsageError(t('cli.deploy.noCheckResults', { file }))
  const results = list
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .map((r) => ({
      checkId: r.checkId,
      serverId: r.serverId,
      ...(r.facts !== undefined ? { facts: r.facts } : {}),
      ...(r.paths !== undefined ? { paths: r.paths } : {}),
    }))
  return { results, ...(Array.isArray(obj.paths) ? { paths: obj.paths } : {}) }
}

function requireProfile(value: string | undefined, io: CliIo): string {
  if (value === undefined || value === '')
    throw new CliUsageError(textsFor(io.env)('cli.common.profileMissing'))
  return value
}

/** Plans with the flags given; the keyring password from the environment is held for the session first. */
async function makePlan(
  cli: CliService,
  io: CliIo,
  values: Record<string, string | boolean | undefined>,
): Promise<DeployPlan> {
  const profile = await cli.resolveProfile(requireProfile(values.profile as string | undefined, io))
  const passphrase = io.env.GHW_SECRETS_PASSPHRASE
  if (passphrase !== undefined && passphrase !== '') {
    // The secret store may keep the keyring password (profile init, or the app's "keep" choice).
    unwrap(await cli.service.invoke('unlockSecrets', { passphrase }))
  }
  const password = io.env.GHW_KEYRING_PASSWORD
  if (password !== undefined && password !== '') {
    unwrap(await cli.service.invoke('holdKeyringPassword', { profileId: profile.id, password }))
  }
  const wait = values['wait-seconds']
  const checksFile = values.checks as string | undefined
  const checks = checksFile !== undefined ? await checksInput(checksFile, textsFor(io.env)) : undefined
  const privateAddress = values['private-address'] as string | undefined
  const runId = newRunId('plan')
  return unwrap(
    await cli.service.invoke(
      'planDeployment',
      {
        profileId: profile.id,
        ...(values['start-without-keys'] === true ? { startWithoutKeys: true } : {}),
        ...(values['update-images'] === true ? { updateImages: true } : {}),
        ...(values['update-repo'] === true ? { updateRepo: true } : {}),
        ...(typeof wait === 'string' ? { waitSeconds: Number(wait) } : {}),
        ...(checks !== undefined ? { checks } : {}),
        ...(privateAddress !== undefined ? { networkPrivateAddress: privateAddress } : {}),
      },
      { runId },
    ),
  )
}

/** `plan --profile P [--json]`. */
export const planCommand: CliCommand = {
  name: 'plan',
  usage: 'plan --profile P [--json] [--start-without-keys] [--update-images] [--update-repo] [--checks FILE]',
  async run(args, io) {
    const { values } = parseOptions(args, planFlags)
    const cli = await openCliService(io)
    try {
      const plan = await makePlan(cli, io, values)
      if (values.json === true)
        io.out(JSON.stringify({ hosts: plan.hosts.map((h) => ({ host: h.host, changes: h.changes })) }))
      else printPlan(plan, (l) => io.out(l), cliLanguage(io.env))
      return 0
    } catch (error) {
      if (error instanceof CliServiceError) {
        printFailure(io, error.error)
        return 1
      }
      throw error
    } finally {
      await cli.close()
    }
  },
}

/** `apply --profile P --yes [--json]`. */
export const applyCommand: CliCommand = {
  name: 'apply',
  usage:
    'apply --profile P --yes [--json] [--start-without-keys] [--update-images] [--update-repo] [--checks FILE]',
  async run(args, io) {
    const { values } = parseOptions(args, { ...planFlags, yes: { type: 'boolean' } })
    const cli = await openCliService(io)
    try {
      const plan = await makePlan(cli, io, values)
      const outcome = await confirmAndApply(cli, io, plan, {
        yes: values.yes === true,
        json: values.json === true,
        runPrefix: 'apply',
      })
      return outcome.exitCode
    } catch (error) {
      if (error instanceof CliServiceError) {
        printFailure(io, error.error)
        return 1
      }
      throw error
    } finally {
      await cli.close()
    }
  },
}

/** `ps --profile P [--json]`. */
export const psCommand: CliCommand = {
  name: 'ps',
  usage: 'ps --profile P [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { profile: { type: 'string' }, json: { type: 'boolean' } })
    const cli = await openCliService(io)
    try {
      const profile = await cli.resolveProfile(requireProfile(values.profile, io))
      const out = unwrap(await cli.service.invoke('listContainers', { profileId: profile.id }))
      if (values.json === true) io.out(JSON.stringify(out))
      else {
        io.out(['HOST', 'SERVICE', 'STATE', 'HEALTH', 'RESTARTS', 'EXIT', 'IMAGE'].join('\t'))
        for (const c of out.containers)
          io.out(
            [
              c.host,
              c.service || c.name,
              c.state,
              c.health ?? '-',
              c.restartCount,
              c.exitCode ?? '-',
              c.image,
            ].join('\t'),
          )
      }
      for (const e of out.errors) io.err(`${e.hostId}: ${e.message}`)
      return out.errors.length > 0 ? 1 : 0
    } catch (error) {
      if (error instanceof CliServiceError) {
        printFailure(io, error.error)
        return 1
      }
      throw error
    } finally {
      await cli.close()
    }
  },
}

/** `logs --profile P --host H [--service S] [--follow] [--tail N]`. */
export const logsCommand: CliCommand = {
  name: 'logs',
  usage: 'logs --profile P --host H [--service S] [--follow] [--tail N]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      host: { type: 'string' },
      service: { type: 'string' },
      follow: { type: 'boolean' },
      tail: { type: 'string' },
    })
    if (values.host === undefined) throw new CliUsageError(textsFor(io.env)('cli.deploy.hostRequired'))
    const tail = values.tail !== undefined ? Number(values.tail) : undefined
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0))
      throw new CliUsageError(textsFor(io.env)('cli.deploy.tailNumber'))
    const cli = await openCliService(io)
    const runId = newRunId('logs')
    const onSigint = (): void => cli.service.cancel(runId)
    process.once('SIGINT', onSigint)
    try {
      const profile = await cli.resolveProfile(requireProfile(values.profile, io))
      const stop = followRun(cli, io, runId, (e) => {
        if (e.kind !== 'log') return
        const batch: readonly LogLine[] | undefined = (e.data as Partial<LogBatch> | undefined)?.lines
        if (batch !== undefined) for (const l of batch) io.out(`${l.service} | ${l.line}`)
        else io.out(`${e.stepId} | ${e.detail ?? ''}`)
      })
      try {
        const r = await cli.service.invoke(
          'streamLogs',
          {
            profileId: profile.id,
            hostId: values.host,
            ...(values.service ? { service: values.service } : {}),
            ...(tail !== undefined ? { tail } : {}),
            follow: values.follow === true,
          },
          { runId },
        )
        if (!r.ok && r.error.code !== 'CANCELLED') {
          printFailure(io, r.error)
          return 1
        }
      } finally {
        stop()
      }
      return 0
    } finally {
      process.removeListener('SIGINT', onSigint)
      await cli.close()
    }
  },
}
