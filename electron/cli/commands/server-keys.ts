import type { ApplyResult, DeployPlan } from '../../shared/deploy'
import type { ServerKeysStatus } from '../../shared/server-keys'
import { renderDeployText } from '../../core/deploy/texts'
import { permissionName } from '../../core/gonka/server-keys'
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
import { confirm, printPlan } from './deploy'

function requireProfile(value: string | undefined): string {
  if (value === undefined || value === '') throw new CliUsageError('--profile is required')
  return value
}

function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 86_400)
    throw new CliUsageError(`${flag} takes whole seconds (1–86400)`)
  return n
}

/** Plans the given steps, shows the plan on stderr, asks (or --yes), applies; true when every step is done. */
async function planAndApply(
  cli: CliService,
  io: CliIo,
  input: { profileId: string; steps: Array<'backup' | 'warm' | 'register'>; registerWaitSeconds?: number },
  yes: boolean,
): Promise<{ plan: DeployPlan; result?: ApplyResult; refused?: boolean }> {
  const plan = unwrap(await cli.service.invoke('planServerKeys', input, { runId: newRunId('keys-plan') }))
  printPlan(io, plan, (l) => io.err(l))
  if (plan.empty) return { plan }
  if (!yes && !(await confirm(io))) return { plan, refused: true }
  const runId = newRunId('keys-apply')
  const stop = followRun(cli, io, runId, (e) => {
    if (e.kind === 'log') io.err(`[${e.stepId}] ${e.detail ?? ''}`)
    else if (e.kind === 'progress') {
      const title = (e.data as { title?: { key: string } } | undefined)?.title
      if (title) io.err(`[${e.stepId}] ${renderDeployText(title)}`)
    } else io.err(`[${e.stepId}] ${e.kind}${e.detail ? `: ${e.detail}` : ''}`)
  })
  try {
    const result = unwrap(await cli.service.invoke('applyPlan', { planId: plan.planId }, { runId }))
    for (const a of result.actions.filter((x) => x.outcome === 'failed'))
      io.err(`Failed: ${a.actionId}: ${a.reason ?? 'unknown reason'}`)
    return { plan, result }
  } finally {
    stop()
  }
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
  const profileArg = requireProfile(values.profile)
  return withCli(io, async (cli) => {
    const profile = await cli.resolveProfile(profileArg)
    const { plan, result, refused } = await planAndApply(
      cli,
      io,
      { profileId: profile.id, steps: ['backup', 'warm'] },
      values.yes === true,
    )
    if (refused) {
      io.err('Not applied: pass --yes (or answer y on a terminal).')
      return 2
    }
    if (plan.empty && blocked(plan)) return 1
    const s = unwrap(await cli.service.invoke('getServerKeysStatus', { profileId: profile.id }))
    const made =
      result?.actions.some((a) => a.actionId.endsWith('/keys/warm') && a.outcome === 'done') ?? false
    if (values.json === true)
      io.out(
        JSON.stringify({
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
        `${made ? 'Made' : 'Reused (it exists already)'}: warm key ${s.warm.keyName} ${s.warm.address ?? ''}`.trim(),
      )
    else if (s.warm.state === 'other')
      io.out(
        `The keyring holds ${s.warm.keys.map((k) => `${k.name}${k.address ? ` (${k.address})` : ''}`).join(', ')}; ` +
          `no second key is made. Set KEY_NAME to it (step 4) to use it.`,
      )
    return s.warm.state === 'present' && (result?.ok ?? true) ? 0 : 1
  })
}

function printStatusLine(io: CliIo, s: ServerKeysStatus): void {
  if (!s.canServe)
    io.err(`The host cannot serve yet: ${s.cannotServeWhy.map((w) => renderDeployText(w)).join('; ')}.`)
}

/** `register --profile P [--wait] [--timeout S] [--yes] [--json]`. */
export const registerCommand: CliCommand = {
  name: 'register',
  usage: 'register --profile P [--wait] [--timeout S] [--yes] [--json]',
  summary: 'Register the account with the network from the api container; confirmed only on the seed',
  help: `Runs \`register-new-participant <PUBLIC_URL> <ACCOUNT_PUBKEY> --node-address <seed>\` in the api
container (after tmkms and node run), through a plan like \`apply\` (a keys backup comes first when the
keys changed). Its exit status means nothing upstream: the registration counts only when
<seed>/v2/participants/<address> shows the participant.
Options:
  --profile P   saved profile (id or name) or profile file
  --wait        wait until the seed shows the participant (default up to 600 s, --timeout S)
  --timeout S   seconds to wait with --wait
  --yes         apply without asking (without it: asks on a terminal, refuses otherwise)
  --json        print {"registered":bool,"address":"gonka1…","url"?:…,"status"?:…}
Exit codes: 0 registered (the seed shows it); 1 failed, blocked, or not shown in time (the known causes
are printed: registration closed or allowlisted, the account exists already — a repeat never updates the
URL, use \`inferenced tx inference submit-new-participant\` — or the account holds GNK but never sent a
transaction); 2 wrong usage or a refused confirmation; 3 sent but not confirmed yet (no --wait).`,
  async run(args, io) {
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      yes: { type: 'boolean' },
      json: { type: 'boolean' },
    })
    const profileArg = requireProfile(values.profile)
    const timeout = seconds(values.timeout, '--timeout')
    if (timeout !== undefined && values.wait !== true) throw new CliUsageError('--timeout goes with --wait')
    return withCli(io, async (cli) => {
      const profile = await cli.resolveProfile(profileArg)
      const { plan, result, refused } = await planAndApply(
        cli,
        io,
        {
          profileId: profile.id,
          steps: ['backup', 'register'],
          registerWaitSeconds: values.wait === true ? (timeout ?? 600) : 20,
        },
        values.yes === true,
      )
      if (refused) {
        io.err('Not applied: pass --yes (or answer y on a terminal).')
        return 2
      }
      const s = unwrap(await cli.service.invoke('getServerKeysStatus', { profileId: profile.id }))
      const registered = s.registration.state === 'registered'
      if (values.json === true)
        io.out(
          JSON.stringify({
            registered,
            ...(s.registration.address ? { address: s.registration.address } : {}),
            ...(s.registration.url ? { url: s.registration.url } : {}),
            ...(s.registration.status ? { status: s.registration.status } : {}),
          }),
        )
      else
        io.out(
          registered
            ? `Registered: the seed shows ${s.registration.address ?? ''}${s.registration.url ? ` (${s.registration.url})` : ''}.`
            : `Not registered: the seed does not show ${s.registration.address ?? 'the account'}.`,
        )
      if (registered) return 0
      if (plan.empty && blocked(plan)) return 1
      const timedOut = result?.actions.some(
        (a) => a.actionId.endsWith('/keys/register') && a.code === 'TIMEOUT',
      )
      if (timedOut && values.wait !== true) {
        io.err('Sent, not confirmed yet: run `register --profile P --wait` to wait for the seed.')
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
  summary: 'Show the grant command for the cold key, and whether the chain shows every grant',
  help: `Prints the exact \`inferenced tx inference grant-ml-ops-permissions …\` command to run on the
secure machine that holds the cold key (filled in: cold key name, warm address, --node <seed>/chain-rpc/,
gas), then reads <seed>/chain-api/cosmos/authz/v1beta1/grants?granter=&grantee= and the fee allowance.
Options:
  --profile P       saved profile (id or name) or profile file
  --wait            poll until every permission and the fee allowance are granted (default 600 s)
  --timeout S       seconds to wait with --wait
  --cold-key NAME   the cold key's name in that keyring (default gonka-account-key)
  --json            print {"complete":bool,"granter","grantee","granted":[…],"missing":[…],
                    "expiring":[{"msg","expiration"}],"feeAllowance":"present|missing|expiring",
                    "grantCommand":"…"} ("error" instead of the grant fields when they cannot be read)
Exit codes: 0 every permission granted and not expiring, fee allowance present; 1 something is missing,
expiring or unreadable (named), or not complete in time with --wait; 2 wrong usage.`,
  async run(args, io) {
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      'cold-key': { type: 'string' },
    })
    const profileArg = requireProfile(values.profile)
    const timeout = seconds(values.timeout, '--timeout')
    if (timeout !== undefined && values.wait !== true) throw new CliUsageError('--timeout goes with --wait')
    const cold = values['cold-key']
    if (cold !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(cold))
      throw new CliUsageError('--cold-key takes a key name (letters, digits, . _ -)')
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
          io.err(`Run with the cold key:\n  ${first.grantCommand}`)
        const runId = newRunId('grants')
        const stop = followRun(cli, io, runId, (e) => {
          const g = (e.data as ServerKeysStatus | undefined)?.grants
          if (e.kind === 'progress' && g)
            io.err(
              `[grants] ${g.granted.length}/${g.granted.length + g.missing.length} granted (${e.detail ?? ''})`,
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
        if (s.grantCommand && values.wait !== true) io.out(`Run with the cold key:\n  ${s.grantCommand}`)
        if (g) {
          io.out(`granted: ${g.granted.length} of ${g.granted.length + g.missing.length}`)
          if (g.missing.length) io.out(`missing: ${g.missing.map(permissionName).join(', ')}`)
          for (const e of g.expiring) io.out(`expiring: ${permissionName(e.msg)} on ${e.expiration}`)
          io.out(`fee allowance: ${g.feeAllowance}`)
        } else
          io.out(
            `grants: cannot be read (${s.grantsError ?? (s.warm.address ? 'unknown' : 'no warm key yet: run keys warm')})`,
          )
      }
      if (waitError) io.err(waitError)
      printStatusLine(io, s)
      return g?.complete === true ? 0 : 1
    })
  },
}
