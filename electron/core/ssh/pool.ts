import { StringDecoder } from 'node:string_decoder'
import type { Duplex } from 'node:stream'
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2'
import { AppFailure } from '../errors'
import type { Logger } from '../log'
import { openConnection, type ConnectTimeouts } from './connect'
import type { HostKey } from './host-key'
import { buildCommand } from './quote'
import { Semaphore } from './semaphore'
import { mapSshError } from './ssh-errors'
import type { HostKeyTrust } from './trust'
import type { ExecOptions, ExecResult, HostTarget, RemoteExecutor, SecretProvider } from './types'

/** At most this many channels (exec, SFTP, forwards) at once per connection; sshd allows 10. */
export const MAX_CHANNELS = 8
/** Default limit of one remote command. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000

/** A state change of one pooled connection, for logs and the UI. */
export interface PoolEvent {
  readonly targetId: string
  readonly state: 'connecting' | 'ready' | 'dropped' | 'reconnecting' | 'closed'
  readonly attempt?: number
  readonly message?: string
}

/** How reconnecting after a drop behaves. */
export interface ReconnectPolicy {
  /** Attempts after a drop before giving up (each waits longer). */
  readonly attempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

/** Options of {@link SshPool}. */
export interface PoolOptions {
  readonly trust: HostKeyTrust
  readonly secrets: SecretProvider
  readonly log?: Logger
  readonly timeouts?: Partial<ConnectTimeouts>
  readonly maxChannels?: number
  readonly reconnect?: Partial<ReconnectPolicy>
  readonly onEvent?: (event: PoolEvent) => void
  readonly env?: NodeJS.ProcessEnv
  readonly homeDir?: string
}

const DEFAULT_RECONNECT: ReconnectPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 }

/** What makes two targets the same connection (an edited server must not reuse the old one). */
function signatureOf(target: HostTarget): string {
  const parts: string[] = []
  for (let t: HostTarget | undefined = target; t; t = t.jump) {
    parts.push(`${t.user}@${t.host}:${t.port}/${t.auth}/${t.keyPath ?? ''}`)
  }
  return parts.join(' via ')
}

/**
 * Opens a channel, retrying briefly when sshd refuses it: sshd frees a session slot some time after
 * the channel closed on our side, so a slot our cap sees as free can still count against MaxSessions
 * for a moment (measured: with MaxSessions 10 and 8 channels, 20 quick commands hit it). Nothing ran
 * yet when the open is refused, so retrying is safe.
 */
