/**
 * Network checks: between hosts (run on the hosts over SSH, with temporary listeners on the target
 * ports while nothing listens yet) and from this computer to each host (outside in).
 */
import { randomBytes } from 'node:crypto'
import { Socket } from 'node:net'
import { z } from 'zod'
import type { CheckId, CheckResult, PathResult, PathState } from '../../shared/checks'
import type { HostTarget, RemoteExecutor } from '../ssh/types'
import { privatePortsForRole, publicPortsForRole } from './catalogue'
import { probeScript } from './probe'
import { toResult, type ServerRef, type Verdict } from './rules'

/** Raw outcome of one TCP connect attempt. */
export type ConnectOutcome = 'open' | 'refused' | 'timeout' | 'unreachable' | 'error' | 'notool'

/** Who listened on the target port while it was tested. */
export type ListenerKind = PathResult['listener']

/**
 * What one host-to-host connect means. With a listener present a reset or a timeout can only be a
 * firewall; without one a reset just means nothing listens (we could not start a listener).
 */
export function classifyInternalPath(outcome: ConnectOutcome, listener: ListenerKind): PathState {
  if (outcome === 'open') return 'reachable'
  if (outcome === 'timeout' || outcome === 'unreachable') return 'blocked'
  if (outcome === 'refused') return listener === 'none' ? 'not-listening' : 'blocked'
  return 'unknown'
}

/** What one outside-in connect means: open is exposed for private ports, reachable for public ones. */
export function classifyOutsidePath(
  outcome: ConnectOutcome,
  isPublic: boolean,
  listener: ListenerKind,
): PathState {
  if (outcome === 'open') return isPublic ? 'reachable' : 'exposed'
  if (outcome === 'error' || outcome === 'notool') return 'unknown'
  if (isPublic) return outcome === 'refused' && listener === 'none' ? 'not-listening' : 'blocked'
  return 'closed'
}

/** TCP connect from this computer, with the outcome named the same way as connect.sh. */
export function connectFromDesktop(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (outcome: ConnectOutcome): void => {
      socket.destroy()
      resolve(outcome)
    }
    socket.setTimeout(timeoutMs, () => done('timeout'))
    socket.once('connect', () => done('open'))
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') done('refused')
      else if (['EHOSTUNREACH', 'ENETUNREACH', 'EACCES', 'EPERM'].includes(error.code ?? ''))
        done('unreachable')
      else if (error.code === 'ETIMEDOUT') done('timeout')
      else done('error')
    })
    socket.connect(port, host.replace(/^\[|\]$/g, ''))
  })
}

const listenOutputSchema = z.object({
  tool: z.string(),
  ports: z.record(z.string(), z.enum(['temporary', 'existing', 'failed'])),
})
const connectLineSchema = z.object({
  target: z.string(),
  outcome: z.enum(['open', 'refused', 'timeout', 'unreachable', 'error', 'notool']),
})

/** A host taking part in the network phase. */
export interface NetworkHost {
  readonly server: ServerRef
  readonly target: HostTarget
}

/** Options of one network phase. */
export interface NetworkPhaseOptions {
  readonly executor: RemoteExecutor
  readonly hosts: readonly NetworkHost[]
  readonly checkIds: ReadonlySet<CheckId>
  readonly skipOutside: boolean
  readonly connectTimeoutSec?: number
  readonly signal?: AbortSignal
  /** Called with each result as soon as it is known. */
  readonly onResult: (result: CheckResult) => void
  /** Counts remote commands per host (for the benchmark). */
  readonly onExec?: (hostId: string) => void
}

const INTERNAL: Record<'net.callback' | 'net.inference' | 'net.poc', number> = {
  'net.callback': 9100,
  'net.inference': 5050,
  'net.poc': 8080,
}

function firstJsonLine(stdout: string): unknown {
  const line = stdout.split('\n').find((l) => l.trim().startsWith('{'))
  return line === undefined ? undefined : JSON.parse(line)
}

/**
 * Runs the network checks: temporary listeners on every host, connects between hosts and from this
 * computer, then always stops the listeners. Returns the results and every path tested.
 */
