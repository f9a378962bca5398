import type { ApplyResult, DeployChange, DeployPlan } from '../../shared/deploy'
import { renderDeployText } from '../../core/deploy/texts'
import type { Language } from '../../shared/settings'
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

const planFlags = {
  profile: { type: 'string' },
  json: { type: 'boolean' },
  'start-without-keys': { type: 'boolean' },
  'update-images': { type: 'boolean' },
  'update-repo': { type: 'boolean' },
  'wait-seconds': { type: 'string' },
} as const

const planHelp = `Options:
  --profile P            saved profile (id or name) or profile file
  --json                 print {"hosts":[{"host":…,"changes":[…]}]}; every "changes" is [] when nothing is to do
  --start-without-keys   start api, proxy and the rest although the keys (step 3) are not there yet
  --update-images        pull images again although they are present
  --update-repo          fetch the ref again in existing clean clones
  --wait-seconds N       how long to wait for each container to run (default 120)
Environment:
  GHW_KEYRING_PASSWORD   the keyring password written into the network server's config.env (never a flag)
  GHW_USER_DATA_DIR      the data folder (profiles, journal)`

function requireProfile(value: string | undefined): string {
  if (value === undefined || value === '') throw new CliUsageError('--profile is required')
  return value
}

/** Plans with the flags given; the keyring password from the environment is held for the session first. */
async function makePlan(
  cli: CliService,
  io: CliIo,
  values: Record<string, string | boolean | undefined>,
): Promise<DeployPlan> {
  const profile = await cli.resolveProfile(requireProfile(values.profile as string | undefined))
  const password = io.env.GHW_KEYRING_PASSWORD
  if (password !== undefined && password !== '') {
    unwrap(await cli.service.invoke('holdKeyringPassword', { profileId: profile.id, password }))
  }
  const wait = values['wait-seconds']
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
      },
      { runId },
    ),
  )
}

function changeLine(c: DeployChange, language: Language): string {
  return `  ${c.kind === 'blocked' ? '!' : '-'} ${renderDeployText(c.summary, language)}`
}

/** Prints a plan for people: per host its changes (diffs of files indented), notices, or "nothing to change". */
export function printPlan(io: CliIo, plan: DeployPlan, print: (line: string) => void = (l) => io.out(l)): void {
  const language = cliLanguage(io.env)
  for (const host of plan.hosts) {
    print(`${host.host}:`)
    for (const notice of host.notices) print(`  note: ${renderDeployText(notice, language)}`)
    if (host.changes.length === 0) print('  nothing to change')
    for (const step of host.steps) {
      print(` ${renderDeployText(step.title, language)} [${step.actionId}]`)
      for (const c of step.changes) {
        print(changeLine(c, language))
        if (c.kind === 'file' && c.diff !== '')
          for (const l of c.diff.split('\n')) if (!l.startsWith('  ')) print(`      ${l}`)
      }
    }
  }
}

