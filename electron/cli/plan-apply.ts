// The one way a CLI command shows a plan of the deploy engine, gets it approved and applies it:
// `apply`, `nodes add|…`, and any later writing command (keys, bundle import) use it so that every
// writing command prints the same plan, asks the same question, follows the same progress and ends
// with the same exit codes and `--json` shape.
import type { ApplyResult, DeployChange, DeployPlan } from '../shared/deploy'
import type { ProgressEvent } from '../shared/progress'
import { renderDeployText } from '../core/deploy/texts'
import { followRun, newRunId, unwrap, type CliService } from './cli-service'
import type { CliIo } from './io'
import type { Language } from '../shared/settings'
import { cliLanguage } from './language'
import { cliText, isYes, textsFor } from './texts'

/** Exit codes every writing command uses. */
export const EXIT = {
  /** Every action done (or nothing to do). */
  ok: 0,
  /** An action failed or was refused (blocked); the host, the step and the reason are printed. */
  failed: 1,
  /** Wrong usage, or the confirmation was refused / impossible (no terminal, no --yes). */
  notConfirmed: 2,
  /** Cancelled (Ctrl-C) while applying; an apply run again resumes. */
  cancelled: 130,
} as const

function changeLine(c: DeployChange, language: Language): string {
  return `  ${c.kind === 'blocked' ? '!' : '-'} ${renderDeployText(c.summary, language)}`
}

/**
 * Prints a plan for people in the CLI's language (see ./language): per host its changes (diffs of
 * files indented), notices, or "nothing to change".
 */
