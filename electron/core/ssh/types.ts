import type { AuthMethod } from '../../shared/profile'

/**
 * How to reach one host. Built from a profile's server (or CLI flags); secrets are supplied separately
 * through {@link SecretProvider}, never stored in this object.
 */
export interface HostTarget {
  /** Stable id (the profile's server id, or `user@host:port` from the CLI). */
  readonly id: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly auth: AuthMethod
  readonly keyPath?: string
  /** The hop this host is reached through (ProxyJump), outermost first is the chain's order. */
  readonly jump?: HostTarget
}

/** Asks the user (or the CLI's stdin) for a secret when a connection needs one. */
export interface SecretProvider {
  /** The password of `target`'s user, or undefined when the user declines. */
  password(target: HostTarget): Promise<string | undefined>
  /** The passphrase of an encrypted key file. `retry` is true after a wrong one. */
  passphrase(target: HostTarget, keyPath: string, retry: boolean): Promise<string | undefined>
  /** Answers keyboard-interactive prompts (2FA); one answer per prompt. */
  keyboardInteractive(
    target: HostTarget,
    prompts: readonly { prompt: string; echo: boolean }[],
  ): Promise<string[] | undefined>
}

/** The outcome of one remote command. */
export interface ExecResult {
  readonly code: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
}

/** Options for one remote command. */
export interface ExecOptions {
  /** Written to the command's stdin, then closed. Use this for secrets and scripts, never argv. */
  readonly stdin?: string | Uint8Array
  readonly signal?: AbortSignal
  /** Milliseconds before the command is abandoned with TIMEOUT (default 60 s). */
  readonly timeoutMs?: number
  /** Streams output as it arrives (live logs). */
  readonly onStdout?: (chunk: string) => void
  readonly onStderr?: (chunk: string) => void
}

/**
 * The remote-execution seam every later step uses (checks, deploy, docker). Implemented by the pooled
 * SSH connection layer in this folder; `argv` is quoted per argument, never concatenated.
 */
export interface RemoteExecutor {
  exec(target: HostTarget, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>
}
