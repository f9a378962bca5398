import { z } from 'zod'
import {
  NETWORK_MODELS_FAILURES,
  type ModelRequirement,
  type NetworkModels,
  type NetworkModelsFailure,
} from '../../shared/checks'
import { validateSeedApiUrl, type ValidationKey } from '../../shared/profile'
import { AppFailure } from '../errors'
import { FALLBACK_MODELS, FALLBACK_MODELS_AS_OF, resolveModels } from './models'

/** Where a seed node's public API serves the governance-approved model list. */
export const GOVERNANCE_MODELS_PATH = '/v1/governance/models'

/** How long one read of the list may take unless the caller says otherwise. */
export const GOVERNANCE_TIMEOUT_MS = 10_000

/** The most the app reads of the answer; the real list is a few kilobytes. */
const MAX_BODY_BYTES = 4 * 1024 * 1024

/**
 * `v_ram` is the model's GPU memory need per ML node in GB (the reference's model tables and the
 * governance proposals size models in GB: 320 for MiniMax M2.7, 720 for Kimi K2.6). No ML node has
 * more than 16 TB of GPU memory, so a larger figure can only be MiB and is converted.
 */
const VRAM_GB_PLAUSIBLE_MAX = 16_384

/** Why reading the list failed; the UI words each one in the user's language. */
export type GovernanceFailureReason = NetworkModelsFailure

/**
 * Go's encoding/json writes uint64 as a number, the chain's gRPC gateway as a string: take both.
 * Zero or absent means the record does not say.
 */
const vramSchema = z.union([
  z.number().nonnegative().finite(),
  z
    .string()
    .regex(/^\d{1,12}(\.\d{1,6})?$/)
    .transform(Number),
  z.null().transform(() => undefined),
])

/** One governance model record: only the fields the app uses are required; the rest are kept loose. */
const governanceModelSchema = z
  .object({
    id: z.string().trim().min(1).max(200),
    v_ram: vramSchema.optional(),
    model_args: z.array(z.string().max(1000)).max(200).nullish(),
    hf_repo: z.string().max(300).nullish(),
    hf_commit: z.string().max(100).nullish(),
  })
  .passthrough()

const governanceListSchema = z.object({ models: z.array(z.unknown()).max(1000).nullable() }).passthrough()

/** The network's model list, mapped to what the checks need. */
export interface GovernanceModels {
  /** The URL that was read (without credentials; the seed URL never has any). */
  readonly url: string
  readonly models: ModelRequirement[]
  /** Records that could not be used, with why (`id: reason`); the rest are still returned. */
  readonly skipped: string[]
}

const failure = (
  code: ConstructorParameters<typeof AppFailure>[0],
  reason: GovernanceFailureReason,
  message: string,
  hint: string,
  extra: { details?: Record<string, string | number | boolean>; cause?: unknown } = {},
): AppFailure =>
  new AppFailure(code, message, {
    hint,
    details: { reason, ...extra.details },
    ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
  })

const URL_HINTS: Record<Extract<ValidationKey, `seedUrl${string}`>, string> = {
  seedUrlInvalid: 'Enter the seed API URL like http://node2.gonka.ai:8000.',
  seedUrlScheme: 'The seed API URL must start with http:// or https://.',
  seedUrlCredentials: 'Remove the user name and password from the seed API URL.',
  seedUrlQuery: 'Remove the ? or # part from the seed API URL.',
}

/**
 * Parses a seed API URL (`http(s)://host[:port][/prefix]`). Throws INVALID_INPUT with the validation
 * key as the `seedApiUrl` field problem when it is not one.
 */
export function parseSeedApiUrl(raw: string): URL {
  const value = raw.trim()
  const problem: ValidationKey | undefined = value === '' ? 'seedUrlInvalid' : validateSeedApiUrl(value)
  if (problem) {
    const hint = (URL_HINTS as Record<string, string>)[problem] ?? URL_HINTS.seedUrlInvalid
    throw new AppFailure('INVALID_INPUT', 'The seed API URL is not valid.', {
      hint,
      fields: { seedApiUrl: problem },
      details: { reason: 'url' },
    })
  }
  return new URL(value)
}

