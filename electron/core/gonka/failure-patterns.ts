import type { Topology } from '../../shared/profile'

/**
 * Failure recognisers for step 6: from a container's recent log lines and its state, name the cause and
 * the fix. Pure; texts are i18n keys `config.failure.<id>.cause` / `.fix` (en + zh-CN) with values.
 */

/** Every failure the app recognises. */
export const FAILURE_IDS = [
  'cuda-oom',
  'callback-docker-internal',
  'callback-unreachable',
  'port-allocated',
  'image-pull-denied',
  'image-not-found',
  'disk-full',
  'keyring-password',
  'env-key-name-empty',
  'env-account-pubkey-empty',
  'state-sync-crash-loop',
] as const
/** One of {@link FAILURE_IDS}. */
export type FailureId = (typeof FAILURE_IDS)[number]

/** What the app knows about one container when it looks for a failure. */
export interface ContainerObservation {
  /** Compose service name (`api`, `node`, `mlnode-308`, `inference`, …). */
  readonly service: string
  /** Docker's state of the container, when it exists. */
  readonly state?: 'created' | 'running' | 'restarting' | 'exited' | 'paused' | 'dead' | 'removing'
  readonly exitCode?: number
  readonly restartCount?: number
  /** The latest log lines (stdout and stderr), oldest first; also compose/pull output for the service. */
  readonly lines: readonly string[]
  /** The deployment's topology (a Docker-internal callback is fine on one machine). */
  readonly topology?: Topology
}

/** A recognised failure: the cause and fix as i18n keys, their values, and the log line that shows it. */
export interface FailureMatch {
  readonly id: FailureId
  readonly service: string
  readonly causeKey: string
  readonly fixKey: string
  readonly params: Record<string, string>
  /** The line the cause was recognised from (trimmed to 300 characters). */
  readonly evidence: string
}

interface Pattern {
  readonly id: FailureId
  /** The services whose logs can show it (undefined: any). */
  readonly services?: readonly string[]
  readonly test: (line: string, obs: ContainerObservation) => Record<string, string> | undefined
  /** Extra condition on the container state (e.g. a crash loop). */
  readonly when?: (obs: ContainerObservation) => boolean
}

const match = (
  re: RegExp,
  line: string,
  names: readonly string[] = [],
): Record<string, string> | undefined => {
  const m = re.exec(line)
  if (!m) return undefined
  const out: Record<string, string> = {}
  names.forEach((n, i) => {
    const v = m[i + 1]
    if (v !== undefined) out[n] = v
  })
  return out
}

const crashLooping = (o: ContainerObservation): boolean =>
  o.state === 'restarting' || (o.restartCount ?? 0) >= 3 || (o.state === 'exited' && (o.exitCode ?? 0) !== 0)

const CALLBACK_SEND = /(?:send|post)\w*\s+(?:generated|validated)\s+batch|poc-batches|callback/i
const DOCKER_HOST = /\b(?:https?:\/\/)?(api):9100\b|host='api', port=9100/i

