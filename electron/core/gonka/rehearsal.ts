import http from 'node:http'
import type { ExpectedNode, RehearsalCause, RehearsalResult } from '../../shared/nodes'
import type { Topology } from '../../shared/profile'
import { AppFailure } from '../errors'
import type { HostTarget, RemoteExecutor } from '../ssh/types'
import type { AdminNodeItem } from './admin-api'
import { DOCKER_INTERNAL_CALLBACK } from './callback-url'
import { recognizeFailures } from './failure-patterns'

/**
 * The PoC rehearsal (the FAQ's "How to simulate PoC"): for an ML node that serves no epoch (not
 * registered, or disabled), stop it, start a test generation with the callback URL the api uses,
 * and tell whether the network server received the batches, or why not. Never on an enabled node,
 * never while the node takes part in a PoC.
 */

/** Why a rehearsal is refused before anything is sent (details.reason of the CONFLICT). */
export type RehearsalRefusal = 'enabled' | 'inPoc' | 'servingEpoch'

/** An HTTP answer of the ML node's management API. */
export interface MlAnswer {
  readonly status: number
  readonly text: string
}

/** What the rehearsal needs; the handler builds it from the pool and the profile. */
export interface RehearsalDeps {
  /** The api's node listing (through the admin tunnel). */
  readonly listNodes: (signal: AbortSignal) => Promise<AdminNodeItem[]>
  /** A request to the ML node's management port, sent from the network server (SSH tunnel through it). */
  readonly mlRequest: (method: string, path: string, body: unknown, signal: AbortSignal) => Promise<MlAnswer>
  readonly exec: RemoteExecutor
  readonly networkTarget: HostTarget
  /** The ML server's own connection (its logs, and whether it reaches the callback). */
  readonly mlTarget: HostTarget
  /** True when the ML node runs on the network server's machine (one compose network). */
  readonly sameMachine: boolean
  readonly topology: Topology
  /** The profile's callback override, if any. */
  readonly profileCallback?: string
  readonly now?: () => Date
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  readonly progress?: (step: string) => void
}

/** Docker service names that resolve only inside the compose network. */
const COMPOSE_NAMES = new Set(['api', 'node', 'proxy', 'inference', 'tmkms', 'explorer'])

/** A log line of the api that shows a received generated batch (the stand-in's line, or an access log line). */
const RECEIVED_LINE =
  /received generated PoC batch|POST\s+\S*\/poc-batches\/(?:\S+\/)?generated\S*\s[^\n]*\b20[01]\b|"(?:POST)"[^\n]*poc-batches[^\n]*generated[^\n]*\b20[01]\b/i
/** A line of the ML node that shows a batch it could not deliver, and the HTTP status when it says one. */
const SEND_FAILED = /fail\w*\s+to\s+send\s+generated\s+batch|generated batch[^\n]*(?:error|fail)/i
const HTTP_STATUS = /\bHTTP\s+([45]\d\d)\b|\bstatus(?:[ _]code)?[=: ]+([45]\d\d)\b/i
const GPU_TEXT = /cuda|nvml|\bgpu\b|out of memory|no backends/i

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
      },
      { once: true },
    )
  })

/** The host and port of a callback URL (`http://host:port`), or undefined when it is not one. */
export function callbackEndpoint(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url)
    const host = u.hostname.replace(/^\[|\]$/g, '')
    const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port)
    return host === '' ? undefined : { host, port }
  } catch {
    return undefined
  }
}

/** Where the ML node sends its batches: as upstream's broker builds it (model id escaped twice, nothing trimmed). */
export function batchUrlOf(callback: string, model: string): string {
  return `${callback}/v2/poc-batches/${encodeURIComponent(encodeURIComponent(model))}`
}

/** Whether an api log line shows a generated batch from another node than `nodeId` (ignored then). */
function fromOtherNode(line: string, nodeId: string): boolean {
  const m = /from ML node (\S+)/i.exec(line)
  return m !== null && m[1] !== nodeId && !(m[1] ?? '').startsWith('#')
}

/** Counts the api's lines that show a received generated batch (of this node when the line says). */
export function countReceived(
  lines: readonly string[],
  nodeId: string,
): { count: number; evidence?: string } {
  let count = 0
  let evidence: string | undefined
  for (const line of lines) {
    if (!RECEIVED_LINE.test(line) || fromOtherNode(line, nodeId)) continue
    count += 1
    evidence ??= line.trim().slice(0, 300)
  }
  return evidence === undefined ? { count } : { count, evidence }
}