/** `<seed>/v1/governance/models`, keeping a path prefix the seed may sit under. */
export function governanceModelsUrl(seed: URL): URL {
  const url = new URL(seed.href)
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${GOVERNANCE_MODELS_PATH}`
  return url
}

/** GB from a `v_ram` figure (see {@link VRAM_GB_PLAUSIBLE_MAX}); undefined when it says nothing. */
export function vramGbFromGovernance(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return undefined
  const gb = value > VRAM_GB_PLAUSIBLE_MAX ? value / 1024 : value
  return Math.round(gb * 10) / 10
}

/**
 * Maps the answer of `GET /v1/governance/models` to model requirements. Throws CHECK_FAILED when the
 * answer is not that list at all; single records without an id or a VRAM figure are skipped and named.
 * The network list has no weights size: it is taken from the offline list for the same model id.
 */
export function mapGovernanceModels(body: unknown): { models: ModelRequirement[]; skipped: string[] } {
  const list = governanceListSchema.safeParse(body)
  if (!list.success)
    throw failure(
      'CHECK_FAILED',
      'shape',
      'The seed answered, but not with a model list ({"models":[…]} was expected).',
      'Check that the URL is a seed node’s public API (port 8000 on the public seeds).',
    )
  const models: ModelRequirement[] = []
  const skipped: string[] = []
  for (const [index, raw] of (list.data.models ?? []).entries()) {
    const record = governanceModelSchema.safeParse(raw)
    if (!record.success) {
      const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? (raw as { id: string }).id : ''
      skipped.push(`${id || `#${index + 1}`}: not a model record`)
      continue
    }
    const { id } = record.data
    if (models.some((m) => m.id.toLowerCase() === id.toLowerCase())) continue // first record wins
    const offline = FALLBACK_MODELS.find((m) => m.id.toLowerCase() === id.toLowerCase())
    const vramGb = vramGbFromGovernance(record.data.v_ram)
    const args = record.data.model_args ?? undefined
    const modelArgs = args && args.length > 0 ? { modelArgs: [...args] } : {}
    if (vramGb === undefined) {
      // Seed-era records sometimes leave v_ram at zero: fall back to the docs' figure when there is one.
      if (offline) models.push({ ...offline, id, ...modelArgs })
      else skipped.push(`${id}: no GPU memory figure (v_ram)`)
      continue
    }
    if (vramGb > 100_000) {
      skipped.push(`${id}: implausible GPU memory figure (v_ram ${String(record.data.v_ram)})`)
      continue
    }
    models.push({
      id,
      vramGb,
      ...(offline?.weightsGb !== undefined ? { weightsGb: offline.weightsGb } : {}),
      ...modelArgs,
    })
  }
  if (models.length === 0)
    throw failure(
      'CHECK_FAILED',
      'empty',
      skipped.length > 0
        ? `The seed's model list has no usable model (${skipped.join('; ')}).`
        : "The seed's model list is empty.",
      'Try another seed node, or use the offline list.',
    )
  return { models, skipped }
}

/** Reads the body as text, refusing answers larger than {@link MAX_BODY_BYTES}. */
async function readCapped(response: Response, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0')
  const tooLarge = (): AppFailure =>
    failure(
      'CHECK_FAILED',
      'shape',
      `The answer from ${url} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB; a model list is a few kB.`,
      'Check that the URL is a seed node’s public API.',
    )
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel().catch(() => undefined)
    throw tooLarge()
  }
  if (!response.body) return ''
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The innermost cause's code or message of a fetch failure (undici wraps the socket error). */
function causeText(error: unknown): string {
  let e: unknown = error
  for (let i = 0; i < 4 && e instanceof Error && e.cause !== undefined; i++) e = e.cause
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    return typeof code === 'string' ? code : e.message
  }
  return String(e)
}

/**
 * Reads the governance-approved model list from a seed node: `GET <seedApiUrl>/v1/governance/models`.
 * Throws {@link AppFailure}: INVALID_INPUT for a bad URL, UNREACHABLE when the seed cannot be reached
 * or answers 5xx, TIMEOUT after `timeoutMs`, CANCELLED when the caller aborts, CHECK_FAILED when the
 * answer is not a usable model list (details.reason says which).
 */
