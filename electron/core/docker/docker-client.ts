import http from 'node:http'
import type { Duplex } from 'node:stream'
import { PassThrough } from 'node:stream'
import Docker from 'dockerode'
import { AppFailure } from '../errors'
import type { SshPool } from '../ssh/pool'
import type { HostTarget } from '../ssh/types'

/** Where dockerd listens on a Linux server. */
export const DOCKER_SOCKET = '/var/run/docker.sock'

/** A stream that http may call socket methods on; an SSH channel lacks some, so they are no-ops. */
function asSocket(channel: Duplex): Duplex {
  const socket = channel as Duplex & Record<string, unknown>
  for (const name of ['setNoDelay', 'setKeepAlive', 'setTimeout', 'ref', 'unref']) {
    if (typeof socket[name] !== 'function') socket[name] = () => socket
  }
  return socket
}

/** An http agent whose every connection is a stream to the remote Docker socket over the pooled SSH connection. */
class SshSocketAgent extends http.Agent {
  constructor(
    private readonly pool: SshPool,
    private readonly target: HostTarget,
    private readonly socketPath: string,
  ) {
    super({ keepAlive: false, maxSockets: 4 })
  }

  /** Called by node's http for each new connection; answers through the callback once the channel is open. */
  createConnection(_options: unknown, callback: (error: Error | null, socket?: Duplex) => void): undefined {
    this.pool.openUnixSocket(this.target, this.socketPath).then(
      (channel) => callback(null, asSocket(channel)),
      (error: unknown) => callback(dockerUnreachable(this.target, error)),
    )
    return undefined
  }
}

/** The error for "dockerd does not answer on this host", with what to do. */
export function dockerUnreachable(target: HostTarget, cause?: unknown): AppFailure {
  if (cause instanceof AppFailure && cause.code !== 'REMOTE_COMMAND_FAILED' && cause.code !== 'INTERNAL')
    return cause
  return new AppFailure('UNREACHABLE', `Docker is not answering on ${target.host} (${DOCKER_SOCKET}).`, {
    hint: 'Start it on the server: sudo systemctl start docker (and check `systemctl status docker`).',
    retryable: true,
    details: { host: target.host, socket: DOCKER_SOCKET },
    ...(cause !== undefined ? { cause } : {}),
  })
}

/** A dockerode client for `target` that talks to its Docker socket through the pooled SSH connection. */
export function dockerFor(pool: SshPool, target: HostTarget, socketPath = DOCKER_SOCKET): Docker {
  // dockerode's http mode with our agent: the host/port are never dialled, the agent makes the stream.
  return new Docker({
    protocol: 'http',
    host: 'docker.invalid',
    port: 2375,
    agent: new SshSocketAgent(pool, target, socketPath),
  } as Docker.DockerOptions)
}

/** Runs a Docker API call, turning a dead socket into {@link dockerUnreachable}. */
export async function dockerCall<T>(target: HostTarget, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof AppFailure) throw error
    const status = (error as { statusCode?: unknown }).statusCode
    if (status === 404) throw error
    if (typeof status === 'number' || error instanceof Error) {
      const text = error instanceof Error ? error.message : String(error)
      if (typeof status !== 'number' && !/ECONNREFUSED|ENOENT|socket|open failed|channel/i.test(text)) {
        throw new AppFailure('REMOTE_COMMAND_FAILED', `Docker on ${target.host}: ${text.slice(0, 300)}`, {
          details: { host: target.host },
        })
      }
      if (typeof status === 'number') {
        throw new AppFailure(
          'REMOTE_COMMAND_FAILED',
          `Docker on ${target.host} answered ${status}: ${text.slice(0, 300)}`,
          {
            details: { host: target.host, status },
          },
        )
      }
    }
    throw dockerUnreachable(target, error)
  }
}

/** One container's state as the deploy steps and `ps` need it. */
export interface ContainerState {
  readonly id: string
  readonly name: string
  readonly service: string
  readonly project: string
  /** Compose's `config_files` label (which file started it). */
  readonly configFiles: string
  readonly image: string
  readonly state: string
  readonly health?: string
  readonly exitCode?: number
  readonly restartCount: number
  readonly status: string
  /** Compose's hash of the service's configuration (changes when its env or file changes). */
  readonly configHash: string
}

/** Every container on the host (running or not) with its compose labels, health and restart count. */
export async function listContainerStates(docker: Docker, target: HostTarget): Promise<ContainerState[]> {
  const list = await dockerCall(target, () => docker.listContainers({ all: true }))
  return Promise.all(
    list.map(async (c) => {
      const info = await dockerCall(target, () => docker.getContainer(c.Id).inspect()).catch(() => undefined)
      const labels = c.Labels
      const health = info?.State.Health?.Status
      return {
        id: c.Id,
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        service: labels['com.docker.compose.service'] ?? '',
        project: labels['com.docker.compose.project'] ?? '',
        configFiles: labels['com.docker.compose.project.config_files'] ?? '',
        image: c.Image,
        state: c.State,
        ...(health !== undefined && health !== '' ? { health } : {}),
        ...(info && c.State === 'exited' ? { exitCode: info.State.ExitCode } : {}),
        restartCount: info?.RestartCount ?? 0,
        status: c.Status,
        configHash: labels['com.docker.compose.config-hash'] ?? '',
      }
    }),
  )
}

