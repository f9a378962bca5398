/**
 * Network checks: between hosts (run on the hosts over SSH, with temporary listeners on the target
 * ports while nothing listens yet) and from this computer to each host (outside in).
 */
import { randomBytes } from 'node:crypto'
import { lookup } from 'node:dns/promises'
import { isIP, Socket } from 'node:net'
import { networkInterfaces } from 'node:os'
import { z } from 'zod'
import type { CheckId, CheckResult, PathResult, PathState } from '../../shared/checks'
import type { HostTarget, RemoteExecutor } from '../ssh/types'
import { isInside, vantageOf, type LocalInterface, type Vantage } from './addresses'
import { privatePortsForRole, publicPortsForRole } from './catalogue'
import { listenArgs, parseListenOutput, probeScript, type ListenRequest } from './probe'
import { shellLine, toResult, type ServerRef, type Verdict } from './rules'

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

/**
 * What one outside-in connect means: reachable for public ports; for private ones `exposed` when a
 * real service answered, `would-be-exposed` when only our temporary listener did (nothing blocks it).
 */
export function classifyOutsidePath(
  outcome: ConnectOutcome,
  isPublic: boolean,
  listener: ListenerKind,
): PathState {
  if (outcome === 'open')
    return isPublic ? 'reachable' : listener === 'temporary' ? 'would-be-exposed' : 'exposed'
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
  /** Every host of the run; each one is settled (reachable or not) as its probe ends. */
  readonly hosts: readonly NetworkHost[]
  readonly checkIds: ReadonlySet<CheckId>
  readonly skipOutside: boolean
  readonly connectTimeoutSec?: number
  /** How long temporary listeners live at most if nobody stops them (default 150 s). */
  readonly listenerSeconds?: number
  readonly signal?: AbortSignal
  /** Called with each result as soon as it is known. */
  readonly onResult: (result: CheckResult) => void
  /** Counts remote commands per host (for the benchmark). */
  readonly onExec?: (hostId: string) => void
  /** Where this computer is (the user's choice); `auto` compares addresses. */
  readonly desktopLocation?: 'auto' | 'inside' | 'outside'
  /** This computer's interfaces (default `os.networkInterfaces()`; tests pass their own). */
  readonly localInterfaces?: readonly LocalInterface[]
}

/** This computer's interface addresses with their subnets. */
export function localInterfaces(): LocalInterface[] {
  const out: LocalInterface[] = []
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) out.push({ address: i.address, cidr: i.cidr, internal: i.internal })
  }
  return out
}

/** Where this computer is relative to one server, and whether that was decided by the user. */
export interface DesktopPosition {
  readonly vantage: Vantage
  readonly inside: boolean
  /** The addresses could not tell (a name that does not resolve): the UI asks the user. */
  readonly unsure: boolean
  readonly chosen: boolean
}

/** Compares a server's address (resolved when it is a name) with this computer's interfaces. */
export async function desktopPosition(
  address: string,
  choice: 'auto' | 'inside' | 'outside',
  locals: readonly LocalInterface[],
): Promise<DesktopPosition> {
  let ip: string | undefined = address.replace(/^\[|\]$/g, '')
  if (isIP(ip) === 0)
    ip = await lookup(ip).then(
      (r) => r.address,
      () => undefined,
    )
  const vantage = vantageOf(ip, locals)
  if (choice !== 'auto') return { vantage, inside: choice === 'inside', unsure: false, chosen: true }
  return { vantage, inside: isInside(vantage), unsure: vantage === 'unknown', chosen: false }
}

/** How a host came out of its probe, as far as the network checks care. */
export type HostReadiness =
  | { readonly reachable: false }
  | {
      readonly reachable: true
      /** What listen.sh reported for each port; absent when no listener was asked for or it failed. */
      readonly listeners?: Readonly<Record<string, 'temporary' | 'existing' | 'failed'>>
    }

/**
 * The network checks of one run, as a pipeline: each host is settled when its own probe ends (the
 * probe also starts its temporary listeners), and every connect starts as soon as both of its ends
 * are settled, so a slow host delays only the paths that touch it.
 */
export interface NetworkPhase {
  /** Listeners this host's probe should start (undefined: none). */
  listenRequest(hostId: string): ListenRequest | undefined
  /**
   * The host's probe ended. `listenerMayRun` says whether listeners may have started there (then
   * they are stopped at the end, whatever happened).
   */
  settle(hostId: string, readiness: HostReadiness, listenerMayRun: boolean): void
  /** For a host that is reachable but not probed in this run: starts its listeners alone, then settles it. */
  listenWithoutProbe(hostId: string): void
  /** Settles the rest as unreachable, waits for every connect, stops every listener; returns what was found. */
  finish(): Promise<{ results: CheckResult[]; paths: PathResult[] }>
}

const INTERNAL: Record<'net.callback' | 'net.inference' | 'net.poc', number> = {
  'net.callback': 9100,
  'net.inference': 5050,
  'net.poc': 8080,
}