export async function runNetworkPhase(
  options: NetworkPhaseOptions,
): Promise<{ results: CheckResult[]; paths: PathResult[] }> {
  const { executor, hosts, checkIds, signal } = options
  const timeoutSec = options.connectTimeoutSec ?? 3
  const network = hosts.find((h) => h.server.role === 'network')
  const mls = hosts.filter((h) => h.server.role === 'ml')
  const wantInternal = (['net.callback', 'net.inference', 'net.poc'] as const).some((id) => checkIds.has(id))
  const wantOutside =
    !options.skipOutside && (checkIds.has('outside.public') || checkIds.has('outside.private'))
  const results: CheckResult[] = []
  const paths: PathResult[] = []
  const report = (result: CheckResult): void => {
    results.push(result)
    options.onResult(result)
  }
  const exec = (host: NetworkHost, argv: string[], stdin: string, timeoutMs: number) => {
    options.onExec?.(host.server.id)
    return executor.exec(host.target, argv, { stdin, timeoutMs, ...(signal ? { signal } : {}) })
  }

  // Which ports each host listens on during the test.
  const listenPorts = new Map<string, number[]>()
  for (const h of hosts) {
    const ports = new Set<number>()
    if (wantInternal && network && mls.length > 0) {
      if (h.server.role === 'network') ports.add(9100)
      if (h.server.role === 'ml') [5050, 8080].forEach((p) => ports.add(p))
    }
    if (wantOutside)
      [...publicPortsForRole(h.server.role), ...privatePortsForRole(h.server.role)].forEach((p) =>
        ports.add(p),
      )
    if (ports.size > 0) listenPorts.set(h.server.id, [...ports])
  }
  if (listenPorts.size === 0 && !wantInternal) return { results, paths }

  const token = `ghw${randomBytes(6).toString('hex')}`
  const listeners = new Map<string, Record<string, 'temporary' | 'existing' | 'failed'>>()
  const started: NetworkHost[] = []
  try {
    await Promise.all(
      hosts
        .filter((h) => listenPorts.has(h.server.id))
        .map(async (h) => {
          started.push(h)
          const ports = listenPorts.get(h.server.id) ?? []
          try {
            const r = await exec(
              h,
              ['sh', '-s', '--', token, '90', ...ports.map(String)],
              probeScript('listen.sh'),
              20_000,
            )
            const parsed = listenOutputSchema.safeParse(firstJsonLine(r.stdout))
            if (parsed.success) listeners.set(h.server.id, parsed.data.ports)
          } catch {
            // No listener: the paths to this host are classified without one.
          }
        }),
    )
    const listenerOf = (hostId: string, port: number): ListenerKind => {
      const state = listeners.get(hostId)?.[String(port)]
      return state === 'temporary' ? 'temporary' : state === 'existing' ? 'existing' : 'none'
    }

    const internal = async (): Promise<void> => {
      if (!wantInternal || !network || mls.length === 0) return
      // Each source host gets one connect.sh with all of its targets.
      const plan = new Map<
        string,
        { host: NetworkHost; targets: { to: NetworkHost; port: number; check: keyof typeof INTERNAL }[] }
      >()
      const add = (from: NetworkHost, to: NetworkHost, check: keyof typeof INTERNAL): void => {
        if (!checkIds.has(check)) return
        const entry = plan.get(from.server.id) ?? { host: from, targets: [] }
        entry.targets.push({ to, port: INTERNAL[check], check })
        plan.set(from.server.id, entry)
      }
      for (const ml of mls) {
        add(ml, network, 'net.callback')
        add(network, ml, 'net.inference')
        add(network, ml, 'net.poc')
      }
      await Promise.all(
        [...plan.values()].map(async ({ host, targets }) => {
          const outcomes = new Map<string, ConnectOutcome>()
          let failure = ''
          try {
            const argv = [
              'sh',
              '-s',
              '--',
              String(timeoutSec),
              ...targets.map((t) => `${t.to.server.address}:${t.port}`),
            ]
            const r = await exec(host, argv, probeScript('connect.sh'), (timeoutSec + 15) * 1000)
            for (const line of r.stdout.split('\n')) {
              if (!line.trim().startsWith('{')) continue
              const parsed = connectLineSchema.safeParse(JSON.parse(line))
              if (parsed.success) outcomes.set(parsed.data.target, parsed.data.outcome)
            }
          } catch (error) {
            failure = error instanceof Error ? error.message : String(error)
          }
          for (const t of targets) {
            const outcome = outcomes.get(`${t.to.server.address}:${t.port}`) ?? 'error'
            const listener = listenerOf(t.to.server.id, t.port)
            const state = classifyInternalPath(outcome, listener)
            const path: PathResult = {
              from: host.server.id,
              to: t.to.server.id,
              port: t.port,
              state,
              outcome,
              listener,
            }
            paths.push(path)
            const ml = host.server.role === 'ml' ? host : t.to
            const values = {
              from: host.server.name,
              to: t.to.server.name,
              port: t.port,
              outcome: failure || outcome,
              fromAddress: host.server.address,
            }
            const verdict: Verdict =
              state === 'reachable'
                ? { status: 'pass', msg: 'reachable', values }
                : state === 'blocked'
                  ? {
                      status: 'fail',
                      msg: 'blocked',
                      values,
                      fix: {
                        variant: 'allow',
                        command: `sudo ufw allow from ${host.server.address} to any port ${t.port} proto tcp`,
                      },
                    }
                  : state === 'not-listening'
                    ? { status: 'warn', msg: 'notListening', values, fix: { variant: 'listener' } }
                    : { status: 'warn', msg: 'untested', values, fix: { variant: 'listener' } }
            report({
              ...toResult(t.check, ml.server, { ...verdict, facts: { outcome, listener } }),
              paths: [path],
            })
          }
        }),
      )
    }

    const outside = async (): Promise<void> => {
      if (!wantOutside) return
      await Promise.all(
        hosts.map(async (h) => {
          const pub = publicPortsForRole(h.server.role)
          const priv = privatePortsForRole(h.server.role)
          const tested = await Promise.all(
            [
              ...pub.map((p) => ({ port: p, isPublic: true })),
              ...priv.map((p) => ({ port: p, isPublic: false })),
            ].map(async ({ port, isPublic }): Promise<PathResult & { isPublic: boolean }> => {
              const outcome = await connectFromDesktop(h.server.address, port, timeoutSec * 1000)
              const listener = listenerOf(h.server.id, port)
              return {
                from: 'desktop',
                to: h.server.id,
                port,
                outcome,
                listener,
                state: classifyOutsidePath(outcome, isPublic, listener),
                isPublic,
              }
            }),
          )
          for (const { isPublic: _isPublic, ...p } of tested) paths.push(p)
          const pubPaths = tested.filter((t) => t.isPublic).map(({ isPublic: _i, ...p }) => p)
          const privPaths = tested.filter((t) => !t.isPublic).map(({ isPublic: _i, ...p }) => p)
          if (checkIds.has('outside.public') && pubPaths.length > 0) {
            const bad = pubPaths.filter((p) => p.state !== 'reachable').map((p) => p.port)
            const verdict: Verdict =
              bad.length === 0
                ? { status: 'pass', msg: 'reachable', values: { ports: pub.join(', ') } }
                : {
                    status: 'warn',
                    msg: 'blocked',
                    values: { ports: bad.join(', ') },
                    fix: { variant: 'open', command: bad.map((p) => `sudo ufw allow ${p}/tcp`).join('\n') },
                  }
            report({ ...toResult('outside.public', h.server, verdict), paths: pubPaths })
          }
          if (checkIds.has('outside.private') && privPaths.length > 0) {
            const open = privPaths.filter((p) => p.state === 'exposed').map((p) => p.port)
            const verdict: Verdict =
              open.length === 0
                ? { status: 'pass', msg: 'closed', values: { ports: priv.join(', ') } }
                : {
                    status: 'warn',
                    msg: 'exposed',
                    values: { ports: open.join(', ') },
                    fix: {
                      variant: 'close',
                      command: open
                        .map(
                          (p) =>
                            `sudo ufw deny ${p}/tcp\nsudo iptables -I DOCKER-USER -p tcp --dport ${p} ! -s <your-hosts> -j DROP`,
                        )
                        .join('\n'),
                    },
                  }
            report({ ...toResult('outside.private', h.server, verdict), paths: privPaths })
          }
        }),
      )
    }

    await Promise.all([internal(), outside()])
  } finally {
    // Always stop the listeners, even when cancelled: a fresh signal-free exec, bounded in time.
    await Promise.all(
      started.map((h) =>
        (options.onExec?.(h.server.id),
        executor.exec(h.target, ['sh', '-s', '--', token], {
          stdin: probeScript('stop.sh'),
          timeoutMs: 10_000,
        })).catch(() => undefined),
      ),
    )
  }
  return { results, paths }
}