/** True when the image is on the host. */
export async function imagePresent(docker: Docker, target: HostTarget, ref: string): Promise<boolean> {
  try {
    await dockerCall(target, () => docker.getImage(ref).inspect())
    return true
  } catch (error) {
    if ((error as { statusCode?: unknown }).statusCode === 404) return false
    throw error
  }
}

/** Progress of one image pull: layers seen and done, bytes downloaded of the known total. */
export interface PullProgress {
  readonly image: string
  readonly layers: number
  readonly layersDone: number
  readonly bytes: number
  readonly totalBytes: number
}

/**
 * Pulls an image, reporting layers and bytes. A registry error (denied, not found, no network) is a
 * failure with the registry's reason, never a hang: the stream ends or the signal aborts it.
 */
export async function pullImage(
  docker: Docker,
  target: HostTarget,
  ref: string,
  options: { signal?: AbortSignal; onProgress?: (p: PullProgress) => void } = {},
): Promise<void> {
  const stream = (await dockerCall(target, () => docker.pull(ref))) as NodeJS.ReadableStream & {
    destroy?: () => void
  }
  const layers = new Map<string, { current: number; total: number; done: boolean }>()
  const onAbort = (): void => stream.destroy?.()
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null, output: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
          if (options.signal?.aborted)
            return reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
          const failed = error?.message ?? output.find((o) => o.error)?.error
          if (failed) {
            return reject(
              new AppFailure('REMOTE_COMMAND_FAILED', `Pulling ${ref} on ${target.host} failed: ${failed}`, {
                hint: 'Check the image name, the registry login (docker login) and that the server reaches the registry.',
                details: { host: target.host, image: ref },
              }),
            )
          }
          resolve()
        },
        (event: { id?: string; status?: string; progressDetail?: { current?: number; total?: number } }) => {
          if (!event.id || !event.status) return
          const layer = layers.get(event.id) ?? { current: 0, total: 0, done: false }
          if (event.progressDetail?.total) layer.total = event.progressDetail.total
          if (event.status === 'Downloading' && event.progressDetail?.current !== undefined)
            layer.current = event.progressDetail.current
          if (/^(Pull complete|Already exists|Download complete)$/.test(event.status)) {
            layer.current = layer.total
            layer.done = event.status !== 'Download complete' || layer.done
          }
          layers.set(event.id, layer)
          let bytes = 0
          let totalBytes = 0
          let done = 0
          for (const l of layers.values()) {
            bytes += l.current
            totalBytes += l.total
            if (l.done) done += 1
          }
          options.onProgress?.({ image: ref, layers: layers.size, layersDone: done, bytes, totalBytes })
        },
      )
    })
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * Streams a container's logs as lines (stdout and stderr demultiplexed), until the signal aborts
 * (with `follow`) or the log ends.
 */
export async function streamContainerLogs(
  docker: Docker,
  target: HostTarget,
  containerId: string,
  options: {
    follow: boolean
    tail?: number
    signal?: AbortSignal
    onLine: (line: string, stream: 'stdout' | 'stderr') => void
  },
): Promise<void> {
  const container = docker.getContainer(containerId)
  const info = await dockerCall(target, () => container.inspect())
  const tty = info.Config.Tty
  const splitter = (which: 'stdout' | 'stderr') => {
    let rest = ''
    return {
      push(chunk: Buffer): void {
        rest += chunk.toString('utf8')
        const lines = rest.split('\n')
        rest = lines.pop() ?? ''
        for (const line of lines) options.onLine(line.replace(/\r$/, ''), which)
      },
      flush(): void {
        if (rest !== '') options.onLine(rest, which)
        rest = ''
      },
    }
  }
  const out = splitter('stdout')
  const err = splitter('stderr')
  const tail = options.tail ?? 200
  if (!options.follow) {
    const buffer = await dockerCall(target, () =>
      container.logs({ follow: false, stdout: true, stderr: true, tail }),
    )
    if (tty) out.push(buffer)
    else {
      // Docker's multiplexed frames: 1 byte stream, 3 padding, 4 bytes big-endian length, payload.
      for (let offset = 0; offset + 8 <= buffer.length;) {
        const length = buffer.readUInt32BE(offset + 4)
        const payload = buffer.subarray(offset + 8, offset + 8 + length)
        if (buffer[offset] === 2) err.push(payload)
        else out.push(payload)
        offset += 8 + length
      }
    }
    out.flush()
    err.flush()
    return
  }
  const raw = await dockerCall(target, () =>
    container.logs({ follow: true, stdout: true, stderr: true, tail }),
  )
  const outStream = new PassThrough()
  const errStream = new PassThrough()
  outStream.on('data', (c: Buffer) => out.push(c))
  errStream.on('data', (c: Buffer) => err.push(c))
  if (tty) raw.pipe(outStream)
  else docker.modem.demuxStream(raw, outStream, errStream)
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      options.signal?.removeEventListener('abort', finish)
      ;(raw as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
      out.flush()
      err.flush()
      resolve()
    }
    if (options.signal?.aborted) return finish()
    options.signal?.addEventListener('abort', finish, { once: true })
    raw.on('end', finish)
    raw.on('close', finish)
    raw.on('error', finish)
  })
}