export async function fetchGovernanceModels(
  seedApiUrl: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<GovernanceModels> {
  const url = governanceModelsUrl(parseSeedApiUrl(seedApiUrl))
  const where = url.href
  const timeoutMs = options.timeoutMs ?? GOVERNANCE_TIMEOUT_MS
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  const aborted = (error: unknown): AppFailure =>
    options.signal?.aborted
      ? new AppFailure('CANCELLED', 'The operation was cancelled.', { retryable: true, cause: error })
      : failure(
          'TIMEOUT',
          'timeout',
          `The seed did not answer within ${Math.round(timeoutMs / 1000)} s (${where}).`,
          'Check the address and port, or try another seed node.',
          { cause: error },
        )
  let text: string
  try {
    if (options.signal?.aborted) throw options.signal.reason
    const response = await fetch(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      redirect: 'follow',
      signal,
    })
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined)
      const server = response.status >= 500
      throw failure(
        server ? 'UNREACHABLE' : 'CHECK_FAILED',
        'http',
        `The seed answered HTTP ${response.status} for ${where}.`,
        server
          ? 'The seed node has a problem; try again later or use another seed node.'
          : 'Check that the URL is a seed node’s public API (port 8000 on the public seeds), without a path.',
        { details: { status: response.status } },
      )
    }
    text = await readCapped(response, where)
  } catch (error) {
    if (error instanceof AppFailure) throw error
    if (signal.aborted) throw aborted(error)
    throw failure(
      'UNREACHABLE',
      'network',
      `Cannot reach the seed at ${url.origin} (${causeText(error)}).`,
      'Check the address and port, that the seed node is up, and that this computer can reach it.',
      { cause: error },
    )
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (error) {
    throw failure(
      'CHECK_FAILED',
      'json',
      `The seed's answer at ${where} is not JSON.`,
      'Check that the URL is a seed node’s public API (port 8000 on the public seeds).',
      { cause: error },
    )
  }
  return { url: where, ...mapGovernanceModels(body) }
}

const REASONS: ReadonlySet<string> = new Set<string>(NETWORK_MODELS_FAILURES)

/**
 * The model list the checks should use: the seed's governance list when a seed is given and answers,
 * else the dated offline list with why (an answer, not an error). Only a cancel by the caller throws.
 */
export async function readNetworkModels(
  seedApiUrl: string | undefined,
  options: { signal?: AbortSignal; timeoutMs?: number; now?: () => Date } = {},
): Promise<NetworkModels> {
  const seed = seedApiUrl?.trim() ?? ''
  const offline: NetworkModels = {
    source: 'offline',
    asOf: FALLBACK_MODELS_AS_OF,
    models: [...FALLBACK_MODELS],
  }
  if (seed === '') return offline
  try {
    const read = await fetchGovernanceModels(seed, options)
    return {
      source: 'network',
      asOf: (options.now?.() ?? new Date()).toISOString(),
      seedApiUrl: seed,
      models: read.models,
      ...(read.skipped.length > 0 ? { skipped: read.skipped } : {}),
    }
  } catch (error) {
    if (!(error instanceof AppFailure)) throw error
    if (error.code === 'CANCELLED') throw error
    const reason = error.details?.reason
    const status = error.details?.status
    return {
      ...offline,
      seedApiUrl: seed,
      error: error.hint ? `${error.message} ${error.hint}` : error.message,
      errorCode: error.code,
      ...(typeof reason === 'string' && REASONS.has(reason)
        ? { errorReason: reason as NetworkModelsFailure }
        : {}),
      ...(typeof status === 'number' ? { errorStatus: status } : {}),
    }
  }
}

/**
 * Resolves the chosen model ids against the list {@link readNetworkModels} answers (the seed's, else
 * the offline one), and returns that list too so the caller can say where the figures came from.
 */
export async function resolveNetworkModels(
  ids: readonly string[],
  seedApiUrl: string | undefined,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<{
  list: NetworkModels
  models: ModelRequirement[]
  unknown: string[]
  source: NetworkModels['source']
}> {
  const list = await readNetworkModels(seedApiUrl, options)
  const { models, unknown } = resolveModels(ids, list.models)
  return { list, models, unknown, source: list.source }
}