/**
 * Names the cause when no batch arrived, from what is known: the generate answer, the ML node's log,
 * the callback's host, and whether the ML server reaches the callback's port.
 */
export function diagnose(input: {
  readonly generate: MlAnswer
  readonly mlLines: readonly string[]
  readonly callbackUrl: string
  readonly sameMachine: boolean
  readonly topology: Topology
  readonly callbackReachable: boolean | undefined
}): { cause: RehearsalCause; evidence?: string } {
  const { generate } = input
  if (generate.status < 200 || generate.status >= 300) {
    const text = generate.text.trim().slice(0, 300)
    return {
      cause: GPU_TEXT.test(text) ? 'gpuError' : 'generateFailed',
      evidence: `HTTP ${generate.status}: ${text}`,
    }
  }
  const failures = recognizeFailures({
    service: 'mlnode',
    lines: input.mlLines,
    topology: input.sameMachine ? 'single' : 'split',
  })
  const oom = failures.find((f) => f.id === 'cuda-oom')
  if (oom) return { cause: 'gpuError', evidence: oom.evidence }
  const gpuLine = input.mlLines.find((l) => /\b(?:CUDA|NVML)\b[^\n]*(?:error|not available|failed)/i.test(l))
  if (gpuLine) return { cause: 'gpuError', evidence: gpuLine.trim().slice(0, 300) }
  const sendFailed = [...input.mlLines].reverse().find((l) => SEND_FAILED.test(l))
  const evidence = sendFailed?.trim().slice(0, 300)
  const endpoint = callbackEndpoint(input.callbackUrl)
  if (endpoint && COMPOSE_NAMES.has(endpoint.host.toLowerCase()) && !input.sameMachine)
    return { cause: 'callbackWrongUrl', ...(evidence ? { evidence } : {}) }
  if (failures.some((f) => f.id === 'callback-docker-internal'))
    return { cause: 'callbackWrongUrl', ...(evidence ? { evidence } : {}) }
  if (input.callbackReachable === false)
    return { cause: 'callbackUnreachable', ...(evidence ? { evidence } : {}) }
  if (sendFailed && HTTP_STATUS.test(sendFailed))
    return { cause: 'callbackRejected', evidence: evidence ?? '' }
  if (failures.some((f) => f.id === 'callback-unreachable'))
    return { cause: 'callbackUnreachable', ...(evidence ? { evidence } : {}) }
  return { cause: 'noBatches', ...(evidence ? { evidence } : {}) }
}

/** Why this node may not be rehearsed now (undefined: it may). */
export function refusalOf(item: AdminNodeItem | undefined, mlState?: string): RehearsalRefusal | undefined {
  const state = item?.state
  if (item && state?.admin_state?.enabled !== false) return 'enabled'
  // What the api wants the node to do now (its PoC phase), and the ML node's own fresh state; the
  // api's copy of the node's state is only as new as its last poll (seconds old), so it is not used.
  const poc = (state?.poc_intended_status ?? '').toUpperCase()
  if (poc === 'GENERATING' || poc === 'VALIDATING') return 'inPoc'
  if ((mlState ?? '').toUpperCase() === 'POW') return 'inPoc'
  if (Object.keys(state?.epoch_models ?? {}).length > 0) return 'servingEpoch'
  return undefined
}

const REFUSALS: Record<RehearsalRefusal, string> = {
  enabled: 'is enabled; disable it first (the rehearsal never runs on a node that may be given work)',
  inPoc: 'takes part in a PoC right now; try again after the PoC phase',
  servingEpoch: 'still serves the current epoch; try again after the epoch ends',
}

function refuse(nodeId: string, reason: RehearsalRefusal): never {
  throw new AppFailure('CONFLICT', `Rehearsal refused: ML node ${nodeId} ${REFUSALS[reason]}.`, {
    details: { reason, nodeId },
  })
}

async function remoteLines(
  exec: RemoteExecutor,
  target: HostTarget,
  script: string,
  args: readonly string[],
  signal: AbortSignal,
): Promise<{ code: number; lines: string[] }> {
  const r = await exec.exec(target, ['sh', '-c', script, 'sh', ...args], { signal, timeoutMs: 30_000 })
  return { code: r.code ?? 1, lines: r.stdout.split('\n').filter((l) => l.trim() !== '') }
}

