import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { AppFailure } from '../errors'
import type { SshPool } from '../ssh/pool'
import { readRemoteFile, writeRemoteFileAtomic, type AtomicWriteResult } from '../ssh/sftp'
import type { HostTarget } from '../ssh/types'

/**
 * Folders holding a host's keys and chain state: `.tmkms` (consensus key), `.inference` (warm keyring,
 * node key, chain data), `.dapi` (api state) and `secrets/`. Nothing the app does deletes or
 * overwrites anything inside them.
 */
export const PROTECTED_DIRS = ['.tmkms', '.inference', '.dapi', 'secrets'] as const

/** True when `path` is one of the protected folders or lies inside one. */
export function isProtectedPath(path: string): boolean {
  const parts = posix.normalize(path).split('/')
  return parts.some((part) => (PROTECTED_DIRS as readonly string[]).includes(part))
}

/** Throws PERMISSION_DENIED when `path` is protected (see {@link PROTECTED_DIRS}). */
export function assertWritablePath(path: string): void {
  if (isProtectedPath(path)) {
    throw new AppFailure(
      'PERMISSION_DENIED',
      `${path} holds keys or chain state; the app never overwrites or deletes it.`,
      {
        hint: 'Back it up and change it by hand if you really must.',
        retryable: false,
        details: { path },
      },
    )
  }
}

/** `~/x` or `~` → the absolute path under `home`; other paths unchanged. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home
  if (path.startsWith('~/')) return posix.join(home, path.slice(2))
  return path
}

/** The SSH user's home folder on `target` (SFTP and quoted argv do not expand `~`). */
export async function remoteHome(pool: SshPool, target: HostTarget, signal?: AbortSignal): Promise<string> {
  const r = await pool.exec(target, ['sh', '-c', 'printf %s "$HOME"'], signal ? { signal } : {})
  const home = r.stdout.trim()
  if (r.code !== 0 || !home.startsWith('/')) {
    throw new AppFailure(
      'REMOTE_COMMAND_FAILED',
      `Could not read the home folder of ${target.user} on ${target.host}.`,
      {
        details: { host: target.host },
      },
    )
  }
  return home
}

/** A remote file as read before planning. */
export interface RemoteFileState {
  readonly exists: boolean
  readonly text: string
  readonly sha256: string
}

/** SHA-256 of a text as hex. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Reads a small remote text file; a missing file reads as `{ exists: false }`. */
export async function readRemoteText(
  pool: SshPool,
  target: HostTarget,
  path: string,
): Promise<RemoteFileState> {
  try {
    const data = await readRemoteFile(pool, target, path)
    return { exists: true, text: data.toString('utf8'), sha256: sha256Hex(data) }
  } catch (error) {
    if (error instanceof AppFailure && error.code === 'NOT_FOUND')
      return { exists: false, text: '', sha256: '' }
    throw error
  }
}

/**
 * Writes a remote file the safe way: refuses protected paths, keeps the previous file as a dated
 * backup, writes a temp file with `mode` set at open, fsyncs, renames over the target and checks its
 * SHA-256 (see {@link writeRemoteFileAtomic}). The file is always the old or the new one, never half.
 */
export async function writeRemoteFile(
  pool: SshPool,
  target: HostTarget,
  path: string,
  content: string,
  options: { mode?: number; backup?: boolean; signal?: AbortSignal } = {},
): Promise<AtomicWriteResult> {
  assertWritablePath(path)
  return writeRemoteFileAtomic(pool, target, path, content, {
    mode: options.mode ?? 0o644,
    backup: options.backup ?? true,
    ...(options.signal ? { signal: options.signal } : {}),
  })
}

/** Creates a remote folder (and its parents) with `mkdir -p`; refuses protected paths. */
export async function ensureRemoteDir(
  pool: SshPool,
  target: HostTarget,
  dir: string,
  signal?: AbortSignal,
): Promise<void> {
  assertWritablePath(dir)
  const r = await pool.exec(target, ['mkdir', '-p', '--', dir], signal ? { signal } : {})
  if (r.code !== 0) {
    throw new AppFailure(
      'REMOTE_COMMAND_FAILED',
      `Could not create ${dir} on ${target.host}: ${r.stderr.trim().slice(0, 300)}`,
      {
        details: { host: target.host, path: dir },
      },
    )
  }
}

/** A unified-style line diff of two texts (enough for a plan preview; secrets must be masked first). */
export function lineDiff(before: string, after: string): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n')
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n')
  // Longest common subsequence table; config files are small (hundreds of lines).
  const n = a.length
  const m = b.length
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as number[]
    const next = lcs[i + 1] as number[]
    for (let j = m - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0)
    }
  }
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`  ${a[i] ?? ''}`)
      i++
      j++
    } else if (i < n && (j >= m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      out.push(`- ${a[i] ?? ''}`)
      i++
    } else {
      out.push(`+ ${b[j] ?? ''}`)
      j++
    }
  }
  return out.join('\n')
}
