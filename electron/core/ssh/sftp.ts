import { createHash, randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import type { SFTPWrapper } from 'ssh2'
import { AppFailure } from '../errors'
import type { SshPool } from './pool'
import type { HostTarget } from './types'

function sftpCall<T>(
  target: HostTarget,
  what: string,
  run: (cb: (error: Error | null | undefined, value?: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) =>
    run((error, value) => {
      if (!error) return resolve(value as T)
      const code = (error as { code?: unknown }).code
      reject(
        new AppFailure(
          code === 3 ? 'PERMISSION_DENIED' : code === 2 ? 'NOT_FOUND' : 'REMOTE_COMMAND_FAILED',
          `${what} on ${target.host} failed: ${error.message}`,
          {
            hint:
              code === 3
                ? 'The SSH user may not write there; choose a folder it owns, or use sudo.'
                : 'Check the path on the server.',
            retryable: false,
            details: { host: target.host, operation: what },
          },
        ),
      )
    }),
  )
}

/** Uploads a local file (fastPut: many writes in flight, far faster than a write stream on slow links). */
export function upload(
  pool: SshPool,
  target: HostTarget,
  localPath: string,
  remotePath: string,
  mode = 0o600,
): Promise<void> {
  return pool.withSftp(target, (sftp) =>
    sftpCall<void>(target, `upload to ${remotePath}`, (cb) =>
      sftp.fastPut(localPath, remotePath, { mode }, (e) => cb(e)),
    ),
  )
}

/** Downloads a remote file to a local path. */
export function download(
  pool: SshPool,
  target: HostTarget,
  remotePath: string,
  localPath: string,
): Promise<void> {
  return pool.withSftp(target, (sftp) =>
    sftpCall<void>(target, `download of ${remotePath}`, (cb) =>
      sftp.fastGet(remotePath, localPath, (e) => cb(e)),
    ),
  )
}

/** Reads a small remote file into memory. */
export function readRemoteFile(pool: SshPool, target: HostTarget, remotePath: string): Promise<Buffer> {
  return pool.withSftp(target, (sftp) =>
    sftpCall<Buffer>(target, `reading ${remotePath}`, (cb) => sftp.readFile(remotePath, cb)),
  )
}

/** What {@link writeRemoteFileAtomic} did. */
export interface AtomicWriteResult {
  readonly sha256: string
  /** Where the previous content was copied to, when there was a file before. */
  readonly backupPath?: string
}

async function writeTemp(
  sftp: SFTPWrapper,
  target: HostTarget,
  path: string,
  data: Buffer,
  mode: number,
): Promise<void> {
  // Mode is set at open, so a secret is never readable by others even for a moment.
  const handle = await sftpCall<Buffer>(target, `creating ${path}`, (cb) =>
    sftp.open(path, 'wx', { mode }, cb),
  )
  try {
    let offset = 0
    while (offset < data.length) {
      const length = Math.min(32 * 1024, data.length - offset)
      await sftpCall<void>(target, `writing ${path}`, (cb) =>
        sftp.write(handle, data, offset, length, offset, (e) => cb(e)),
      )
      offset += length
    }
    await sftpCall<void>(target, `fsync of ${path}`, (cb) => sftp.ext_openssh_fsync(handle, (e) => cb(e)))
  } finally {
    await sftpCall<void>(target, `closing ${path}`, (cb) => sftp.close(handle, (e) => cb(e))).catch(
      () => undefined,
    )
  }
}

/**
 * Writes a remote file so it is always either the old or the new content: copy the old file to a
 * backup, write a temp file beside it (mode at open), fsync, posix-rename over the target, then
 * verify with `sha256sum`. Channels are used one after another, never nested.
 */
export async function writeRemoteFileAtomic(
  pool: SshPool,
  target: HostTarget,
  remotePath: string,
  content: string | Uint8Array,
  options: { mode?: number; backup?: boolean; signal?: AbortSignal } = {},
): Promise<AtomicWriteResult> {
  const data = Buffer.from(content)
  const sha256 = createHash('sha256').update(data).digest('hex')
  const sig = options.signal ? { signal: options.signal } : {}
  let backupPath: string | undefined
  if (options.backup !== false) {
    const exists = await pool.exec(target, ['test', '-e', remotePath], sig)
    if (exists.code === 0) {
      backupPath = `${remotePath}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`
      const copied = await pool.exec(target, ['cp', '-p', '--', remotePath, backupPath], sig)
      if (copied.code !== 0) {
        throw new AppFailure(
          'REMOTE_COMMAND_FAILED',
          `Backing up ${remotePath} on ${target.host} failed; nothing was changed.`,
          {
            hint: 'Check free disk space and permissions of the folder.',
            details: { host: target.host, path: remotePath, stderr: copied.stderr.slice(0, 300) },
          },
        )
      }
    }
  }
  const tmp = posix.join(
    posix.dirname(remotePath),
    `.${posix.basename(remotePath)}.${randomBytes(6).toString('hex')}.tmp`,
  )
  await pool.withSftp(
    target,
    async (sftp) => {
      try {
        await writeTemp(sftp, target, tmp, data, options.mode ?? 0o600)
        await sftpCall<void>(target, `renaming onto ${remotePath}`, (cb) =>
          sftp.ext_openssh_rename(tmp, remotePath, (e) => cb(e)),
        )
      } catch (error) {
        sftp.unlink(tmp, () => undefined)
        throw error
      }
    },
    options.signal,
  )
  const check = await pool.exec(target, ['sha256sum', '--', remotePath], sig)
  const remoteHash = check.stdout.split(/\s+/)[0] ?? ''
  if (check.code !== 0 || remoteHash !== sha256) {
    throw new AppFailure(
      'REMOTE_COMMAND_FAILED',
      `${remotePath} on ${target.host} does not have the content that was written.`,
      {
        hint: backupPath ? `The previous content is in ${backupPath}.` : 'Write the file again.',
        details: { host: target.host, path: remotePath, expected: sha256, found: remoteHash },
      },
    )
  }
  return { sha256, ...(backupPath ? { backupPath } : {}) }
}
