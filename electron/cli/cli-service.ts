// The one seam between CLI commands and the application service: every command opens the service over
// the app's data folder here, resolves --profile here, and prints progress and failures with these
// helpers. Commands parse flags, answer prompts from their flags, and print; they never wire core
// modules themselves.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { SecretPrompt } from '../shared/ops/ssh'
import { profileSchema, type Profile } from '../shared/profile'
import type { ProgressEvent } from '../shared/progress'
import type { AppError, Result } from '../shared/result'
import { createLogger } from '../core/log'
import { createService, type AppService } from '../core/service'
import { resolveUserDataDir } from '../core/storage/user-data-dir'
import { CliUsageError, type CliIo } from './io'
import { textsFor } from './texts'

type Texts = ReturnType<typeof textsFor>

/** What every CLI command works through: the application service over the app's data folder. */
export interface CliService {
  /** The same service the desktop app and the browser harness use (runtime `cli`). */
  readonly service: AppService
  /**
   * `--profile ARG`: a saved profile's id or name from the data folder, or a profile FILE (a path with
   * a slash or ending in `.json`, or any existing file when no saved profile has that name).
   * Throws {@link CliUsageError} (exit 2) when there is no such profile or the file is not one.
   */
  resolveProfile(arg: string): Promise<Profile>
  /** The data folder the service uses (profiles, settings, pinned host keys). */
  readonly dataDir: string
  /** Adds an OpenSSH known_hosts file the service consults (and appends accepted keys to). */
  addKnownHosts(file: string): void
  /** Cancels what is running and closes the connections. */
  close(): Promise<void>
}

/** Options of {@link openCliService}. */
export interface CliServiceOptions {
  /** Extra known_hosts files (the command's `--known-hosts`), besides the app's pins and ~/.ssh/known_hosts. */
  readonly knownHosts?: readonly (string | undefined)[]
}

/** The app's version, read from package.json beside the sources. */
export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/** The home folder the CLI runs for (`HOME` of its environment, so tests can use their own). */
export function cliHome(io: CliIo): string {
  return io.env.HOME !== undefined && io.env.HOME !== '' ? io.env.HOME : homedir()
}

/** The data folder the CLI uses: `GHW_USER_DATA_DIR`, else the desktop app's default for this platform. */
export function cliDataDir(io: CliIo): string {
  return resolveUserDataDir(process.platform, io.env, cliHome(io))
}

/** Opens the application service for a CLI command. Close it when done (`finally`). */
export async function openCliService(io: CliIo, options: CliServiceOptions = {}): Promise<CliService> {
  const dataDir = cliDataDir(io)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const knownHostsFiles: string[] = []
  const addKnownHosts = (file: string): void => {
    const path = resolve(file)
    if (!knownHostsFiles.includes(path)) knownHostsFiles.push(path)
  }
  for (const file of options.knownHosts ?? []) if (file !== undefined) addKnownHosts(file)
  const level = io.env.GHW_LOG_LEVEL
  const service = createService(
    {
      dataDir,
      appName: 'Gonka Host Wizard',
      appVersion: appVersion(),
      platform: process.platform,
      runtime: 'cli',
      homeDir: cliHome(io),
      // Read on every host-key check: resolveProfile may add a profile file's knownHostsPath later.
      knownHostsFiles,
    },
    {
      logger: createLogger(
        level === 'debug' || level === 'info' || level === 'warn' ? level : 'error',
        (line) => io.err(line),
      ),
    },
  )
  return {
    service,
    dataDir,
    addKnownHosts,
    resolveProfile: (arg) => resolveProfileArg(service, dataDir, arg, addKnownHosts, textsFor(io.env)),
    close: () => service.dispose(),
  }
}

/** A profile file as the CLI reads it: the app's schema (which keeps an optional `knownHostsPath`). */
const profileFileSchema = profileSchema

function looksLikePath(arg: string): boolean {
  return arg.includes('/') || arg.includes('\\') || /\.json$/i.test(arg)
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}

/** Reads and validates a profile file; a problem is a usage error naming the file. */
export async function readProfileFile(file: string, t: Texts = textsFor({})): Promise<Profile> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new CliUsageError(
      t('cli.common.cannotRead', { file, reason: error instanceof Error ? error.message : String(error) }),
    )
  }
  const parsed = profileFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new CliUsageError(
      t('cli.common.notAProfile', {
        file,
        problem: issue ? `${issue.path.join('.') || t('cli.common.theFile')}: ${issue.message}` : '',
      }),
    )
  }
  return parsed.data
}