export function printPlan(plan: DeployPlan, print: (line: string) => void, language: Language = 'en'): void {
  for (const host of plan.hosts) {
    print(`${host.host}:`)
    for (const notice of host.notices)
      print(`  ${cliText(language, 'cli.plan.note', { text: renderDeployText(notice, language) })}`)
    if (host.changes.length === 0) print(`  ${cliText(language, 'cli.plan.hostNothing')}`)
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

/**
 * Asks on a terminal whether to apply (the question in the CLI's language); false (refused) when stdin
 * is not a terminal, so a script without `--yes` never hangs and never applies. y/yes in any language,
 * 是 and да mean yes.
 */
export async function confirm(
  io: CliIo,
  question = cliText(cliLanguage(io.env), 'cli.plan.question'),
): Promise<boolean> {
  const stdin = io.stdin as NodeJS.ReadableStream & { isTTY?: boolean }
  if (stdin.isTTY !== true && io.terminal !== true) return false
  io.err(question)
  const answer = await new Promise<string>((resolve) => {
    const onData = (d: Buffer | string): void => {
      stdin.removeListener('end', onEnd)
      resolve(String(d))
    }
    const onEnd = (): void => {
      stdin.removeListener('data', onData)
      resolve('')
    }
    stdin.once('data', onData)
    stdin.once('end', onEnd)
  })
  stdin.pause?.()
  return isYes(answer)
}

/** One action of the `--json` answer. */
export interface PlanApplyJsonAction {
  readonly host: string
  readonly step: string
  readonly outcome: string
  readonly reason?: string
}

/** The `--json` answer of every writing command (one line on stdout). */
export interface PlanApplyJson {
  readonly ok: boolean
  readonly planEmpty: boolean
  readonly actions: readonly PlanApplyJsonAction[]
  /** Why the plan cannot be applied (English texts), when `refuseBlocked` refused it. */
  readonly blocked: readonly string[]
  readonly notices: readonly string[]
  readonly cancelled?: boolean
}

/** How {@link confirmAndApply} behaves for one command. */
export interface PlanApplyOptions {
  /** `--yes`: apply without asking. */
  readonly yes: boolean
  /** `--json`: one {@link PlanApplyJson} line on stdout, the plan and progress on stderr. */
  readonly json: boolean
  /**
   * Refuse the whole plan (exit 1, nothing applied) when a step is blocked. Otherwise the engine runs
   * what it can and refuses only the blocked actions (and those after them), which then count as failed.
   */
  readonly refuseBlocked?: boolean
  /** Do not apply a plan that has no change (exit 0, "nothing to change"). Default true. */
  readonly skipEmpty?: boolean
  /** Prefix of the apply's run id. */
  readonly runPrefix?: string
  /** Printed (not in --json) when everything is done; already in the CLI's language. Default "Applied: …". */
  readonly doneMessage?: string
  /** Printed (not in --json) when the plan is empty; already in the CLI's language. Default "Nothing to change: …". */
  readonly emptyMessage?: string
  /**
   * Print the {@link PlanApplyJson} line with `--json` (default true). A command that adds its own
   * documented fields passes false and prints `{...outcome.json, ...its fields}` itself.
   */
  readonly printJson?: boolean
  /** Each progress event of the apply; default: `[step] kind: detail` on stderr, logs included. */
  readonly onEvent?: (event: ProgressEvent, io: CliIo) => void
  /** Where the process's Ctrl-C is hooked (tests pass their own); default `process`. */
  readonly signals?: Pick<NodeJS.Process, 'once' | 'removeListener'>
}

/** The outcome of {@link confirmAndApply}: the exit code, and the apply's result when it ran. */
export interface PlanApplyOutcome {
  readonly exitCode: number
  readonly result?: ApplyResult
  readonly json: PlanApplyJson
}

function defaultEvent(event: ProgressEvent, io: CliIo): void {
  if (event.kind === 'progress') return
  if (event.kind === 'log') io.err(`[${event.stepId}] ${event.detail ?? ''}`)
  else io.err(`[${event.stepId}] ${event.kind}${event.detail ? `: ${event.detail}` : ''}`)
}

/**
 * Prints `plan` (stderr), refuses it when blocked (with `refuseBlocked`), asks for confirmation unless
 * `--yes`, applies it through the service following progress, cancels on Ctrl-C, prints every failed
 * action as "Failed on HOST, step STEP: REASON" and maps the result to {@link EXIT} codes and, with
 * `--json`, one {@link PlanApplyJson} line on stdout. Failures of the service itself are thrown
 * (`CliServiceError`) for the command's usual handling.
 */
export async function confirmAndApply(
  cli: Pick<CliService, 'service'>,
  io: CliIo,
  plan: DeployPlan,
  options: PlanApplyOptions,
): Promise<PlanApplyOutcome> {
  const language = cliLanguage(io.env)
  const t = textsFor(io.env)
  printPlan(plan, (l) => io.err(l), language)
  const hostName = new Map(plan.hosts.map((h) => [h.hostId, h.host]))
  const nameOf = (hostId: string): string => hostName.get(hostId) ?? hostId
  const notices = plan.hosts.flatMap((h) => h.notices).map((n) => renderDeployText(n))
  const blockedSteps = plan.hosts.flatMap((h) =>
    h.steps.flatMap((s) =>
      s.changes
        .filter((c) => c.kind === 'blocked')
        .map((c) => ({
          host: h.host,
          step: s.actionId,
          text: renderDeployText(c.summary),
          shown: renderDeployText(c.summary, language),
        })),
    ),
  )
  const finish = (
    exitCode: number,
    json: Omit<PlanApplyJson, 'planEmpty' | 'notices'>,
    result?: ApplyResult,
  ) => {
    const full: PlanApplyJson = { ...json, planEmpty: plan.empty, notices }
    if (options.json && options.printJson !== false) io.out(JSON.stringify(full))
    return { exitCode, json: full, ...(result ? { result } : {}) }
  }

  if (options.refuseBlocked === true && blockedSteps.length > 0) {
    for (const b of blockedSteps)
      io.err(
        t('cli.plan.refused', {
          host: b.host,
          step: b.step,
          reason: b.shown,
        }),
      )
    return finish(EXIT.failed, { ok: false, actions: [], blocked: blockedSteps.map((b) => b.text) })
  }
  if (plan.empty && options.skipEmpty !== false) {
    if (!options.json) io.out(options.emptyMessage ?? t('cli.plan.nothingToChange'))
    return finish(EXIT.ok, { ok: true, actions: [], blocked: [] })
  }
  if (!options.yes && !(await confirm(io))) {
    io.err(t('cli.plan.notConfirmed'))
    return finish(EXIT.notConfirmed, { ok: false, actions: [], blocked: [] })
  }

  const runId = newRunId(options.runPrefix ?? 'apply')
  const onEvent = options.onEvent ?? defaultEvent
  const stop = followRun(cli, io, runId, (e) => onEvent(e, io))
  const signals = options.signals ?? process
  let cancelled = false
  const onSigint = (): void => {
    cancelled = true
    io.err(t('cli.plan.cancelling'))
    cli.service.cancel(runId)
  }
  signals.once('SIGINT', onSigint)
  let result: ApplyResult
  try {
    result = unwrap(await cli.service.invoke('applyPlan', { planId: plan.planId }, { runId }))
  } finally {
    signals.removeListener('SIGINT', onSigint)
    stop()
  }
  for (const a of result.actions.filter((x) => x.outcome === 'failed'))
    io.err(
      t('cli.plan.failed', {
        host: nameOf(a.hostId),
        step: a.actionId,
        reason: a.reason ?? t('cli.plan.unknownReason'),
      }),
    )
  const wasCancelled = cancelled || result.actions.some((a) => a.outcome === 'cancelled')
  if (!options.json) {
    if (result.ok) io.out(options.doneMessage ?? t('cli.plan.done'))
    else if (wasCancelled) io.out(t('cli.plan.cancelled'))
    else io.out(t('cli.plan.partial'))
  }
  const actions = result.actions.map((a) => ({
    host: nameOf(a.hostId),
    step: a.actionId,
    outcome: a.outcome,
    ...(a.reason ? { reason: a.reason } : {}),
  }))
  return finish(
    result.ok ? EXIT.ok : wasCancelled ? EXIT.cancelled : EXIT.failed,
    { ok: result.ok, actions, blocked: [], ...(wasCancelled ? { cancelled: true } : {}) },
    result,
  )
}
