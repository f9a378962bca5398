import http from 'node:http'
import type { Duplex } from 'node:stream'
import { z } from 'zod'
import { AppFailure } from '../errors'

/**
 * Client of the network node's admin API (`127.0.0.1:9200` on the network server, no authentication).
 * Shapes follow upstream's `decentralized-api` (see the reference, §3): errors are `{"error": …}`,
 * node state statuses are strings, `hardware` may be null, `node_num` may be absent.
 */

/** The admin API's port on the network server; only ever reached through an SSH tunnel. */
export const ADMIN_API_PORT = 9200

/** Default limit of one admin API request. */
export const ADMIN_TIMEOUT_MS = 15_000

/** The most the client reads of one answer. */
const MAX_BODY_BYTES = 8 * 1024 * 1024

const portNumber = z.number().int()

/** One ML node as the admin API stores it (request body and `node` of a listing). */
export const adminNodeConfigSchema = z
  .object({
    id: z.string(),
    host: z.string(),
    inference_port: portNumber,
    poc_port: portNumber,
    max_concurrent: z.number().int(),
    models: z.record(z.string(), z.object({ args: z.array(z.string()).nullish() }).passthrough()).nullish(),
    inference_segment: z.string().nullish(),
    poc_segment: z.string().nullish(),
    node_num: z.number().int().nullish(),
    hardware: z.array(z.object({ type: z.string(), count: z.number().int() }).passthrough()).nullish(),
  })
  .passthrough()
/** See {@link adminNodeConfigSchema}. */
export type AdminNodeConfig = z.infer<typeof adminNodeConfigSchema>

/** The body the app sends to create or update one ML node (`POST /admin/v1/nodes`). */
export interface AdminNodeInput {
  readonly id: string
  readonly host: string
  readonly inference_port: number
  readonly poc_port: number
  readonly max_concurrent: number
  readonly models: Readonly<Record<string, { readonly args: readonly string[] }>>
  readonly hardware?: readonly { readonly type: string; readonly count: number }[]
}

/** The state part of a listing item; every field tolerated as absent. */
export const adminNodeStateSchema = z
  .object({
    intended_status: z.string().nullish(),
    current_status: z.string().nullish(),
    reconcile_info: z
      .object({ status: z.union([z.number(), z.string()]).nullish(), poc_status: z.unknown() })
      .passthrough()
      .nullish(),
    poc_intended_status: z.string().nullish(),
    poc_current_status: z.string().nullish(),
    lock_count: z.number().nullish(),
    failure_reason: z.string().nullish(),
    status_timestamp: z.string().nullish(),
    admin_state: z
      .object({ enabled: z.boolean().nullish(), epoch: z.number().nullish() })
      .passthrough()
      .nullish(),
    ml_node_version: z.string().nullish(),
    epoch_models: z.record(z.string(), z.unknown()).nullish(),
    epoch_ml_nodes: z
      .record(
        z.string(),
        z
          .object({
            node_id: z.string().nullish(),
            poc_weight: z.number().nullish(),
            timeslot_allocation: z.array(z.boolean()).nullish(),
          })
          .passthrough(),
      )
      .nullish(),
    preserved_models: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough()
/** See {@link adminNodeStateSchema}. */
export type AdminNodeState = z.infer<typeof adminNodeStateSchema>

/** One item of `GET /admin/v1/nodes`. */
export const adminNodeItemSchema = z.object({
  node: adminNodeConfigSchema,
  state: adminNodeStateSchema.nullish(),
})
/** See {@link adminNodeItemSchema}. */
export type AdminNodeItem = z.infer<typeof adminNodeItemSchema>

const nodeListSchema = z
  .array(adminNodeItemSchema)
  .nullable()
  .transform((v) => v ?? [])

const enableSchema = z.object({ message: z.string().nullish(), node_id: z.string().nullish() }).passthrough()

/** One check of the setup report. */
export const setupCheckSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    message: z.string().nullish(),
    details: z.unknown().optional(),
  })
  .passthrough()
/** See {@link setupCheckSchema}. */
export type SetupCheck = z.infer<typeof setupCheckSchema>

