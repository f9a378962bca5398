/**
 * The result envelope every operation returns, and the closed set of error codes the UI switches on.
 * Nothing here may import from electron, node:*, ssh2, dockerode or the DOM.
 */

/** Every error code an operation can return. The renderer translates each one (`errors.<code>`). */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'PROFILE_UNREADABLE',
  'STORAGE_FAILED',
  'CANCELLED',
  'UNSUPPORTED',
  'INTERNAL',
  'UNREACHABLE',
  'TIMEOUT',
  'CONNECTION_REFUSED',
  'CONNECTION_LOST',
  'AUTH_FAILED',
  'PASSPHRASE_REQUIRED',
  'WRONG_PASSPHRASE',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'PERMISSION_DENIED',
  'REMOTE_COMMAND_FAILED',
  'CHECK_FAILED',
] as const

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number]

/** Scalar facts that make an error message concrete (a field name, a fingerprint, a path). */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>

/** A failure as it crosses a process boundary: plain data, never an exception. */
export interface AppError {
  readonly code: ErrorCode
  /** English sentence for logs and the CLI; the UI shows the translation of `code` with `details`. */
  readonly message: string
  /** What the user can do about it, in English; the UI has its own translated hint per code. */
  readonly hint?: string
  /** Whether trying the same thing again may succeed (network blips, timeouts). */
  readonly retryable: boolean
  readonly details?: ErrorDetails
  /** Per-field problems for INVALID_INPUT: field path → message key (see `validation.*` in locales). */
  readonly fields?: Readonly<Record<string, string>>
}

/** The envelope: success with a value, or failure with an {@link AppError}. */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError }

/** Builds a success envelope. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value }
}

/** Builds a failure envelope. */
export function fail<T = never>(error: AppError): Result<T> {
  return { ok: false, error }
}

/** True when `value` is one of the known error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