/** Starts the network checks of one run; see {@link NetworkPhase}. */
export function createNetworkPhase(options: NetworkPhaseOptions): NetworkPhase {
  const { executor, hosts, checkIds, signal } = options
  const timeoutSec = options.connectTimeoutSec ?? 3
  const network = hosts.find((h) => h.server.role === 'network')
  const mls = hosts.filter((h) => h.server.role === 'ml')
  const wantInternal =
    network !== undefined &&
    mls.length > 0 &&
    (['net.callback', 'net.inference', 'net.poc'] as const).some((id) => checkIds.has(id))
  const wantOutside =
    !options.skipOutside && (checkIds.has('outside.public') || checkIds.has('outside.private'))
  const results: CheckResult[] = []
  const paths: PathResult[] = []
  const report = (result: CheckResult): void => {
    if (signal?.aborted) return
    results.push(result)
    options.onResult(result)
  }
  const exec = (host: NetworkHost, argv: string[], stdin: string, timeoutMs: number) => {
    options.onExec?.(host.server.id)
    return executor.exec(host.target, argv, { stdin, timeoutMs, ...(signal ? { signal } : {}) })
  }
  const byId = new Map(hosts.map((h) => [h.server.id, h]))

  // Which ports each host listens on during the test.
  const token = `ghw${randomBytes(6).toString('hex')}`
  const seconds = options.listenerSeconds ?? 150
  const listenPorts = new Map<string, number[]>()
  for (const h of hosts) {
    const ports = new Set<number>()
    if (wantInternal) {
      if (h.server.role === 'network') ports.add(9100)
      if (h.server.role === 'ml') [5050, 8080].forEach((p) => ports.add(p))
    }
    if (wantOutside)
      [...publicPortsForRole(h.server.role), ...privatePortsForRole(h.server.role)].forEach((p) =>
        ports.add(p),
      )
    if (ports.size > 0) listenPorts.set(h.server.id, [...ports])
  }

  // One promise per host, resolved when its probe (or lone listen) ends.
  const resolvers = new Map<string, (r: HostReadiness) => void>()
  const readiness = new Map<string, Promise<HostReadiness>>()
  const known = new Map<string, HostReadiness>()
  for (const h of hosts) {
    readiness.set(h.server.id, new Promise<HostReadiness>((resolve) => resolvers.set(h.server.id, resolve)))
  }
  const ready = (h: NetworkHost): Promise<HostReadiness> =>
    readiness.get(h.server.id) ?? Promise.resolve({ reachable: false })
  const toStop = new Set<string>()
  const settle = (hostId: string, r: HostReadiness, listenerMayRun: boolean): void => {
    if (listenerMayRun && listenPorts.has(hostId)) toStop.add(hostId)
    if (known.has(hostId)) return
    known.set(hostId, r)
    resolvers.get(hostId)?.(r)
  }
  const listenerOf = (hostId: string, port: number): ListenerKind => {
    const r = known.get(hostId)
    const state = r?.reachable ? r.listeners?.[String(port)] : undefined
    return state === 'temporary' ? 'temporary' : state === 'existing' ? 'existing' : 'none'
  }

  const jobs: Promise<void>[] = []

  // Each source host gets one connect.sh with all of its targets, once it and they are settled.
  const connectFrom = async (
    host: NetworkHost,
    planned: { to: NetworkHost; port: number; check: keyof typeof INTERNAL }[],
  ): Promise<void> => {
    const [self, ...ends] = await Promise.all([ready(host), ...planned.map((t) => ready(t.to))])
    if (!self?.reachable) return
    const targets = planned.filter((_, i) => ends[i]?.reachable)
    if (targets.length === 0) return
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
      if (signal?.aborted) return
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
                  command: shellLine([
                    'sudo',
                    'ufw',
                    'allow',
                    'from',
                    host.server.address,
                    'to',
                    'any',
                    'port',
                    String(t.port),
                    'proto',
                    'tcp',
                  ]),
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
  }

  if (wantInternal && network) {
    const plan = new Map<string, { to: NetworkHost; port: number; check: keyof typeof INTERNAL }[]>()
    const add = (from: NetworkHost, to: NetworkHost, check: keyof typeof INTERNAL): void => {
      if (!checkIds.has(check)) return
      const list = plan.get(from.server.id) ?? []
      list.push({ to, port: INTERNAL[check], check })
      plan.set(from.server.id, list)
    }
    for (const ml of mls) {
      add(ml, network, 'net.callback')
      add(network, ml, 'net.inference')
      add(network, ml, 'net.poc')
    }
    for (const [id, targets] of plan) {
      const host = byId.get(id)
      if (host) jobs.push(connectFrom(host, targets))
    }
  }

  // From this computer to each host, as soon as that host is settled.
  const locals = options.localInterfaces ?? (wantOutside ? localInterfaces() : [])
  const outsideOf = async (h: NetworkHost): Promise<void> => {
    const position = desktopPosition(h.server.address, options.desktopLocation ?? 'auto', locals)
    if (!(await ready(h)).reachable) return
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
    if (signal?.aborted) return
    for (const { isPublic: _isPublic, ...p } of tested) paths.push(p)
    const pubPaths = tested.filter((t) => t.isPublic).map(({ isPublic: _i, ...p }) => p)
    const privPaths = tested.filter((t) => !t.isPublic).map(({ isPublic: _i, ...p }) => p)
    const where = await position
    const facts = { vantage: where.vantage, inside: where.inside, unsure: where.unsure, chosen: where.chosen }
    if (checkIds.has('outside.public') && pubPaths.length > 0) {
      const bad = pubPaths.filter((p) => p.state !== 'reachable').map((p) => p.port)
      const verdict: Verdict =
        bad.length === 0
          ? {
              status: 'pass',
              msg: where.inside ? 'reachableInside' : 'reachable',
              values: { ports: pub.join(', ') },
            }
          : {
              status: 'warn',
              msg: 'blocked',
              values: { ports: bad.join(', ') },
              fix: {
                variant: 'open',
                command: bad.map((p) => shellLine(['sudo', 'ufw', 'allow', `${p}/tcp`])).join('\n'),
              },
            }
      report({ ...toResult('outside.public', h.server, { ...verdict, facts }), paths: pubPaths })
    }
    if (checkIds.has('outside.private') && privPaths.length > 0) {
      const answered = privPaths.filter((p) => p.state === 'exposed').map((p) => p.port)
      const unblocked = privPaths.filter((p) => p.state === 'would-be-exposed').map((p) => p.port)
      const open = [...answered, ...unblocked].sort((a, b) => a - b)
      const values = { ports: open.join(', '), exposed: answered.join(', '), would: unblocked.join(', ') }
      const close = {
        variant: 'close',
        command: open
          .map(
            (p) =>
              `${shellLine(['sudo', 'ufw', 'deny', `${p}/tcp`])}\n${shellLine(['sudo', 'iptables', '-I', 'DOCKER-USER', '-p', 'tcp', '--dport', String(p)])} ! -s <your-hosts> -j DROP`,
          )
          .join('\n'),
      }
      let verdict: Verdict
      if (open.length === 0)
        verdict = {
          status: 'pass',
          msg: where.inside ? 'closedInside' : 'closed',
          values: { ports: priv.join(', ') },
        }
      else if (where.inside)
        // From inside, reaching a private port is expected and says nothing about the internet.
        verdict = {
          status: 'warn',
          msg: answered.length > 0 ? 'insideExposed' : 'insideWouldBeExposed',
          values,
          fix: {
            variant: 'fromOutside',
            command: open
              .map((p) => shellLine(['nc', '-vz', '-w', '3', h.server.address, String(p)]))
              .join('\n'),
          },
        }
      else
        verdict = {
          status: 'warn',
          msg:
            answered.length > 0 && unblocked.length > 0
              ? 'exposedAndWould'
              : answered.length > 0
                ? 'exposed'
                : 'wouldBeExposed',
          values,
          fix: close,
        }
      report({ ...toResult('outside.private', h.server, { ...verdict, facts }), paths: privPaths })
    }
  }
  if (wantOutside) for (const h of hosts) jobs.push(outsideOf(h))

  const listenRequest = (hostId: string): ListenRequest | undefined => {
    const ports = listenPorts.get(hostId)
    return ports ? { token, seconds, ports } : undefined
  }
  const listenJobs: Promise<void>[] = []

  return {
    listenRequest,
    settle,
    listenWithoutProbe(hostId) {
      const host = byId.get(hostId)
      const request = listenRequest(hostId)
      if (!host || !request) {
        settle(hostId, { reachable: true }, false)
        return
      }
      listenJobs.push(
        (async () => {
          let listeners: HostReadiness = { reachable: true }
          try {
            const r = await exec(
              host,
              ['sh', '-s', '--', ...listenArgs(request)],
              probeScript('listen.sh'),
              20_000,
            )
            const parsed = parseListenOutput(r.stdout)
            if (parsed) listeners = { reachable: true, listeners: parsed.ports }
          } catch {
            // No listener: the paths to this host are classified without one.
          }
          settle(hostId, listeners, true)
        })(),
      )
    },
    async finish() {
      try {
        await Promise.all(listenJobs)
        for (const h of hosts) settle(h.server.id, { reachable: false }, false)
        await Promise.all(jobs)
      } finally {
        // Always stop the listeners, even when cancelled: a fresh signal-free exec, bounded in time.
        await Promise.all(
          [...toStop].map((id) => {
            const h = byId.get(id)
            if (!h) return Promise.resolve()
            options.onExec?.(id)
            return executor
              .exec(h.target, ['sh', '-s', '--', token], { stdin: probeScript('stop.sh'), timeoutMs: 10_000 })
              .then(
                () => undefined,
                () => undefined,
              )
          }),
        )
      }
      return { results, paths }
    },
  }
}
