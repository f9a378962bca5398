import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { DeployPlan, I18nText } from '../../shared/deploy'
import type { ProgressEvent } from '../../shared/progress'
import type { ServerKeysStatus } from '../../shared/server-keys'
import { renderDeployText } from '../../core/deploy/texts'
import { permissionName } from '../../core/gonka/server-keys'
import { networkServerOf } from '../../core/gonka/nodes-view'
import { cliLanguage } from '../language'
import { confirmAndApply, EXIT, type PlanApplyOutcome } from '../plan-apply'
import { textsFor } from '../texts'
import {
  CliServiceError,
  followRun,
  newRunId,
  openCliService,
  printFailure,
  unwrap,
  type CliService,
} from '../cli-service'
import { CliUsageError, parseOptions, type CliCommand, type CliIo } from '../io'

function requireProfile(value: string | undefined, io: CliIo): string {
  if (value === undefined || value === '')
    throw new CliUsageError(textsFor(io.env)('cli.common.profileMissing'))
  return value
}

function seconds(value: string | undefined, flag: string, io: CliIo): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 86_400)
    throw new CliUsageError(textsFor(io.env)('cli.serverKeys.wholeSeconds', { flag }))
  return n
}

/** Step 3's progress on stderr: logs, each step's title, starts and ends. */
function keysEvent(e: ProgressEvent, io: CliIo): void {
  const language = cliLanguage(io.env)
  if (e.kind === 'log') io.err(`[${e.stepId}] ${e.detail ?? ''}`)
  else if (e.kind === 'progress') {
    const title = (e.data as { title?: I18nText } | undefined)?.title
    if (title) io.err(`[${e.stepId}] ${renderDeployText(title, language)}`)
  } else io.err(`[${e.stepId}] ${e.kind}${e.detail ? `: ${e.detail}` : ''}`)
}

/**
 * Plans the given steps, then the shared plan → confirm (or --yes) → apply path of every writing
 * command (../plan-apply): the same plan, question, progress, "Failed on HOST, step STEP: REASON" and
 * exit codes as `apply`. The `--json` line is printed by the caller with its own fields added.
 */
async function planAndApply(
  cli: CliService,
  io: CliIo,
  input: { profileId: string; steps: Array<'backup' | 'warm' | 'register'>; registerWaitSeconds?: number },
  flags: { yes: boolean; json: boolean },
): Promise<{ plan: DeployPlan; outcome: PlanApplyOutcome }> {
  const plan = unwrap(await cli.service.invoke('planServerKeys', input, { runId: newRunId('keys-plan') }))
  const outcome = await confirmAndApply(cli, io, plan, {
    yes: flags.yes,
    json: flags.json,
    printJson: false,
    runPrefix: 'keys-apply',
    onEvent: keysEvent,
  })
  return { plan, outcome }
}

/** True when the confirmation was refused or the apply cancelled: the command ends there (exit 2 or 130). */
function stopped(outcome: PlanApplyOutcome): boolean {
  return outcome.exitCode === EXIT.notConfirmed || outcome.exitCode === EXIT.cancelled
}

function blocked(plan: DeployPlan): boolean {
  return plan.hosts.some((h) => h.changes.some((c) => c.kind === 'blocked'))
}

async function withCli(io: CliIo, body: (cli: CliService) => Promise<number>): Promise<number> {
  const cli = await openCliService(io)
  try {
    return await body(cli)
  } catch (error) {
    if (error instanceof CliServiceError) {
      printFailure(io, error.error)
      return 1
    }
    throw error
  } finally {
    await cli.close()
  }
}

/** `keys warm --profile P [--yes] [--json]`: backup, then the warm key once (reused when it exists). */
export async function keysWarm(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    profile: { type: 'string' },
    yes: { type: 'boolean' },
    json: { type: 'boolean' },
  })
  const profileArg = requireProfile(values.profile, io)
  return withCli(io, async (cli) => {
    const profile = await cli.resolveProfile(profileArg)
    const json = values.json === true
    const t = textsFor(io.env)
    const { plan, outcome } = await planAndApply(
      cli,
      io,
      { profileId: profile.id, steps: ['backup', 'warm'] },
      { yes: values.yes === true, json },
    )
    if (stopped(outcome)) {
      if (json) io.out(JSON.stringify(outcome.json))
      return outcome.exitCode
    }
    if (plan.empty && blocked(plan)) {
      if (json) io.out(JSON.stringify(outcome.json))
      return EXIT.failed
    }
    const result = outcome.result
    const s = unwrap(await cli.service.invoke('getServerKeysStatus', { profileId: profile.id }))
    const made =
      result?.actions.some((a) => a.actionId.endsWith('/keys/warm') && a.outcome === 'done') ?? false
    if (json)
      io.out(
        JSON.stringify({
          ...outcome.json,
          keyName: s.warm.keyName,
          state: s.warm.state,
          ...(s.warm.address ? { address: s.warm.address } : {}),
          made,
          reused: s.warm.state === 'present' && !made,
          backups: s.backups.map((b) => b.path),
        }),
      )
    else if (s.warm.state === 'present')
      io.out(
        t(made ? 'cli.keys.warmMade' : 'cli.keys.warmReused', {
          keyName: s.warm.keyName,
          address: s.warm.address ?? '',
        }).trim(),
      )
    else if (s.warm.state === 'other')
      io.out(
        t('cli.keys.warmOther', {
          keys: s.warm.keys.map((k) => `${k.name}${k.address ? ` (${k.address})` : ''}`).join(', '),
        }),
      )
    return s.warm.state === 'present' && outcome.exitCode === EXIT.ok ? EXIT.ok : EXIT.failed
  })
}