/** `GET /admin/v1/setup/report` (experimental upstream; cached there for 60 s). */
export const setupReportSchema = z
  .object({
    experimental: z.boolean().nullish(),
    generated_at: z.string().nullish(),
    cached_until: z.string().nullish(),
    overall_status: z.string(),
    checks: z
      .array(setupCheckSchema)
      .nullable()
      .transform((v) => v ?? []),
    summary: z
      .object({
        total_checks: z.number().nullish(),
        passed_checks: z.number().nullish(),
        failed_checks: z.number().nullish(),
        unavailable_checks: z.number().nullish(),
        issues: z.array(z.string()).nullish(),
        recommendations: z.array(z.string()).nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough()
/** See {@link setupReportSchema}. */
export type SetupReport = z.infer<typeof setupReportSchema>

/** GPU details of an `mlnode_<id>` check (upstream names; the older stand-in names tolerated). */
export const mlnodeCheckDetailsSchema = z
  .object({
    id: z.string().nullish(),
    host: z.string().nullish(),
    models: z.array(z.string()).nullish(),
    gpus: z
      .array(
        z
          .object({
            index: z.number().nullish(),
            name: z.string().nullish(),
            total_memory_gb: z.number().nullish(),
            free_memory_gb: z.number().nullish(),
            used_memory_gb: z.number().nullish(),
            total_gb: z.number().nullish(),
            free_gb: z.number().nullish(),
            used_gb: z.number().nullish(),
            utilization_percent: z.number().nullish(),
            temperature_c: z.number().nullish(),
            available: z.boolean().nullish(),
            error: z.string().nullish(),
          })
          .passthrough(),
      )
      .nullish(),
  })
  .passthrough()

/** `block_sync` details (upstream `latest_height`; the stand-in's `latest_block_height` tolerated). */
export const blockSyncDetailsSchema = z
  .object({
    latest_height: z.union([z.number(), z.string()]).nullish(),
    latest_block_height: z.union([z.number(), z.string()]).nullish(),
    latest_block_time: z.string().nullish(),
    seconds_since_block: z.number().nullish(),
  })
  .passthrough()

/** The ML node fields a rejected request can be pinned to (the profile's `mlNodes` field names). */
export const NODE_FIELDS = ['nodeId', 'host', 'inferencePort', 'pocPort', 'maxConcurrent', 'models'] as const
/** One of {@link NODE_FIELDS}. */
export type NodeField = (typeof NODE_FIELDS)[number]

/**
 * Message keys for field problems the admin API reports (translated under `nodes:field.*`). The
 * upstream text itself stays in the error's message.
 */
export const NODE_FIELD_KEYS = [
  'idRequired',
  'hostRequired',
  'portRange',
  'maxConcurrentPositive',
  'modelsRequired',
  'duplicateEndpoint',
  'modelNotGovernance',
  'invalid',
] as const
/** One of {@link NODE_FIELD_KEYS}. */
export type NodeFieldKey = (typeof NODE_FIELD_KEYS)[number]

const FIELD_RULES: readonly { pattern: RegExp; field: NodeField; key: NodeFieldKey }[] = [
  { pattern: /node id is required/i, field: 'nodeId', key: 'idRequired' },
  { pattern: /host is required/i, field: 'host', key: 'hostRequired' },
  { pattern: /inference_port must be/i, field: 'inferencePort', key: 'portRange' },
  { pattern: /poc_port must be/i, field: 'pocPort', key: 'portRange' },
  { pattern: /max_concurrent must be/i, field: 'maxConcurrent', key: 'maxConcurrentPositive' },
  { pattern: /at least one model/i, field: 'models', key: 'modelsRequired' },
  { pattern: /duplicate inference host\+port/i, field: 'inferencePort', key: 'duplicateEndpoint' },
  { pattern: /duplicate poc host\+port/i, field: 'pocPort', key: 'duplicateEndpoint' },
  { pattern: /no governance-valid models/i, field: 'models', key: 'modelNotGovernance' },
  { pattern: /is not a valid governance model/i, field: 'models', key: 'modelNotGovernance' },
  { pattern: /invalid model/i, field: 'models', key: 'modelNotGovernance' },
]

/**
 * Maps an admin API error text to field problems: field → message key. Several problems in one text
 * (`validation failed: a; b`) give several fields; a text with none gives an empty object.
 */
export function fieldsOfAdminError(message: string): Partial<Record<NodeField, NodeFieldKey>> {
  const fields: Partial<Record<NodeField, NodeFieldKey>> = {}
  for (const part of message.split(/;\s*/)) {
    for (const rule of FIELD_RULES) {
      if (rule.pattern.test(part) && fields[rule.field] === undefined) fields[rule.field] = rule.key
    }
  }
  return fields
}

/** A non-2xx answer of the admin API, as text (`{"error": …}`, nested for batches) and status. */
export class AdminApiError extends AppFailure {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
    readonly apiErrors: readonly string[],
    where: string,
  ) {
    const fields = fieldsOfAdminError([apiMessage, ...apiErrors].join('; '))
    const hasFields = Object.keys(fields).length > 0
    super(
      status === 404 ? 'NOT_FOUND' : hasFields || status === 400 ? 'INVALID_INPUT' : 'REMOTE_COMMAND_FAILED',
      `The admin API answered HTTP ${status} for ${where}: ${[apiMessage, ...apiErrors].filter(Boolean).join('; ') || '(no message)'}`,
      {
        details: { status, apiMessage: apiMessage.slice(0, 500) },
        ...(hasFields ? { fields } : {}),
        retryable: status >= 500 && !hasFields,
      },
    )
    this.name = 'AdminApiError'
  }
}

const errorBodySchema = z.object({
  error: z.union([
    z.string(),
    z.object({ error: z.string().nullish(), errors: z.array(z.string()).nullish() }).passthrough(),
  ]),
})

/** Reads upstream's `{"error": …}` body (string or the batch's nested object); text otherwise. */
export function parseAdminError(text: string): { message: string; errors: string[] } {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text))
    if (parsed.success) {
      const e = parsed.data.error
      if (typeof e === 'string') return { message: e, errors: [] }
      return { message: e.error ?? '', errors: e.errors ?? [] }
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return { message: text.trim().slice(0, 500), errors: [] }
}

/** How requests reach the admin API: a base URL, and optionally an agent (the SSH tunnel). */
export interface AdminTransport {
  /** `http://127.0.0.1:9200` as seen from the network server (or a local test server). */
  readonly baseUrl: string
  /** Carries the connection (e.g. {@link tunnelAgent}); Node's default agent when absent. */
  readonly agent?: http.Agent
  readonly timeoutMs?: number
}

/** The raw answer of one request. */
interface RawAnswer {
  readonly status: number
  readonly text: string
}

/** A stream that stands in for a socket: the http client calls these on sockets it is given. */
function socketLike(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>
  for (const name of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref'] as const) {
    if (typeof s[name] !== 'function') s[name] = () => s
  }
  return s
}

/**
 * An http.Agent whose connections are streams `open()` returns, e.g. `pool.forwardOut(target,
 * '127.0.0.1', 9200)`: the request travels inside the SSH connection and nothing listens anywhere.
 * One stream per request (no keep-alive), so each closes its channel when the answer is read.
 */
export function tunnelAgent(open: () => Promise<Duplex>): http.Agent {
  class TunnelAgent extends http.Agent {
    override createConnection(
      _options: unknown,
      callback?: (error: Error | null, socket: Duplex) => void,
    ): undefined {
      open().then(
        (stream) => callback?.(null, socketLike(stream)),
        (error: unknown) =>
          callback?.(error instanceof Error ? error : new Error(String(error)), undefined as never),
      )
      return undefined
    }
  }
  return new TunnelAgent({ keepAlive: false })
}

/** Typed client of the admin API routes the wizard uses. */
export class AdminApiClient {
  constructor(private readonly transport: AdminTransport) {}

  /** `GET /admin/v1/nodes`: every ML node the api knows, with its state. */
  async listNodes(signal?: AbortSignal): Promise<AdminNodeItem[]> {
    return this.json('GET', '/admin/v1/nodes', nodeListSchema, { signal })
  }

  /** `POST /admin/v1/nodes`: creates or updates (by id) one ML node; answers the stored config. */
  async upsertNode(node: AdminNodeInput, signal?: AbortSignal): Promise<AdminNodeConfig> {
    return this.json('POST', '/admin/v1/nodes', adminNodeConfigSchema, { body: node, signal })
  }

  /** `PUT /admin/v1/nodes/:id` (the same handler as POST upstream). */
  async updateNode(node: AdminNodeInput, signal?: AbortSignal): Promise<AdminNodeConfig> {
    return this.json('PUT', `/admin/v1/nodes/${encodeURIComponent(node.id)}`, adminNodeConfigSchema, {
      body: node,
      signal,
    })
  }

  /**
   * `POST /admin/v1/nodes/batch`: 201 with every node, 206 with the stored ones and an error per
   * failed one; when all fail the 400 is thrown as {@link AdminApiError} with each error.
   */
  async batchNodes(
    nodes: readonly AdminNodeInput[],
    signal?: AbortSignal,
  ): Promise<{ nodes: AdminNodeConfig[]; errors: string[] }> {
    const answer = await this.request('POST', '/admin/v1/nodes/batch', nodes, signal)
    if (answer.status === 201 || answer.status === 200) {
      const list = this.parse(answer, z.array(adminNodeConfigSchema).nullable(), '/admin/v1/nodes/batch')
      return { nodes: list ?? [], errors: [] }
    }
    if (answer.status === 206) {
      const partial = this.parse(
        answer,
        z.object({
          nodes: z.array(adminNodeConfigSchema).nullish(),
          errors: z.array(z.string()).nullish(),
        }),
        '/admin/v1/nodes/batch',
      )
      return { nodes: partial.nodes ?? [], errors: partial.errors ?? [] }
    }
    throw this.error(answer, '/admin/v1/nodes/batch')
  }

  /** `POST nodes/:id/enable`; an unknown id is NOT_FOUND. */
  async enableNode(id: string, signal?: AbortSignal): Promise<void> {
    await this.json('POST', `/admin/v1/nodes/${encodeURIComponent(id)}/enable`, enableSchema, { signal })
  }

  /** `POST nodes/:id/disable` (the node serves to the epoch's end and skips the next PoC). */
  async disableNode(id: string, signal?: AbortSignal): Promise<void> {
    await this.json('POST', `/admin/v1/nodes/${encodeURIComponent(id)}/disable`, enableSchema, { signal })
  }

  /** `DELETE nodes/:id`: true when it existed; upstream answers 200 `false` for an unknown id. */
  async deleteNode(id: string, signal?: AbortSignal): Promise<boolean> {
    return this.json('DELETE', `/admin/v1/nodes/${encodeURIComponent(id)}`, z.boolean(), { signal })
  }

  /** `GET /admin/v1/setup/report`. */
  async setupReport(signal?: AbortSignal): Promise<SetupReport> {
    return this.json('GET', '/admin/v1/setup/report', setupReportSchema, { signal })
  }

  private async json<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    options: { body?: unknown; signal?: AbortSignal | undefined },
  ): Promise<z.output<T>> {
    const answer = await this.request(method, path, options.body, options.signal)
    if (answer.status < 200 || answer.status >= 300) throw this.error(answer, `${method} ${path}`)
    return this.parse(answer, schema, `${method} ${path}`)
  }

  private parse<T extends z.ZodType>(answer: RawAnswer, schema: T, where: string): z.output<T> {
    let body: unknown
    try {
      body = JSON.parse(answer.text)
    } catch (error) {
      throw new AppFailure('REMOTE_COMMAND_FAILED', `The admin API's answer to ${where} is not JSON.`, {
        cause: error,
        hint: 'Check that the api container of this version runs on the network server.',
      })
    }
    const parsed = schema.safeParse(body)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new AppFailure(
        'REMOTE_COMMAND_FAILED',
        `The admin API's answer to ${where} has an unexpected shape (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown'}).`,
        { hint: 'The api version may be newer or older than this app knows.' },
      )
    }
    return parsed.data
  }

  private error(answer: RawAnswer, where: string): AdminApiError {
    const { message, errors } = parseAdminError(answer.text)
    return new AdminApiError(answer.status, message, errors, where)
  }

  private request(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<RawAnswer> {
    const url = new URL(path, this.transport.baseUrl)
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8')
    const timeoutMs = this.transport.timeoutMs ?? ADMIN_TIMEOUT_MS
    return new Promise<RawAnswer>((resolve, reject) => {
      if (signal?.aborted) return reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
      let settled = false
      const finish = (error: AppFailure | undefined, answer?: RawAnswer): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        if (error) reject(error)
        else if (answer) resolve(answer)
      }
      const req = http.request(
        url,
        {
          method,
          ...(this.transport.agent ? { agent: this.transport.agent } : {}),
          headers: {
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > MAX_BODY_BYTES) {
              req.destroy()
              finish(
                new AppFailure(
                  'REMOTE_COMMAND_FAILED',
                  `The admin API's answer to ${method} ${path} is too large.`,
                ),
              )
              return
            }
            chunks.push(chunk)
          })
          res.on('end', () =>
            finish(undefined, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          )
          res.on('error', (error) => finish(transportFailure(error, method, path)))
        },
      )
      const timer = setTimeout(() => {
        req.destroy()
        finish(
          new AppFailure(
            'TIMEOUT',
            `The admin API did not answer ${method} ${path} within ${Math.round(timeoutMs / 1000)} s.`,
            {
              hint: 'Check that the api container is running on the network server (docker ps).',
            },
          ),
        )
      }, timeoutMs)
      const onAbort = (): void => {
        req.destroy()
        finish(new AppFailure('CANCELLED', 'The operation was cancelled.'))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      req.on('error', (error) => finish(transportFailure(error, method, path)))
      req.end(payload)
    })
  }
}

function transportFailure(error: unknown, method: string, path: string): AppFailure {
  if (error instanceof AppFailure) return error
  const text = error instanceof Error ? error.message : String(error)
  return new AppFailure('UNREACHABLE', `Cannot reach the admin API for ${method} ${path} (${text}).`, {
    hint: 'The api container must run on the network server and publish 127.0.0.1:9200 (docker ps shows it).',
    cause: error,
  })
}
