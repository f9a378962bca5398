// "Move the network node to a new server": an engine action that puts the key backups of a config
// bundle (`.inference/keyring-file/`, `.tmkms/secrets/`, `.inference/config/node_key.json`) into the
// new server's deploy/join. Keys are only ever created: a file already there with other content is
// never overwritten (the plan is blocked and says so), an identical one is left alone.
import { posix } from 'node:path'
import type { DeployChange, I18nText } from '../../shared/deploy'
import { defaultDeploymentSettings } from '../../shared/deployment'
import type { Profile, Server } from '../../shared/profile'
import { AppFailure } from '../errors'
import { expandHome, remoteHome, sha256Hex } from '../deploy/remote-file'
import type { ActionContext, AnyAction } from '../deploy/types'
import type { SshPool } from '../ssh/pool'
import { targetOf } from '../ssh/targets'
import { readServerFiles } from './remote-files'
import { writeTar, type TarEntry } from './tar'

const t = (key: string, params?: Record<string, string | number>): I18nText => ({
  key: `deploy.restore.${key}`,
  ...(params ? { params } : {}),
})

/** What the restore action saw on the new server. */
export interface RestoreState {
  /** Key files of the bundle that are not on the server yet. */
  readonly missing: readonly string[]
  /** Key files on the server with other content than the bundle's (never overwritten). */
  readonly conflicting: readonly string[]
  /** Hashes of what is there, for the plan's fingerprint. */
  readonly seen: string
}

/**
 * Compares the bundle's key files with the server's; pure (the action's describe uses it).
 * `present` maps a path relative to deploy/join to its content on the server.
 */
export function compareKeys(
  wanted: readonly TarEntry[],
  present: ReadonlyMap<string, Uint8Array>,
): RestoreState {
  const missing: string[] = []
  const conflicting: string[] = []
  for (const e of wanted) {
    const there = present.get(e.path)
    if (!there) missing.push(e.path)
    else if (sha256Hex(there) !== sha256Hex(e.data)) conflicting.push(e.path)
  }
  const seen = [...present.entries()]
    .map(([p, d]) => `${p}:${sha256Hex(d)}`)
    .sort()
    .join(',')
  return { missing, conflicting, seen }
}

/** The plan's changes for a {@link RestoreState}: one created file each, or blocked on a conflict. */
export function restoreChanges(state: RestoreState, host: string): DeployChange[] {
  if (state.conflicting.length > 0)
    return [
      {
        kind: 'blocked',
        summary: t('conflict', { host, files: state.conflicting.join(', ') }),
      },
    ]
  // The content of a key is never shown, not even as a diff.
  return state.missing.map((path) => ({
    kind: 'file' as const,
    path,
    diff: '',
    created: true,
    mode: 0o600,
    summary: t('createKey', { path }),
  }))
}

/**
 * The action restoring `keys` (paths relative to deploy/join) on `server`. It runs after the
 * repository action of the same host (the clone creates deploy/join; keys inside first would stop it).
 */
export function restoreKeysAction(deps: {
  pool: SshPool
  profile: Profile
  server: Server
  keys: readonly TarEntry[]
}): AnyAction {
  const { pool, profile, server } = deps
  const target = targetOf(server, profile.servers)
  const settings = profile.deployment ?? defaultDeploymentSettings()
  const hostName = server.name || server.address
  let home: string | undefined
  const dir = async (signal: AbortSignal): Promise<string> => {
    home ??= await remoteHome(pool, target, signal)
    return posix.normalize(expandHome(settings.dir.trim() || '~/gonka', home))
  }
  const action = {
    id: `${server.id}/restore-keys`,
    hostId: server.id,
    dependsOn: [`${server.id}/repo`],
    title: t('action', { host: hostName }),
    async inspect(signal: AbortSignal): Promise<RestoreState> {
      const files = await readServerFiles(pool, target, server, await dir(signal), { secrets: true, signal })
      return compareKeys(deps.keys, new Map(files.secretFiles.map((e) => [e.path, e.data])))
    },
    describe: (state: RestoreState) => restoreChanges(state, hostName),
    async apply(ctx: ActionContext, state: RestoreState): Promise<void> {
      if (state.conflicting.length > 0)
        throw new AppFailure('CONFLICT', `Other keys are already on ${hostName}; they are never overwritten.`, {
          details: { files: state.conflicting.join(', ') },
        })
      const entries = deps.keys.filter((e) => state.missing.includes(e.path))
      if (entries.length === 0) return
      ctx.progress({ title: t('writing', { count: entries.length }) })
      const join = posix.join(await dir(ctx.signal), 'deploy', 'join')
      // A fixed script; the archive arrives on stdin (never argv), folders are made 0700, files keep
      // the archive's 0600, and --keep-old-files makes tar refuse to replace anything already there.
      const script = [
        'set -e',
        'cd "$1"',
        'S=""; if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then S="sudo -n"; fi',
        'umask 077',
        '$S mkdir -p .inference/config .tmkms',
        '$S tar -xf - --keep-old-files --no-same-owner',
      ].join('\n')
      const r = await pool.exec(target, ['sh', '-c', script, 'sh', join], {
        stdin: writeTar(entries),
        signal: ctx.signal,
        timeoutMs: 120_000,
      })
      if (r.code !== 0)
        throw new AppFailure('REMOTE_COMMAND_FAILED', `Could not restore the keys on ${hostName}.`, {
          hint: 'The user needs write access to deploy/join (or passwordless sudo).',
          retryable: true,
          details: { stderr: r.stderr.slice(0, 300) },
        })
    },
    fingerprint: (state: RestoreState) => state.seen,
  }
  return action
}