function openChannel<T>(
  open: (cb: (error: Error | undefined, channel: T) => void) => void,
  onOpen?: (channel: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const attempt = (n: number): void =>
      open((error, channel) => {
        if (!error) {
          // Synchronously: ssh2 may deliver the exit status in the same tick as the open reply, and
          // an 'exit' event emitted before a listener exists is lost (seen as exit code null).
          onOpen?.(channel)
          return resolve(channel)
        }
        if (n < 6 && /open failed|Channel open failure/i.test(error.message)) {
          setTimeout(() => attempt(n + 1), 25 * 2 ** n)
          return
        }
        reject(error)
      })
    attempt(0)
  })
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    function onAbort(): void {
      clearTimeout(timer)
      reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** One host's pooled connection: the live client (if any) and its channel semaphore. */
class HostConnection {
  client: Client | undefined
  hostKey: HostKey | undefined
  connecting: Promise<Client> | undefined
  everConnected = false
  closed = false
  connects = 0
  /** Released when the forward through the jump host that carries this connection closes. */
  releaseJump: (() => void) | undefined

  constructor(
    readonly target: HostTarget,
    readonly signature: string,
    readonly channels: Semaphore,
  ) {}
}

/**
 * The pool of SSH connections: one verified connection per target id, shared by every operation,
 * with a channel cap, keepalive, reconnect with backoff, per-command timeouts and cancellation.
 * Implements {@link RemoteExecutor}.
 */
export class SshPool implements RemoteExecutor {
  private readonly hosts = new Map<string, HostConnection>()
  private readonly maxChannels: number
  private readonly reconnect: ReconnectPolicy
  private disposed = false

  constructor(private readonly options: PoolOptions) {
    this.maxChannels = Math.min(options.maxChannels ?? MAX_CHANNELS, 9)
    this.reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect }
  }

  /** Opens (or reuses) the connection to `target` and returns the host key it was verified with. */
  async connect(target: HostTarget, signal?: AbortSignal): Promise<HostKey> {
    const conn = this.entry(target)
    await this.ensureClient(conn, signal)
    if (!conn.hostKey) throw new AppFailure('INTERNAL', 'Connected without a host key.')
    return conn.hostKey
  }

  /** Channel use of one target, for tests and the benchmark. */
  stats(targetId: string): { inUse: number; peak: number; waiting: number; connects: number } | undefined {
    const conn = this.hosts.get(targetId)
    if (!conn) return undefined
    return {
      inUse: conn.channels.inUse,
      peak: conn.channels.peak,
      waiting: conn.channels.waiting,
      connects: conn.connects,
    }
  }

  /** Runs `argv` on the target; every argument is quoted for the remote shell. */
  async exec(target: HostTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const command = buildCommand(argv) // refuses NUL before anything touches the network
    return this.withChannel(target, options.signal, (client) =>
      runExec(client, target, command, argv, options),
    )
  }

  /** Runs `fn` with an SFTP session that holds one channel; the session is always ended. */
  async withSftp<T>(
    target: HostTarget,
    fn: (sftp: SFTPWrapper) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return this.withChannel(target, signal, async (client) => {
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, session) =>
          error ? reject(mapSshError(error, target, 'session')) : resolve(session),
        ),
      )
      try {
        return await fn(sftp)
      } finally {
        sftp.end()
      }
    })
  }

  /**
   * Opens a TCP stream from the target to `host:port` as seen from the target (an SSH tunnel, e.g.
   * to the admin API on 127.0.0.1:9200). The stream holds one channel until it closes.
   */
  async forwardOut(
    target: HostTarget,
    host: string,
    port: number,
    signal?: AbortSignal,
  ): Promise<ClientChannel> {
    return this.holdChannel(target, signal, (client, done) =>
      client.forwardOut('127.0.0.1', 0, host, port, done),
    )
  }

  /** Opens a stream to a Unix socket on the target (the Docker socket), holding one channel until it closes. */
  async openUnixSocket(target: HostTarget, socketPath: string, signal?: AbortSignal): Promise<ClientChannel> {
    return this.holdChannel(target, signal, (client, done) =>
      client.openssh_forwardOutStreamLocal(socketPath, done),
    )
  }

  /** Closes one target's connection (e.g. its server was edited or removed). */
  close(targetId: string): void {
    const conn = this.hosts.get(targetId)
    if (!conn) return
    this.hosts.delete(targetId)
    conn.closed = true
    conn.channels.rejectAll(new AppFailure('CANCELLED', 'The connection was closed.'))
    conn.client?.end()
    conn.releaseJump?.()
    this.emit({ targetId, state: 'closed' })
  }

  /** Closes everything; later calls fail. */
  dispose(): Promise<void> {
    this.disposed = true
    for (const id of [...this.hosts.keys()]) this.close(id)
    return Promise.resolve()
  }

  private emit(event: PoolEvent): void {
    this.options.log?.info('ssh connection', { ...event })
    this.options.onEvent?.(event)
  }

  private entry(target: HostTarget): HostConnection {
    if (this.disposed) throw new AppFailure('CANCELLED', 'The app is shutting down.')
    const signature = signatureOf(target)
    const existing = this.hosts.get(target.id)
    if (existing && existing.signature === signature) return existing
    if (existing) this.close(target.id)
    const conn = new HostConnection(target, signature, new Semaphore(this.maxChannels))
    this.hosts.set(target.id, conn)
    return conn
  }

  private async withChannel<T>(
    target: HostTarget,
    signal: AbortSignal | undefined,
    fn: (client: Client) => Promise<T>,
  ): Promise<T> {
    const conn = this.entry(target)
    const release = await conn.channels.acquire(signal)
    try {
      const client = await this.ensureClient(conn, signal)
      return await fn(client)
    } finally {
      release()
    }
  }

  private async holdChannel(
    target: HostTarget,
    signal: AbortSignal | undefined,
    open: (client: Client, done: (error: Error | undefined, stream: ClientChannel) => void) => void,
  ): Promise<ClientChannel> {
    const conn = this.entry(target)
    const release = await conn.channels.acquire(signal)
    try {
      const client = await this.ensureClient(conn, signal)
      const stream = await openChannel<ClientChannel>((cb) => open(client, cb)).catch((error: unknown) => {
        throw mapSshError(error, target, 'session')
      })
      stream.once('close', release)
      return stream
    } catch (error) {
      release()
      throw error
    }
  }

  /** The live client of `conn`, connecting (first time) or reconnecting with backoff (after a drop). */
  private ensureClient(conn: HostConnection, signal?: AbortSignal): Promise<Client> {
    if (conn.client) return Promise.resolve(conn.client)
    if (!conn.connecting) {
      const attempt = conn.everConnected ? this.reconnectWithBackoff(conn) : this.connectOnce(conn)
      conn.connecting = attempt.finally(() => {
        conn.connecting = undefined
      })
    }
    const pending = conn.connecting
    if (!signal) return pending
    // A caller's cancel stops its wait; the shared attempt goes on for the other callers.
    return new Promise<Client>((resolve, reject) => {
      const onAbort = (): void => reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
      if (signal.aborted) return onAbort()
      signal.addEventListener('abort', onAbort, { once: true })
      pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  private async reconnectWithBackoff(conn: HostConnection): Promise<Client> {
    let lastError: unknown
    for (let attempt = 1; attempt <= this.reconnect.attempts; attempt++) {
      if (conn.closed) break
      this.emit({ targetId: conn.target.id, state: 'reconnecting', attempt })
      try {
        return await this.connectOnce(conn)
      } catch (error) {
        lastError = error
        // Only network trouble is worth waiting out; a changed host key or refused login is not.
        if (!(error instanceof AppFailure) || !error.retryable) throw error
        const delay = Math.min(this.reconnect.maxDelayMs, this.reconnect.baseDelayMs * 2 ** (attempt - 1))
        await sleep(delay * (0.75 + Math.random() * 0.5))
      }
    }
    const base = lastError instanceof AppFailure ? lastError : mapSshError(lastError, conn.target, 'connect')
    throw new AppFailure(
      base.code,
      `${base.message} (gave up after ${this.reconnect.attempts} reconnect attempts)`,
      {
        ...(base.hint !== undefined ? { hint: base.hint } : {}),
        details: { ...base.details, reconnectAttempts: this.reconnect.attempts },
      },
    )
  }

  private async connectOnce(conn: HostConnection): Promise<Client> {
    const { target } = conn
    this.emit({ targetId: target.id, state: 'connecting' })
    let sock: Duplex | undefined
    if (target.jump) {
      // Each hop is its own pooled, verified connection; this one rides a forward through it.
      const jumpTarget = target.jump
      sock = await this.forwardOut(jumpTarget, target.host.replace(/^\[|\]$/g, ''), target.port)
    }
    let opened
    try {
      opened = await openConnection(target, {
        trust: this.options.trust,
        secrets: this.options.secrets,
        ...(this.options.log ? { log: this.options.log } : {}),
        ...(this.options.timeouts ? { timeouts: this.options.timeouts } : {}),
        ...(sock ? { sock } : {}),
        ...(this.options.env ? { env: this.options.env } : {}),
        ...(this.options.homeDir ? { homeDir: this.options.homeDir } : {}),
      })
    } catch (error) {
      sock?.destroy()
      throw error
    }
    const { client, hostKey } = opened
    if (conn.closed) {
      client.end()
      throw new AppFailure('CANCELLED', 'The connection was closed.')
    }
    client.setMaxListeners(0)
    conn.client = client
    conn.hostKey = hostKey
    conn.everConnected = true
    conn.connects++
    const onGone = (error?: Error): void => {
      if (conn.client !== client) return
      conn.client = undefined
      if (!conn.closed) {
        this.emit({ targetId: target.id, state: 'dropped', ...(error ? { message: error.message } : {}) })
      }
    }
    client.on('error', (error: Error) => onGone(error))
    client.on('close', () => onGone())
    this.emit({ targetId: target.id, state: 'ready' })
    return client
  }
}

/** Runs one command on an open client: streams output, enforces the timeout, honours cancellation. */
function runExec(
  client: Client,
  target: HostTarget,
  command: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const program = argv[0] ?? ''
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false
    let stream: ClientChannel | undefined
    const out = new StringDecoder('utf8')
    const err = new StringDecoder('utf8')
    let stdout = ''
    let stderr = ''
    let code: number | null = null
    let exitSignal: string | null = null

    const cleanup = (): void => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      client.removeListener('close', onLost)
    }
    const settle = (error?: AppFailure): void => {
      if (settled) return
      settled = true
      cleanup()
      if (error) {
        if (stream) {
          // Ask the remote process to stop, then drop the channel either way.
          try {
            stream.signal('TERM')
          } catch {
            /* not all servers accept signals */
          }
          stream.close()
        }
        reject(error)
      } else {
        stdout += out.end()
        stderr += err.end()
        resolve({ code, signal: exitSignal, stdout, stderr })
      }
    }
    const onAbort = (): void => settle(new AppFailure('CANCELLED', `Cancelled while running ${program}.`))
    const onLost = (): void =>
      settle(
        new AppFailure(
          'CONNECTION_LOST',
          `The connection to ${target.host} was lost while running ${program}; it may or may not have finished there.`,
          {
            hint: 'The app reconnects on the next step. Check the result on the server before repeating anything that is not safe to repeat.',
            details: { host: target.host, port: target.port, command: program },
          },
        ),
      )
    const timer = setTimeout(
      () =>
        settle(
          new AppFailure(
            'TIMEOUT',
            `${program} on ${target.host} did not finish within ${Math.round(timeoutMs / 1000)} s.`,
            {
              hint: 'The server may be busy; try again, or look at what is running there.',
              details: { host: target.host, command: program, timeoutMs },
            },
          ),
        ),
      timeoutMs,
    )
    if (options.signal?.aborted) return onAbort()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    client.once('close', onLost)

    openChannel<ClientChannel>((cb) => client.exec(command, cb), onChannel).catch((error: unknown) =>
      settle(mapSshError(error, target, 'session')),
    )
    function onChannel(channel: ClientChannel): void {
      stream = channel
      if (settled) {
        channel.close()
        return
      }
      channel.on('data', (chunk: Buffer) => {
        const text = out.write(chunk)
        stdout += text
        if (text) options.onStdout?.(text)
      })
      channel.stderr.on('data', (chunk: Buffer) => {
        const text = err.write(chunk)
        stderr += text
        if (text) options.onStderr?.(text)
      })
      let closed = false
      let exited = false
      channel.on('exit', (exitCode: number | null, signalName?: string) => {
        if (typeof exitCode === 'number') code = exitCode
        else if (typeof signalName === 'string') exitSignal = signalName
        exited = true
        if (closed) settle()
      })
      // Node may emit 'close' once stdout ended and stdin finished, before the exit-status message
      // that follows EOF on the wire; wait briefly for it so the exit code is not lost.
      channel.on('close', () => {
        closed = true
        if (exited) settle()
        else setTimeout(() => settle(), 2_000).unref()
      })
      // Always close stdin, or commands that read it would wait forever.
      if (options.stdin !== undefined) channel.end(options.stdin)
      else channel.end()
    }
  })
}