const PATTERNS: readonly Pattern[] = [
  {
    id: 'cuda-oom',
    test: (l) =>
      match(
        /(CUDA out of memory|torch\.(?:cuda\.)?OutOfMemoryError|cudaErrorMemoryAllocation|No available memory for the cache blocks|CUBLAS_STATUS_ALLOC_FAILED)/i,
        l,
        ['what'],
      ),
  },
  {
    id: 'callback-docker-internal',
    test: (l, o) =>
      o.topology === 'split' &&
      CALLBACK_SEND.test(l) &&
      DOCKER_HOST.test(l) &&
      /fail|error|refused|resolve|not known|unreachable|timed? ?out/i.test(l)
        ? { url: 'http://api:9100' }
        : undefined,
  },
  {
    id: 'callback-unreachable',
    test: (l): Record<string, string> | undefined => {
      if (!CALLBACK_SEND.test(l) || DOCKER_HOST.test(l)) return undefined
      if (!/fail|error|refused|unreachable|timed? ?out|no route/i.test(l)) return undefined
      const url = /(https?:\/\/[^\s'"),]+)/.exec(l)?.[1]
      return url ? { url } : {}
    },
  },
  {
    id: 'port-allocated',
    test: (l) =>
      match(/Bind for [^\s]*?:(\d+) failed: port is already allocated/i, l, ['port']) ??
      match(/listen tcp[^:]*:\S*?:(\d+): bind: address already in use/i, l, ['port']) ??
      match(/(?:0\.0\.0\.0|\[::\]|127\.0\.0\.1):(\d+)[^\n]*address already in use/i, l, ['port']),
  },
  {
    id: 'image-pull-denied',
    test: (l) =>
      match(/pull access denied for ([^\s,]+)/i, l, ['image']) ??
      match(/(?:Error response from daemon: )?(?:Head|Get) "https:\/\/([^"/]+)[^"]*": denied/i, l, [
        'registry',
      ]) ??
      match(/error from registry: denied|unauthorized: authentication required/i, l),
  },
  {
    id: 'image-not-found',
    test: (l) =>
      match(/manifest for ([^\s]+) not found/i, l, ['image']) ??
      match(/([\w./-]+:[\w.-]+): not found|manifest unknown/i, l, ['image']),
  },
  { id: 'disk-full', test: (l) => match(/no space left on device|ENOSPC|disk quota exceeded/i, l) },
  {
    id: 'keyring-password',
    services: ['api', 'node', 'versiond'],
    test: (l) =>
      match(
        /aes\.KeyUnwrap\(\): integrity check failed|incorrect passphrase|too many failed passphrase attempts|ciphertext decryption failed/i,
        l,
      ),
  },
  {
    id: 'env-key-name-empty',
    services: ['api'],
    test: (l) => match(/KEY_NAME is required|KEY_NAME (?:is )?(?:not set|empty)/i, l),
  },
  {
    id: 'env-account-pubkey-empty',
    services: ['api'],
    test: (l) => match(/ACCOUNT_PUBKEY is required|ACCOUNT_PUBKEY not provided/i, l),
  },
  {
    id: 'state-sync-crash-loop',
    services: ['node'],
    when: crashLooping,
    test: (l) =>
      match(
        /(no validator signing info found|failed to restore snapshot|state ?sync(?:hronization)? failed|error (?:applying|verifying) snapshot|snapshot (?:is )?corrupt|failed to (?:apply|load) snapshot chunk|app ?hash mismatch)/i,
        l,
        ['what'],
      ),
  },
]

/**
 * Recognises the failures shown by one container's log lines and state. Each failure is reported once
 * (the latest line that shows it); an empty list means nothing recognised.
 */
export function recognizeFailures(obs: ContainerObservation): FailureMatch[] {
  const found = new Map<FailureId, FailureMatch>()
  for (const pattern of PATTERNS) {
    if (pattern.services && !pattern.services.includes(obs.service)) continue
    if (pattern.when && !pattern.when(obs)) continue
    for (let i = obs.lines.length - 1; i >= 0; i--) {
      const line = obs.lines[i] ?? ''
      const params = pattern.test(line, obs)
      if (!params) continue
      found.set(pattern.id, {
        id: pattern.id,
        service: obs.service,
        causeKey: `config.failure.${pattern.id}.cause`,
        fixKey: `config.failure.${pattern.id}.fix`,
        params: { service: obs.service, ...params },
        evidence: line.trim().slice(0, 300),
      })
      break
    }
  }
  // A Docker-internal callback is the more precise cause of the same log line.
  if (found.has('callback-docker-internal')) found.delete('callback-unreachable')
  // "pull access denied … may not exist" is one cause, not two.
  if (found.has('image-pull-denied')) found.delete('image-not-found')
  return FAILURE_IDS.flatMap((id) => {
    const m = found.get(id)
    return m ? [m] : []
  })
}