async function resolveProfileArg(
  service: AppService,
  dataDir: string,
  arg: string,
  addKnownHosts: (file: string) => void,
  t: Texts,
): Promise<Profile> {
  const withKnownHosts = (profile: Profile): Profile => {
    if (profile.knownHostsPath !== undefined) addKnownHosts(profile.knownHostsPath)
    return profile
  }
  if (arg.trim() === '') throw new CliUsageError(t('cli.common.profileEmpty'))
  if (looksLikePath(arg)) return withKnownHosts(await readProfileFile(arg, t))
  const listing = unwrap(await service.invoke('listProfiles', {}))
  const wanted = arg.trim().toLowerCase()
  const byId = listing.profiles.filter((p) => p.id === arg.trim())
  const matches =
    byId.length > 0 ? byId : listing.profiles.filter((p) => p.name.trim().toLowerCase() === wanted)
  if (matches.length > 1) {
    throw new CliUsageError(
      t('cli.common.profileAmbiguous', { name: arg, ids: matches.map((p) => p.id).join(', ') }),
    )
  }
  const match = matches[0]
  if (match) return withKnownHosts(unwrap(await service.invoke('loadProfile', { id: match.id })))
  if (await isFile(arg)) return withKnownHosts(await readProfileFile(arg, t))
  const known = listing.profiles.map((p) => (p.name === p.id ? p.id : `${p.name} (${p.id})`))
  throw new CliUsageError(
    t('cli.common.noProfile', { name: arg, dir: dataDir }) +
      ' ' +
      (known.length > 0
        ? t('cli.common.savedProfiles', { list: known.join(', ') })
        : t('cli.common.noSavedProfiles')),
  )
}

/** A failed service call as an exception the command can catch (or let reach `main`, exit 1). */
export class CliServiceError extends Error {
  constructor(readonly error: AppError) {
    super(`${error.code}: ${error.message}`)
  }
}

/** The value of a service result, or throws {@link CliServiceError}. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new CliServiceError(result.error)
  return result.value
}

/** A fresh run id for a long operation. */
export function newRunId(prefix = 'cli'): string {
  return `${prefix}-${randomUUID()}`
}

/** One progress event as a stderr line: `[step] detail (45%)`, the title (a message key) when there is no detail. */
export function formatProgress(event: ProgressEvent): string {
  const pct = event.fraction !== undefined ? ` (${Math.round(event.fraction * 100)}%)` : ''
  return `[${event.stepId}] ${event.detail ?? event.title}${pct}`
}

/**
 * Follows the progress of run `runId`: each event goes to `onEvent` (default: printed to stderr with
 * {@link formatProgress}). Returns the function that stops following.
 */
export function followRun(
  cli: Pick<CliService, 'service'>,
  io: CliIo,
  runId: string,
  onEvent: (event: ProgressEvent) => void = (event) => io.err(formatProgress(event)),
): () => void {
  return cli.service.onEvent((pushed) => {
    if (pushed.type === 'progress' && pushed.event.runId === runId) onEvent(pushed.event)
  })
}

const promptData = z.object({
  prompt: z.object({
    promptId: z.string(),
    kind: z.enum(['password', 'passphrase', 'keyboard-interactive']),
    retry: z.boolean(),
  }),
})

/** Secrets a headless run may give when the service asks; anything else is declined. */
export interface HeadlessSecrets {
  /** The login password (`--password-stdin` without `--key`). */
  readonly password?: string
  /** The key file's passphrase (`--password-stdin` with `--key`). */
  readonly passphrase?: string
}

/**
 * Answers the secret prompts of run `runId` from what the command was given, never from a terminal,
 * so a headless run never waits: a password or passphrase once (a retry means it was wrong, so it is
 * declined), keyboard-interactive always declined. Returns the function that stops answering.
 */
export function answerSecretPrompts(
  cli: Pick<CliService, 'service'>,
  runId: string,
  secrets: HeadlessSecrets,
): () => void {
  return cli.service.onEvent((pushed) => {
    if (pushed.type !== 'progress' || pushed.event.runId !== runId) return
    const parsed = promptData.safeParse(pushed.event.data)
    if (!parsed.success) return
    const prompt: Pick<SecretPrompt, 'promptId' | 'kind' | 'retry'> = parsed.data.prompt
    const value = prompt.retry
      ? undefined
      : prompt.kind === 'password'
        ? secrets.password
        : prompt.kind === 'passphrase'
          ? secrets.passphrase
          : undefined
    void cli.service.invoke('provideSecret', {
      promptId: prompt.promptId,
      ...(value !== undefined ? { value } : {}),
    })
  })
}

/** Prints a failure the way every command does: `Error: message`, the hint, and per-field problems. */
export function printFailure(io: CliIo, error: AppError): void {
  const t = textsFor(io.env)
  io.err(t('cli.common.error', { message: error.message }))
  for (const [field, problem] of Object.entries(error.fields ?? {})) io.err(`  ${field}: ${problem}`)
  if (error.hint) io.err(t('cli.common.whatToDo', { hint: error.hint }))
}
