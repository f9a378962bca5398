import { z } from 'zod'
import { AppFailure } from '../errors'

/**
 * Client of a seed's (or a host proxy's) public and chain API: participant record, current epoch,
 * active set, chain height. Upstream writes Go structs of protos: snake_case, zero values omitted
 * (`omitempty`), the participant status an int enum; every field here is optional for that reason.
 */

/** Default limit of one public API request. */
export const PUBLIC_TIMEOUT_MS = 10_000

const MAX_BODY_BYTES = 16 * 1024 * 1024

/** Upstream's participant status enum (proto order); strings are tolerated (the stand-in sends names). */
export const PARTICIPANT_STATUSES: Readonly<Record<number, string>> = {
  0: 'UNSPECIFIED',
  1: 'ACTIVE',
  2: 'INACTIVE',
  3: 'INVALID',
  5: 'UNCONFIRMED',
}

/** The participant status as a name, whatever form the answer used. */
export function participantStatusName(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return 'UNSPECIFIED' // omitempty drops 0
  if (typeof value === 'string') return value.toUpperCase().replace(/^PARTICIPANT_STATUS_/, '')
  return PARTICIPANT_STATUSES[value] ?? `STATUS_${value}`
}

/** Numbers arrive as JSON numbers (Go ints) or strings (gRPC gateway int64); both are read. */
const intLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
])

