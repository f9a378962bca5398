// Reads what a config bundle needs from a server, read-only, over the pooled SSH connection. The
// containers create `.inference`/`.tmkms` as root, so the read uses `sudo -n` when it is available.
import type { Server } from '../../shared/profile'
import { AppFailure } from '../errors'
import type { HostTarget, RemoteExecutor } from '../ssh/types'
import type { ServerFiles } from './config-bundle'
import { readTar, type TarEntry } from './tar'

/** Plain files read from every server's `deploy/join`. */
export const PLAIN_FILES = ['config.env', 'node-config.json'] as const
/** Key material backed up from the network server (never `.inference/data`). */
export const SECRET_PATHS = ['.inference/keyring-file', '.tmkms/secrets', '.inference/config/node_key.json'] as const


/**
 * Reads `config.env` and `node-config.json` of `server`, and with `secrets` the key backups of the
 * network node. A file that does not exist is reported in `absent`, not as a failure.
 */
export async function readServerFiles(
  exec: RemoteExecutor,
  target: HostTarget,
  server: Server,
  dir: string,
  options: { secrets: boolean; signal?: AbortSignal },
): Promise<ServerFiles> {
  const wanted: string[] = [...PLAIN_FILES, ...(options.secrets ? SECRET_PATHS : [])]
  // A fixed script; the folder and the paths arrive as positional arguments, quoted by the pool.
  // It prints the ustar archive of the paths that exist, base64-encoded (binary-safe over exec).
  const script = [
    'd="$1"; shift',
    'case "$d" in "~") d="$HOME" ;; "~/"*) d="$HOME/${d#"~/"}" ;; esac',
    'cd "$d/deploy/join" 2>/dev/null || exit 3',
    'S=""; if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then S="sudo -n"; fi',
    'n=0; for p in "$@"; do if $S test -e "$p"; then n=1; fi; done',
    '[ "$n" = 1 ] || exit 4',
    'ex=""; for p in "$@"; do if $S test -e "$p"; then ex="$ex $p"; fi; done',
    // The paths are fixed names without spaces (PLAIN_FILES / SECRET_PATHS), so word splitting is safe.
    '$S tar -cf - --format=ustar $ex | base64 -w0',
  ].join('\n')
  const result = await exec.exec(target, ['sh', '-c', script, 'sh', dir, ...wanted], {
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: 120_000,
  })
  if (result.code === 3 || result.code === 4) {
    return { serverId: server.id, secretFiles: [], absent: result.code === 3 ? [`${dir}/deploy/join`] : wanted }
  }
  if (result.code !== 0) {
    throw new AppFailure('REMOTE_COMMAND_FAILED', `Could not read the deployment files on ${server.name || server.id}.`, {
      hint: 'Check that the user can read the deploy/join folder (passwordless sudo for the root-owned key folders).',
      retryable: true,
      details: { server: server.id, stderr: result.stderr.slice(0, 500) },
    })
  }
  let entries: TarEntry[]
  try {
    entries = readTar(new Uint8Array(Buffer.from(result.stdout.trim(), 'base64')))
  } catch (error) {
    throw new AppFailure('REMOTE_COMMAND_FAILED', `The files read from ${server.name || server.id} were incomplete.`, {
      retryable: true,
      details: { server: server.id, error: String(error) },
    })
  }
  const text = (name: string): string | undefined => {
    const e = entries.find((x) => x.path === name)
    return e ? Buffer.from(e.data).toString('utf8') : undefined
  }
  const configEnv = text('config.env')
  const nodeConfig = text('node-config.json')
  const secretFiles = entries.filter((e) => SECRET_PATHS.some((p) => e.path === p || e.path.startsWith(`${p}/`)))
  const absent = wanted.filter(
    (p) => !entries.some((e) => e.path === p || e.path.startsWith(`${p}/`) || e.path === `${p}/`),
  )
  return {
    serverId: server.id,
    ...(configEnv !== undefined ? { configEnv } : {}),
    ...(nodeConfig !== undefined ? { nodeConfig } : {}),
    secretFiles,
    absent,
  }
}