/** `plan --profile P [--json]`. */
export const planCommand: CliCommand = {
  name: 'plan',
  usage: 'plan --profile P [--json] [--start-without-keys] [--update-images] [--update-repo]',
  summary: 'Show what a deployment would change on every server (nothing is written)',
  help: planHelp,
  async run(args, io) {
    const { values } = parseOptions(args, planFlags)
    const cli = await openCliService(io)
    try {
      const plan = await makePlan(cli, io, values)
      if (values.json === true)
        io.out(JSON.stringify({ hosts: plan.hosts.map((h) => ({ host: h.host, changes: h.changes })) }))
      else printPlan(io, plan)
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

/** Asks on a terminal whether to apply; false (refused) when stdin is not a terminal. */
export async function confirm(io: CliIo): Promise<boolean> {
  const stdin = io.stdin as NodeJS.ReadableStream & { isTTY?: boolean }
  if (stdin.isTTY !== true) return false
  io.err('Apply this plan? [y/N] ')
  const answer = await new Promise<string>((resolve) => {
    stdin.once('data', (d: Buffer | string) => resolve(String(d)))
  })
  return /^y(es)?$/i.test(answer.trim())
}

/** `apply --profile P --yes [--json]`. */
export const applyCommand: CliCommand = {
  name: 'apply',
  usage: 'apply --profile P --yes [--json] [--start-without-keys] [--update-images] [--update-repo]',
  summary: 'Plan, then apply the plan on every server (clone, config.env, images, docker compose up)',
  help: `${planHelp}
  --yes                  apply without asking (without it: asks on a terminal, refuses otherwise)
Exit codes: 0 when every action is done and every container runs; 1 when a step failed (the host, the
step and the reason are printed); 2 for a usage error or a refused confirmation.`,
  async run(args, io) {
    const { values } = parseOptions(args, { ...planFlags, yes: { type: 'boolean' } })
    const cli = await openCliService(io)
    try {
      const plan = await makePlan(cli, io, values)
      printPlan(io, plan, (l) => io.err(l))
      if (values.yes !== true && !(await confirm(io))) {
        io.err('Not applied: pass --yes (or answer y on a terminal).')
        return 2
      }
      const runId = newRunId('apply')
      const stop = followRun(cli, io, runId, (e) => {
        if (e.kind === 'log') io.err(`[${e.stepId}] ${e.detail ?? ''}`)
        else if (e.kind !== 'progress') io.err(`[${e.stepId}] ${e.kind}${e.detail ? `: ${e.detail}` : ''}`)
      })
      let result: ApplyResult
      try {
        result = unwrap(await cli.service.invoke('applyPlan', { planId: plan.planId }, { runId }))
      } finally {
        stop()
      }
      const hostName = new Map(plan.hosts.map((h) => [h.hostId, h.host]))
      if (values.json === true) {
        io.out(
          JSON.stringify({
            ok: result.ok,
            actions: result.actions.map((a) => ({
              host: hostName.get(a.hostId) ?? a.hostId,
              step: a.actionId,
              outcome: a.outcome,
              ...(a.reason ? { reason: a.reason } : {}),
            })),
          }),
        )
      }
      for (const a of result.actions.filter((x) => x.outcome === 'failed')) {
        io.err(
          `Failed on ${hostName.get(a.hostId) ?? a.hostId}, step ${a.actionId}: ${a.reason ?? 'unknown reason'}`,
        )
      }
      if (values.json !== true)
        io.out(result.ok ? 'Applied: every step is done.' : 'Not everything was applied (see above).')
      return result.ok ? 0 : 1
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
  summary: 'List the containers on every server (state, health, restarts, exit code)',
  help: `Options:
  --profile P   saved profile (id or name) or profile file
  --json        print {"containers":[…],"errors":[…]}
Exit code 1 when a server could not be read.`,
  async run(args, io) {
    const { values } = parseOptions(args, { profile: { type: 'string' }, json: { type: 'boolean' } })
    const cli = await openCliService(io)
    try {
      const profile = await cli.resolveProfile(requireProfile(values.profile))
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
  summary: 'Print (or follow) the logs of one server’s containers, prefixed with the service',
  help: `Options:
  --profile P   saved profile (id or name) or profile file
  --host H      the server (id or name)
  --service S   one compose service (default: every compose container on the host)
  --follow      keep streaming until interrupted (Ctrl-C)
  --tail N      lines of history per container (default 200)`,
  async run(args, io) {
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      host: { type: 'string' },
      service: { type: 'string' },
      follow: { type: 'boolean' },
      tail: { type: 'string' },
    })
    if (values.host === undefined) throw new CliUsageError('--host is required')
    const tail = values.tail !== undefined ? Number(values.tail) : undefined
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0))
      throw new CliUsageError('--tail takes a whole number')
    const cli = await openCliService(io)
    const runId = newRunId('logs')
    const onSigint = (): void => cli.service.cancel(runId)
    process.once('SIGINT', onSigint)
    try {
      const profile = await cli.resolveProfile(requireProfile(values.profile))
      const stop = followRun(cli, io, runId, (e) => {
        if (e.kind === 'log') io.out(`${e.stepId} | ${e.detail ?? ''}`)
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