/** The api container's callback URL, read on the network server (only that one variable leaves it). */
async function apiCallback(
  deps: Pick<RehearsalDeps, 'exec' | 'networkTarget'>,
  signal: AbortSignal,
): Promise<string | undefined> {
  const r = await remoteLines(
    deps.exec,
    deps.networkTarget,
    `docker inspect --format '{{range .Config.Env}}{{println .}}{{end}}' api 2>/dev/null | grep '^DAPI_API__POC_CALLBACK_URL=' | head -n 1`,
    [],
    signal,
  ).catch(() => undefined)
  const line = r?.lines[0]
  return line ? line.slice('DAPI_API__POC_CALLBACK_URL='.length).trim() || undefined : undefined
}

/** The host's clock as `seconds.nanoseconds` (docker logs --since takes it), so earlier lines never count. */
async function remoteNow(exec: RemoteExecutor, target: HostTarget, signal: AbortSignal): Promise<string> {
  const r = await remoteLines(exec, target, 'date +%s.%N', [], signal)
  const v = r.lines[0]?.trim() ?? ''
  return /^\d+\.\d+$/.test(v) ? v : (Date.now() / 1000).toFixed(3)
}

const API_LOGS = 'docker logs --since "$1" api 2>&1 | tail -n 5000'
const ML_LOGS = `for c in $(docker ps --filter label=com.docker.compose.service --format '{{.Names}}:{{.Label "com.docker.compose.service"}}'); do
  case "\${c#*:}" in mlnode*) docker logs --since "$1" "\${c%%:*}" 2>&1 | tail -n 2000 ;; esac
done`
const PROBE = 'timeout 5 bash -c \'exec 3<>"/dev/tcp/$1/$2"\' probe "$1" "$2"'

/** The callback base a rehearsal uses and where it comes from. */
export interface RehearsalCallback {
  readonly url: string
  readonly source: RehearsalResult['callbackSource']
}

/**
 * The callback a rehearsal uses: the given one, else the running api container's, else the
 * profile's, else the Docker-internal default.
 */
export async function resolveCallback(
  deps: Pick<RehearsalDeps, 'exec' | 'networkTarget' | 'profileCallback'>,
  given: string | undefined,
  signal: AbortSignal,
): Promise<RehearsalCallback> {
  if (given !== undefined) return { url: given, source: 'input' }
  const fromApi = await apiCallback(deps, signal)
  if (fromApi) return { url: fromApi, source: 'api-container' }
  if (deps.profileCallback) return { url: deps.profileCallback, source: 'profile' }
  return { url: DOCKER_INTERNAL_CALLBACK, source: 'default' }
}

/** The ML node's own state (`GET /api/v1/state`: e.g. STOPPED, INFERENCE, POW), when it says one. */
export async function mlStateOf(
  deps: Pick<RehearsalDeps, 'mlRequest'>,
  signal: AbortSignal,
): Promise<string | undefined> {
  const answer = await deps.mlRequest('GET', '/api/v1/state', undefined, signal)
  try {
    return (JSON.parse(answer.text) as { state?: string }).state
  } catch {
    return undefined
  }
}

/**
 * Runs the rehearsal for one node (see the module comment); `callback` is the one the plan showed
 * (otherwise it is resolved here). Refuses again, right before it stops the node, when the node may not
 * be rehearsed now.
 */
