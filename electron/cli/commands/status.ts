import type { HostStatus } from '../../shared/nodes'
import { statusChanges } from '../../core/gonka/host-status'
import { openCliService, unwrap } from '../cli-service'
import { CliUsageError, parseOptions, type CliCommand } from '../io'

/** Seconds between reads with --watch (the api caches its report for 60 s). */
const WATCH_SECONDS = 60

function printStatus(s: HostStatus, out: (line: string) => void): void {
  out(`Host status (${s.checkedAt}), network server ${s.networkServerId}`)
  if (s.report) {
    out(`Setup report: ${s.report.overall}`)
    for (const c of s.report.checks) out(`  ${c.status.padEnd(11)} ${c.id}: ${c.message}`)
    for (const r of s.report.recommendations) out(`  → ${r}`)
  }
  if (s.sync) {
    const parts = [
      s.sync.localHeight !== undefined ? `height ${s.sync.localHeight}` : 'height unknown',
      s.sync.seedHeight !== undefined ? `seed ${s.sync.seedHeight}` : undefined,
      s.sync.behind !== undefined
        ? `${s.sync.behind} behind${s.sync.catchingUp ? ' (catching up)' : ''}`
        : undefined,
      s.sync.secondsSinceBlock !== undefined ? `last block ${s.sync.secondsSinceBlock} s ago` : undefined,
    ].filter(Boolean)
    out(`Chain: ${parts.join(', ')}`)
  }
  if (s.participant)
    out(
      s.participant.found
        ? `Participant ${s.address ?? ''}: ${s.participant.status ?? ''}${s.participant.inferenceUrl ? `, ${s.participant.inferenceUrl}` : ''}`
        : `Participant ${s.address ?? ''}: not found at the seed (registration not seen yet)`,
    )
  if (s.epoch)
    out(
      `Epoch ${s.epoch.index ?? '?'}, phase ${s.epoch.phase ?? '?'}; next PoC at block ${s.epoch.nextPocBlock ?? '?'}${s.epoch.nextPocAt ? ` (about ${s.epoch.nextPocAt})` : ''}`,
    )
  if (s.activeSet)
    out(
      s.activeSet.active
        ? `Active set: yes, weight ${s.activeSet.weight ?? '?'}`
        : 'Active set: not yet. A new host appears after the next PoC, usually 1–3 h after it starts.',
    )
  for (const n of s.nodes) {
    const gpus = n.gpus
      .map(
        (g) =>
          `${g.name} ${g.usedGb ?? '?'}/${g.totalGb ?? '?'} GB${g.utilizationPercent !== undefined ? ` ${g.utilizationPercent}%` : ''}`,
      )
      .join('; ')
    out(
      `ML node ${n.id}: ${n.healthy === undefined ? 'no health check' : n.healthy ? 'healthy' : 'FAILING'}` +
        `${n.enabled === false ? ', disabled' : ''}${n.models.length ? `, ${n.models.join(', ')}` : ''}${gpus ? `, ${gpus}` : ''}`,
    )
    if (n.healthy === false && n.message) out(`  ${n.message}`)
  }
  for (const p of s.problems) out(`Could not read ${p.part}: ${p.message}`)
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
    if (!values.profile) throw new CliUsageError('--profile is required.')
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
        else if (!before) printStatus(status, (line) => io.out(line))
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