/** One archive `keys backup` saved: where, how big, from which server. */
export interface KeysBackupFile {
  readonly path: string
  readonly bytes: number
  readonly host: string
}

/**
 * `keys backup --profile P --out DIR [--name NAME] [--json]`: copies the keys backup step 3 made on the
 * network server (the newest, or NAME) into DIR, mode 0600, never over an existing file.
 */
export async function keysBackup(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    profile: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    json: { type: 'boolean' },
  })
  const profileArg = requireProfile(values.profile, io)
  if (values.out === undefined || values.out === '')
    throw new CliUsageError(textsFor(io.env)('cli.serverKeys.outRequired'))
  const name = values.name
  if (name !== undefined && !/^keys-[0-9TZ]+\.tar\.gz$/.test(name))
    throw new CliUsageError(textsFor(io.env)('cli.serverKeys.backupName'))
  const dir = resolve(values.out)
  const existing = await stat(dir).catch(() => undefined)
  if (existing !== undefined && !existing.isDirectory())
    throw new CliUsageError(textsFor(io.env)('cli.serverKeys.outIsFile', { dir }))
  const json = values.json === true
  const t = textsFor(io.env)
  return withCli(io, async (cli) => {
    const profile = await cli.resolveProfile(profileArg)
    const host = networkServerOf(profile)
    const hostName = host ? host.name || host.address : profile.name
    const r = await cli.service.invoke('downloadKeysBackup', {
      profileId: profile.id,
      to: `${dir}/`,
      exclusive: true,
      ...(name !== undefined ? { name } : {}),
    })
    if (!r.ok) {
      if (json) io.out(JSON.stringify({ files: [], error: { code: r.error.code, message: r.error.message } }))
      if (r.error.code === 'CONFLICT')
        io.err(t('cli.keysBackup.exists', { path: String(r.error.details?.path ?? dir) }))
      else if (r.error.details?.noBackup === true && name === undefined)
        io.err(t('cli.keysBackup.none', { host: hostName, profile: profileArg }))
      else {
        io.err(t('cli.keysBackup.failed', { host: hostName, reason: r.error.message }))
        if (r.error.hint) io.err(r.error.hint)
      }
      return EXIT.failed
    }
    const file: KeysBackupFile = { path: r.value.path, bytes: r.value.bytes, host: r.value.host }
    if (json) io.out(JSON.stringify({ files: [file] }))
    else io.out(t('cli.keysBackup.wrote', { ...file, name: r.value.name }))
    return EXIT.ok
  })
}

function printStatusLine(io: CliIo, s: ServerKeysStatus): void {
  if (!s.canServe)
    io.err(
      textsFor(io.env)('cli.serverKeys.cannotServe', {
        why: s.cannotServeWhy.map((w) => renderDeployText(w, cliLanguage(io.env))).join('; '),
      }),
    )
}

/** `register --profile P [--wait] [--timeout S] [--yes] [--json]`. */
export const registerCommand: CliCommand = {
  name: 'register',
  usage: 'register --profile P [--wait] [--timeout S] [--yes] [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      yes: { type: 'boolean' },
      json: { type: 'boolean' },
    })
    const profileArg = requireProfile(values.profile, io)
    const timeout = seconds(values.timeout, '--timeout', io)
    if (timeout !== undefined && values.wait !== true)
      throw new CliUsageError(textsFor(io.env)('cli.serverKeys.timeoutWithWait'))
    return withCli(io, async (cli) => {
      const profile = await cli.resolveProfile(profileArg)
      const json = values.json === true
      const t = textsFor(io.env)
      const { plan, outcome } = await planAndApply(
        cli,
        io,
        {
          profileId: profile.id,
          steps: ['backup', 'register'],
          registerWaitSeconds: values.wait === true ? (timeout ?? 600) : 20,
        },
        { yes: values.yes === true, json },
      )
      if (stopped(outcome)) {
        if (json) io.out(JSON.stringify(outcome.json))
        return outcome.exitCode
      }
      const result = outcome.result
      const s = unwrap(await cli.service.invoke('getServerKeysStatus', { profileId: profile.id }))
      const registered = s.registration.state === 'registered'
      if (json)
        io.out(
          JSON.stringify({
            ...outcome.json,
            registered,
            ...(s.registration.address ? { address: s.registration.address } : {}),
            ...(s.registration.url ? { url: s.registration.url } : {}),
            ...(s.registration.status ? { status: s.registration.status } : {}),
          }),
        )
      else
        io.out(
          registered
            ? t(s.registration.url ? 'cli.keys.registeredUrl' : 'cli.keys.registered', {
                address: s.registration.address ?? '',
                url: s.registration.url ?? '',
              })
            : t('cli.keys.notRegistered', { address: s.registration.address ?? t('cli.keys.theAccount') }),
        )
      if (registered) return 0
      if (plan.empty && blocked(plan)) return 1
      const timedOut = result?.actions.some(
        (a) => a.actionId.endsWith('/keys/register') && a.code === 'TIMEOUT',
      )
      if (timedOut && values.wait !== true) {
        io.err(t('cli.keys.sentNotConfirmed', { profile: profileArg }))
        return 3
      }
      return 1
    })
  },
}