export async function rehearsePoc(
  deps: RehearsalDeps,
  node: ExpectedNode,
  options: { callbackUrl?: string; callback?: RehearsalCallback; waitSeconds?: number; signal: AbortSignal },
): Promise<RehearsalResult> {
  const { signal } = options
  const now = deps.now ?? (() => new Date())
  const sleep = deps.sleep ?? defaultSleep
  const say = (step: string): void => deps.progress?.(step)

  say('check')
  const items = await deps.listNodes(signal)
  const item = items.find((i) => i.node.id === node.nodeId)
  const before = refusalOf(item)
  if (before) refuse(node.nodeId, before)
  const during = refusalOf(item, await mlStateOf(deps, signal))
  if (during) refuse(node.nodeId, during)

  const callback = options.callback ?? (await resolveCallback(deps, options.callbackUrl, signal))
  const callbackUrl = callback.url
  const callbackSource = callback.source
  const model = node.models[0]?.id ?? ''
  const batchUrl = batchUrlOf(callbackUrl, model)
  const startedAt = now().toISOString()

  say('stop')
  const [netSince, mlSince] = await Promise.all([
    remoteNow(deps.exec, deps.networkTarget, signal),
    remoteNow(deps.exec, deps.mlTarget, signal),
  ])
  const stop = await deps.mlRequest('POST', '/api/v1/stop', {}, signal)
  if (stop.status < 200 || stop.status >= 300)
    throw new AppFailure(
      'REMOTE_COMMAND_FAILED',
      `The ML node ${node.nodeId} did not stop (HTTP ${stop.status}: ${stop.text.slice(0, 200)}).`,
    )

  say('generate')
  const nodeNum = item?.node.node_num
  const generate = await deps.mlRequest(
    'POST',
    '/api/v1/pow/init/generate',
    {
      block_hash: `rehearsal-${startedAt}`,
      block_height: 1,
      public_key: '',
      node_id: typeof nodeNum === 'number' ? nodeNum : 0,
      node_count: 1,
      batch_size: 32,
      params: { model, seq_len: 1024, k_dim: 12 },
      url: batchUrl,
    },
    signal,
  )

  say('wait')
  const waitMs = (options.waitSeconds ?? 20) * 1000
  const deadline = Date.now() + waitMs
  let received = { count: 0 } as { count: number; evidence?: string }
  let mlLines: string[] = []
  const generating = generate.status >= 200 && generate.status < 300
  while (generating) {
    const [api, ml] = await Promise.all([
      remoteLines(deps.exec, deps.networkTarget, API_LOGS, [netSince], signal),
      remoteLines(deps.exec, deps.mlTarget, ML_LOGS, [mlSince], signal),
    ])
    received = countReceived(api.lines, node.nodeId)
    // Only failures to send to this rehearsal's URL (a late retry of an earlier one may still log).
    mlLines = ml.lines.filter((l) => !SEND_FAILED.test(l) || l.includes(batchUrl))
    if (received.count > 0) break
    // A failed delivery the ML node logged is the answer already (it retries the same URL).
    if (mlLines.some((l) => SEND_FAILED.test(l)) && Date.now() > deadline - waitMs + 3000) break
    if (Date.now() > deadline) break
    await sleep(1500, signal)
  }

  say('stopAfter')
  // Leave the ML node idle: the api starts it again when the node is enabled.
  await deps.mlRequest('POST', '/api/v1/stop', {}, signal).catch(() => undefined)

  const base = {
    nodeId: node.nodeId,
    host: node.host,
    callbackUrl,
    batchUrl,
    callbackSource,
    startedAt,
  }
  if (received.count > 0)
    return {
      ...base,
      received: true,
      batches: received.count,
      ...(received.evidence ? { evidence: received.evidence } : {}),
      finishedAt: now().toISOString(),
    }

  let callbackReachable: boolean | undefined
  const endpoint = callbackEndpoint(callbackUrl)
  if (endpoint && !COMPOSE_NAMES.has(endpoint.host.toLowerCase())) {
    say('probe')
    const probe = await remoteLines(
      deps.exec,
      deps.mlTarget,
      PROBE,
      [endpoint.host, String(endpoint.port)],
      signal,
    ).catch(() => undefined)
    callbackReachable = probe ? probe.code === 0 : undefined
  }
  const why = diagnose({
    generate,
    mlLines,
    callbackUrl,
    sameMachine: deps.sameMachine,
    topology: deps.topology,
    callbackReachable,
  })
  return {
    ...base,
    received: false,
    batches: 0,
    cause: why.cause,
    ...(why.evidence ? { evidence: why.evidence } : {}),
    finishedAt: now().toISOString(),
  }
}

/** A request to `host:port` through `agent` (a tunnel), answered as status and text. */
export function requestThrough(
  agent: http.Agent,
  host: string,
  port: number,
  method: string,
  path: string,
  body: unknown,
  signal: AbortSignal,
  timeoutMs = 20_000,
): Promise<MlAnswer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8')
  return new Promise<MlAnswer>((resolve, reject) => {
    const req = http.request(
      {
        host,
        port,
        method,
        path,
        agent,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      },
    )
    const timer = setTimeout(() => {
      req.destroy()
      reject(
        new AppFailure('TIMEOUT', `The ML node at ${host}:${port} did not answer ${method} ${path} in time.`),
      )
    }, timeoutMs)
    const onAbort = (): void => {
      req.destroy()
      reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    req.on('error', (error) =>
      reject(
        new AppFailure(
          'UNREACHABLE',
          `The network server cannot reach the ML node at ${host}:${port} (${error.message}).`,
          { hint: 'Start the ML node there and open the port to the network server only.', cause: error },
        ),
      ),
    )
    req.on('close', () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    })
    req.end(payload)
  })
}
