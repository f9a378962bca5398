import { AppFailure } from '../errors'
import { quoteArg } from '../ssh/quote'
import type { ExecResult, HostTarget, RemoteExecutor } from '../ssh/types'

/** Which compose the host has. */
export type ComposeFlavour =
  | { readonly kind: 'v2'; readonly version: string }
  | { readonly kind: 'v1'; readonly version: string }
  | { readonly kind: 'none' }

/** Finds `docker compose` (v2); reports v1 (`docker-compose`) or none so the plan can say so. */
export async function detectCompose(
  exec: RemoteExecutor,
  target: HostTarget,
  signal?: AbortSignal,
): Promise<ComposeFlavour> {
  const sig = signal ? { signal } : {}
  const v2 = await exec.exec(target, ['docker', 'compose', 'version', '--short'], sig)
  if (v2.code === 0 && v2.stdout.trim() !== '') return { kind: 'v2', version: v2.stdout.trim() }
  const v1 = await exec.exec(target, ['sh', '-c', 'docker-compose version --short 2>/dev/null'], sig)
  if (v1.code === 0 && v1.stdout.trim() !== '') return { kind: 'v1', version: v1.stdout.trim() }
  return { kind: 'none' }
}

/** The failure for a host without compose v2, saying what it has and what to install. */
export function composeMissing(target: HostTarget, flavour: ComposeFlavour): AppFailure {
  const has = flavour.kind === 'v1' ? `docker-compose ${flavour.version} (v1)` : 'no Docker Compose'
  return new AppFailure(
    'UNSUPPORTED',
    `${target.host} has ${has}; the deployment needs Docker Compose v2 (docker compose).`,
    {
      hint: 'Install the Compose v2 plugin: sudo apt-get install docker-compose-plugin (Docker’s apt repository).',
      retryable: false,
      details: { host: target.host, compose: flavour.kind },
    },
  )
}

/** Options of one compose run. */
export interface ComposeRun {
  /** The deploy folder (absolute), where config.env and the compose files are. */
  readonly dir: string
  /** Compose files (`-f`), relative to {@link dir}; empty = compose's default file. */
  readonly files: readonly string[]
  /** Compose arguments after the files, e.g. `['up', '-d', '--no-deps', 'tmkms', 'node']`. */
  readonly args: readonly string[]
  /** Source `./config.env` first (default true). */
  readonly withConfigEnv?: boolean
  readonly signal?: AbortSignal
  readonly timeoutMs?: number
  readonly onOutput?: (chunk: string) => void
}

/**
 * The shell script of one compose run: `cd` to the folder, `. ./config.env` (so the environment,
 * secrets included, never appears on a command line), then `exec docker compose …`. Sent on stdin to
 * `sh -s`, so `ps` on the server shows only `sh -s` and `docker compose` with its plain arguments.
 */
export function composeScript(run: Pick<ComposeRun, 'dir' | 'files' | 'args' | 'withConfigEnv'>): string {
  if (run.args.includes('--remove-orphans') && run.files.length <= 1) {
    // With one of two compose files, orphans are the other file's containers (the ML node, or the node).
    throw new AppFailure('INTERNAL', 'Refusing --remove-orphans with a single compose file.')
  }
  const argv = ['docker', 'compose', ...run.files.flatMap((f) => ['-f', f]), ...run.args]
  return [
    'set -e',
    `cd ${quoteArg(run.dir)}`,
    ...(run.withConfigEnv === false ? [] : ['set -a', '. ./config.env', 'set +a']),
    `exec ${argv.map(quoteArg).join(' ')} 2>&1`,
    '',
  ].join('\n')
}

/** Runs `docker compose` in the deploy folder with config.env's environment; output streamed. */
export async function runCompose(
  exec: RemoteExecutor,
  target: HostTarget,
  run: ComposeRun,
): Promise<ExecResult> {
  return exec.exec(target, ['sh', '-s'], {
    stdin: composeScript(run),
    timeoutMs: run.timeoutMs ?? 15 * 60_000,
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.onOutput ? { onStdout: run.onOutput, onStderr: run.onOutput } : {}),
  })
}

/** Runs compose and throws with the last lines of its output when it fails. */
export async function runComposeOrThrow(
  exec: RemoteExecutor,
  target: HostTarget,
  run: ComposeRun,
): Promise<string> {
  const r = await runCompose(exec, target, run)
  if (r.code !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-8).join('\n')
    throw new AppFailure(
      'REMOTE_COMMAND_FAILED',
      `docker compose ${run.args.join(' ')} failed on ${target.host}: ${tail}`,
      {
        details: { host: target.host, exitCode: r.code ?? -1 },
      },
    )
  }
  return r.stdout
}
