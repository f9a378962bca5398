import type { HostStatus } from '../../shared/nodes'
import { statusChanges } from '../../core/gonka/host-status'
import { openCliService, unwrap } from '../cli-service'
import { CliUsageError, parseOptions, type CliCommand } from '../io'
import { textsFor } from '../texts'

/** Seconds between reads with --watch (the api caches its report for 60 s). */
const WATCH_SECONDS = 60

function printStatus(s: HostStatus, out: (line: string) => void, t: ReturnType<typeof textsFor>): void {
  out(t('cli.status.header', { checkedAt: s.checkedAt, server: s.networkServerId }))
  if (s.report) {
    out(t('cli.status.report', { overall: s.report.overall }))
    for (const c of s.report.checks) out(`  ${c.status.padEnd(11)} ${c.id}: ${c.message}`)
    for (const r of s.report.recommendations) out(`  → ${r}`)
  }
  if (s.sync) {
    const parts = [
      s.sync.localHeight !== undefined
        ? t('cli.status.height', { height: s.sync.localHeight })
        : t('cli.status.heightUnknown'),
      s.sync.seedHeight !== undefined ? t('cli.status.seed', { height: s.sync.seedHeight }) : undefined,
      s.sync.behind !== undefined
        ? `${t('cli.status.behind', { blocks: s.sync.behind })}${s.sync.catchingUp ? t('cli.status.catchingUp') : ''}`
        : undefined,
      s.sync.secondsSinceBlock !== undefined
        ? t('cli.status.lastBlock', { seconds: s.sync.secondsSinceBlock })
        : undefined,
    ].filter(Boolean)
    out(t('cli.status.chain', { parts: parts.join(t('cli.status.separator')) }))
  }
  if (s.participant)
    out(
      s.participant.found
        ? `${t('cli.status.participant', { address: s.address ?? '', status: s.participant.status ?? '' })}${s.participant.inferenceUrl ? `, ${s.participant.inferenceUrl}` : ''}`
        : t('cli.status.participantNotFound', { address: s.address ?? '' }),
    )
  if (s.epoch)
    out(
      `${t('cli.status.epoch', { index: s.epoch.index ?? '?', phase: s.epoch.phase ?? '?', block: s.epoch.nextPocBlock ?? '?' })}${s.epoch.nextPocAt ? t('cli.status.about', { at: s.epoch.nextPocAt }) : ''}`,
    )
  if (s.activeSet)
    out(
      s.activeSet.active
        ? t('cli.status.activeYes', { weight: s.activeSet.weight ?? '?' })
        : t('cli.status.activeNotYet'),
    )
  for (const n of s.nodes) {
    const gpus = n.gpus
      .map(
        (g) =>
          `${g.name} ${g.usedGb ?? '?'}/${g.totalGb ?? '?'} GB${g.utilizationPercent !== undefined ? ` ${g.utilizationPercent}%` : ''}`,
      )
      .join('; ')
    out(
      t('cli.status.mlNode', {
        id: n.id,
        health: t(
          n.healthy === undefined
            ? 'cli.status.noHealthCheck'
            : n.healthy
              ? 'cli.status.healthy'
              : 'cli.status.failing',
        ),
      }) +
        `${n.enabled === false ? t('cli.status.disabled') : ''}${n.models.length ? `, ${n.models.join(', ')}` : ''}${gpus ? `, ${gpus}` : ''}`,
    )
    if (n.healthy === false && n.message) out(`  ${n.message}`)
  }
  for (const p of s.problems) out(t('cli.status.couldNotRead', { part: p.part, message: p.message }))
}

/** `status`: "am I a working host?"; exit 0 only when the setup report passes. */
export const statusCommand: CliCommand = {
  name: 'status',
  usage: 'status --profile P [--json] [--watch]',
  async run(args, io) {
    const { values } = parseOptions(args, {
      profile: { type: 'string' },
      json: { type: 'boolean' },
      watch: { type: 'boolean' },
    })
    const t = textsFor(io.env)
    if (!values.profile) throw new CliUsageError(t('cli.common.profileRequired'))
    const cli = await openCliService(io)
    const stop = new AbortController()
    const onSignal = (): void => stop.abort()
    if (values.watch) {
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
    }
    try {
      const profile = await cli.resolveProfile(values.profile)
      let before: HostStatus | undefined
      for (;;) {
        const status = unwrap(await cli.service.invoke('getStatus', { profile }))
        if (values.json) io.out(JSON.stringify(status))
        else if (!before) printStatus(status, (line) => io.out(line), t)
        for (const change of statusChanges(before, status))
          io.err(`${new Date().toISOString()} ${change.kind}${change.nodeId ? ` ${change.nodeId}` : ''}`)
        before = status
        if (!values.watch || stop.signal.aborted) return status.passed ? 0 : 1
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, WATCH_SECONDS * 1000)
          stop.signal.addEventListener('abort', () => {
            clearTimeout(timer)
            resolve()
          })
        })
        if (stop.signal.aborted) return status.passed ? 0 : 1
      }
    } finally {
      process.removeListener('SIGINT', onSignal)
      process.removeListener('SIGTERM', onSignal)
      await cli.close()
    }
  },
}