/** `grants --profile P [--wait] [--timeout S] [--json] [--cold-key NAME]`. */
export const grantsCommand: CliCommand = {
  name: 'grants',
  usage: 'grants --profile P [--wait] [--timeout S] [--json] [--cold-key NAME]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      'cold-key': { type: 'string' },
    })
    const profileArg = requireProfile(values.profile, io)
    const timeout = seconds(values.timeout, '--timeout', io)
    if (timeout !== undefined && values.wait !== true)
      throw new CliUsageError(textsFor(io.env)('cli.serverKeys.timeoutWithWait'))
    const cold = values['cold-key']
    if (cold !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(cold))
      throw new CliUsageError(textsFor(io.env)('cli.serverKeys.coldKeyName'))
    const t = textsFor(io.env)
    return withCli(io, async (cli) => {
      const profile = await cli.resolveProfile(profileArg)
      const input = {
        profileId: profile.id,
        ...(cold !== undefined ? { coldKeyName: cold } : {}),
        ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
      }
      let s: ServerKeysStatus
      let waitError: string | undefined
      if (values.wait === true) {
        const first = unwrap(await cli.service.invoke('getServerKeysStatus', input))
        if (first.grantCommand && values.json !== true)
          io.err(`${t('cli.serverKeys.runWithColdKey')}\n  ${first.grantCommand}`)
        const runId = newRunId('grants')
        const stop = followRun(cli, io, runId, (e) => {
          const g = (e.data as ServerKeysStatus | undefined)?.grants
          if (e.kind === 'progress' && g)
            io.err(
              `[grants] ${t('cli.serverKeys.grantedProgress', { granted: g.granted.length, total: g.granted.length + g.missing.length, detail: e.detail ?? '' })}`,
            )
        })
        try {
          const r = await cli.service.invoke('waitForGrants', input, { runId })
          if (r.ok) s = r.value
          else {
            if (r.error.code !== 'TIMEOUT') throw new CliServiceError(r.error)
            waitError = r.error.message
            s = unwrap(await cli.service.invoke('getServerKeysStatus', input))
          }
        } finally {
          stop()
        }
      } else s = unwrap(await cli.service.invoke('getServerKeysStatus', input))
      const g = s.grants
      if (values.json === true) {
        io.out(
          JSON.stringify({
            complete: g?.complete === true,
            ...(g
              ? {
                  granter: g.granter,
                  grantee: g.grantee,
                  granted: g.granted,
                  missing: g.missing,
                  expiring: g.expiring,
                  feeAllowance: g.feeAllowance,
                }
              : {
                  error: s.grantsError ?? (s.warm.address ? 'grants unreadable' : 'no warm key address yet'),
                }),
            ...(s.grantCommand ? { grantCommand: s.grantCommand } : {}),
          }),
        )
      } else {
        if (s.grantCommand && values.wait !== true)
          io.out(`${t('cli.serverKeys.runWithColdKey')}\n  ${s.grantCommand}`)
        if (g) {
          io.out(
            t('cli.serverKeys.granted', {
              granted: g.granted.length,
              total: g.granted.length + g.missing.length,
            }),
          )
          if (g.missing.length)
            io.out(t('cli.serverKeys.missing', { list: g.missing.map(permissionName).join(', ') }))
          for (const e of g.expiring)
            io.out(t('cli.serverKeys.expiring', { name: permissionName(e.msg), at: e.expiration }))
          io.out(t('cli.serverKeys.feeAllowance', { allowance: g.feeAllowance }))
        } else
          io.out(
            t('cli.serverKeys.grantsUnreadable', {
              reason:
                s.grantsError ?? t(s.warm.address ? 'cli.serverKeys.unknown' : 'cli.serverKeys.noWarmKey'),
            }),
          )
      }
      if (waitError) io.err(waitError)
      printStatusLine(io, s)
      return g?.complete === true ? 0 : 1
    })
  },
}
