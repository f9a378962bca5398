import type { InputOf, OperationName, OutputOf } from '../shared/contract'
import type { ProgressEvent, PushedEvent } from '../shared/progress'
import type { SecretSealer } from './secrets/sealer'

/** Per-call context: cancellation and progress for long operations. */
export interface CallContext {
  /** The caller-made run id (long operations always have one). */
  readonly runId?: string
  /** Aborted when the caller cancels the run or the app shuts down. */
  readonly signal: AbortSignal
  /** Reports progress of this run; the run id is filled in. */
  readonly progress: (event: Omit<ProgressEvent, 'runId'>) => void
}

/** Facts and adapters the service is built with; the runtime (Electron, CLI, harness) supplies them. */
export interface ServiceEnvironment {
  /** Folder for profiles, settings and pinned host keys (created if missing). */
  readonly dataDir: string
  readonly appName: string
  readonly appVersion: string
  readonly platform: string
  readonly runtime: 'electron' | 'browser-harness' | 'cli'
  /** The user's home folder (for ~/.ssh). Overridable so tests never touch the real one. */
  readonly homeDir: string
  /**
   * OpenSSH known_hosts files this runtime was given besides `~/.ssh/known_hosts` (the CLI's
   * `--known-hosts`, a profile file's `knownHostsPath`). Read on every host-key check, together with the
   * app's pins; a key accepted with `trustHostKey` is pinned and appended to each of them. Read when
   * used, so a runtime may add a file after the service was built.
   */
  readonly knownHostsFiles?: readonly string[]
  /**
   * How secrets at rest are sealed: the desktop app passes the OS keychain (safeStorage, adapter in
   * electron/main); without one the service uses a passphrase-sealed file.
   */
  readonly secretSealer?: SecretSealer
  /**
   * The system's preferred languages, best first (Electron's `app.getPreferredSystemLanguages()`, the
   * CLI's GHW_LANG / LC_ALL / LC_MESSAGES / LANG). Until the user picks a language, the app starts in
   * the first one it ships (`matchLanguage`), else English.
   */
  readonly systemLanguages?: readonly string[]
}

/** Handlers for a subset `K` of the contract's operations. */
export type Handlers<K extends OperationName> = {
  readonly [P in K]: (input: InputOf<P>, call: CallContext) => Promise<OutputOf<P>>
}

/** Lets a feature push events that are not tied to one call (e.g. a host key prompt). */
export type EventSink = (event: PushedEvent) => void