/** `GET /v2/participants/<addr>`: the participant (bare or wrapped in `{participant}`). */
export const participantSchema = z
  .object({
    index: z.string().nullish(),
    address: z.string().nullish(),
    weight: intLike.nullish(),
    join_time: intLike.nullish(),
    join_height: intLike.nullish(),
    inference_url: z.string().nullish(),
    status: z.union([z.number(), z.string()]).nullish(),
    validator_key: z.string().nullish(),
    worker_public_key: z.string().nullish(),
    epochs_completed: intLike.nullish(),
    current_epoch_stats: z
      .object({
        inference_count: intLike.nullish(),
        missed_requests: intLike.nullish(),
        earned_coins: intLike.nullish(),
        rewarded_coins: intLike.nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough()
/** See {@link participantSchema}. */
export type Participant = z.infer<typeof participantSchema>

const stagesSchema = z
  .object({
    epoch_index: intLike.nullish(),
    poc_start: intLike.nullish(),
    poc_generation_end: intLike.nullish(),
    poc_validation_end: intLike.nullish(),
    set_new_validators: intLike.nullish(),
    next_poc_start: intLike.nullish(),
  })
  .passthrough()

/** `GET /v1/epochs/latest`. */
export const epochLatestSchema = z
  .object({
    block_height: intLike.nullish(),
    latest_epoch: z
      .object({ index: intLike.nullish(), poc_start_block_height: intLike.nullish() })
      .passthrough()
      .nullish(),
    phase: z.string().nullish(),
    epoch_stages: stagesSchema.nullish(),
    next_epoch_stages: stagesSchema.nullish(),
    is_confirmation_poc_active: z.boolean().nullish(),
  })
  .passthrough()
/** See {@link epochLatestSchema}. */
export type EpochLatest = z.infer<typeof epochLatestSchema>

/** `GET /v1/epochs/current/participants` (only the parts the status page reads). */
export const epochParticipantsSchema = z
  .object({
    active_participants: z
      .object({
        participants: z
          .array(
            z
              .object({
                index: z.string().nullish(),
                weight: intLike.nullish(),
                models: z.array(z.string()).nullish(),
                inference_url: z.string().nullish(),
              })
              .passthrough(),
          )
          .nullish(),
        epoch_id: intLike.nullish(),
      })
      .passthrough()
      .nullish(),
    excluded_participants: z
      .array(z.object({ address: z.string().nullish(), reason: z.string().nullish() }).passthrough())
      .nullish(),
  })
  .passthrough()
/** See {@link epochParticipantsSchema}. */
export type EpochParticipants = z.infer<typeof epochParticipantsSchema>

/** CometBFT `/status` (through the seed's `/chain-rpc/`); only `sync_info` is read. */
export const chainStatusSchema = z
  .object({
    result: z
      .object({
        sync_info: z
          .object({
            latest_block_height: intLike.nullish(),
            latest_block_time: z.string().nullish(),
            catching_up: z.boolean().nullish(),
            earliest_block_height: intLike.nullish(),
            earliest_block_time: z.string().nullish(),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough()

/** The chain height and time a node reports. */
export interface ChainHeight {
  readonly height: number
  readonly time?: string
  readonly catchingUp?: boolean
  /** Mean seconds per block over the node's stored range, when it says. */
  readonly secondsPerBlock?: number
}

/** A 404 from the public API (unknown participant, or an empty active set's "PoC failed"). */
export class PublicNotFound extends AppFailure {
  constructor(
    readonly apiMessage: string,
    where: string,
  ) {
    super('NOT_FOUND', `Not found at ${where}: ${apiMessage || '(no message)'}`, { details: { apiMessage } })
    this.name = 'PublicNotFound'
  }
}

/** Typed client of a seed's public API. */
export class PublicApiClient {
  private readonly base: URL

  constructor(
    baseUrl: string,
    private readonly options: { timeoutMs?: number } = {},
  ) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`)
  }

  /** The participant record; undefined when the seed does not know the address (404). */
  async participant(address: string, signal?: AbortSignal): Promise<Participant | undefined> {
    try {
      const body = await this.get(`v2/participants/${encodeURIComponent(address)}`, z.unknown(), signal)
      const wrapped = z.object({ participant: z.unknown() }).safeParse(body)
      return this.shape(
        wrapped.success ? wrapped.data.participant : body,
        participantSchema,
        'v2/participants',
      )
    } catch (error) {
      if (error instanceof PublicNotFound) return undefined
      throw error
    }
  }

  /** The current epoch, its phase and stages. */
  epochLatest(signal?: AbortSignal): Promise<EpochLatest> {
    return this.get('v1/epochs/latest', epochLatestSchema, signal)
  }

  /** The current active set; undefined when upstream answers 404 (empty set, "PoC failed"). */
  async currentParticipants(signal?: AbortSignal): Promise<EpochParticipants | undefined> {
    try {
      return await this.get('v1/epochs/current/participants', epochParticipantsSchema, signal)
    } catch (error) {
      if (error instanceof PublicNotFound) return undefined
      throw error
    }
  }

  /** The seed's chain height (`/chain-rpc/status`). */
  async chainHeight(signal?: AbortSignal): Promise<ChainHeight> {
    return chainHeightOf(await this.get('chain-rpc/status', chainStatusSchema, signal))
  }

  private shape<T extends z.ZodType>(body: unknown, schema: T, where: string): z.output<T> {
    const parsed = schema.safeParse(body)
    if (!parsed.success)
      throw new AppFailure('CHECK_FAILED', `The answer of ${where} has an unexpected shape.`, {
        details: { where },
      })
    return parsed.data
  }

  private async get<T extends z.ZodType>(
    path: string,
    schema: T,
    signal?: AbortSignal,
  ): Promise<z.output<T>> {
    const url = new URL(path, this.base)
    const timeoutMs = this.options.timeoutMs ?? PUBLIC_TIMEOUT_MS
    const timeout = AbortSignal.timeout(timeoutMs)
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    let status: number
    let text: string
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: combined })
      status = response.status
      text = await readCapped(response)
    } catch (error) {
      if (signal?.aborted) throw new AppFailure('CANCELLED', 'The operation was cancelled.', { cause: error })
      if (timeout.aborted)
        throw new AppFailure(
          'TIMEOUT',
          `${url.origin} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
          {
            cause: error,
          },
        )
      throw new AppFailure('UNREACHABLE', `Cannot reach ${url.origin} (${causeText(error)}).`, {
        hint: 'Check the seed API address and that this computer can reach it.',
        cause: error,
      })
    }
    const message = status >= 200 && status < 300 ? '' : errorText(text)
    if (status === 404) throw new PublicNotFound(message, url.pathname)
    if (status < 200 || status >= 300)
      throw new AppFailure(
        status >= 500 ? 'UNREACHABLE' : 'CHECK_FAILED',
        `${url.origin} answered HTTP ${status} for ${url.pathname}${message ? `: ${message}` : ''}.`,
        { details: { status } },
      )
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (error) {
      throw new AppFailure('CHECK_FAILED', `The answer of ${url.pathname} is not JSON.`, { cause: error })
    }
    return this.shape(body, schema, url.pathname)
  }
}

/** Height, time and catching-up of a CometBFT `/status` answer. */
export function chainHeightOf(status: z.output<typeof chainStatusSchema>): ChainHeight {
  const s = status.result.sync_info
  const height = s.latest_block_height ?? 0
  let secondsPerBlock: number | undefined
  if (s.earliest_block_height != null && s.earliest_block_time && s.latest_block_time) {
    const blocks = height - s.earliest_block_height
    const seconds = (Date.parse(s.latest_block_time) - Date.parse(s.earliest_block_time)) / 1000
    if (blocks > 100 && seconds > 0) secondsPerBlock = seconds / blocks
  }
  return {
    height,
    ...(s.latest_block_time ? { time: s.latest_block_time } : {}),
    ...(s.catching_up != null ? { catchingUp: s.catching_up } : {}),
    ...(secondsPerBlock !== undefined ? { secondsPerBlock } : {}),
  }
}

function errorText(text: string): string {
  try {
    const parsed = z.object({ error: z.string() }).safeParse(JSON.parse(text))
    if (parsed.success) return parsed.data.error
  } catch {
    // plain text
  }
  return text.trim().slice(0, 300)
}

async function readCapped(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? '0')
  if (length > MAX_BODY_BYTES) {
    await response.body?.cancel().catch(() => undefined)
    throw new AppFailure('CHECK_FAILED', 'The answer is too large.')
  }
  const text = await response.text()
  if (text.length > MAX_BODY_BYTES) throw new AppFailure('CHECK_FAILED', 'The answer is too large.')
  return text
}

function causeText(error: unknown): string {
  let e: unknown = error
  for (let i = 0; i < 4 && e instanceof Error && e.cause !== undefined; i++) e = e.cause
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code
    return typeof code === 'string' ? code : e.message
  }
  return String(e)
}
