import type { AppError, ErrorCode, ErrorDetails } from '../shared/result'

/** Codes where trying again unchanged may succeed. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set([
  'UNREACHABLE',
  'TIMEOUT',
  'CONNECTION_LOST',
  'CONNECTION_REFUSED',
])

/**
 * The one exception type core throws for expected failures. The service turns it into an
 * {@link AppError}; anything else becomes INTERNAL (and is logged without secrets).
 */
export class AppFailure extends Error {
  readonly code: ErrorCode
  readonly hint?: string
  readonly retryable: boolean
  readonly details?: ErrorDetails
  readonly fields?: Readonly<Record<string, string>>

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      hint?: string
      retryable?: boolean
      details?: ErrorDetails
      fields?: Readonly<Record<string, string>>
      cause?: unknown
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AppFailure'
    this.code = code
    this.retryable = options.retryable ?? RETRYABLE.has(code)
    if (options.hint !== undefined) this.hint = options.hint
    if (options.details !== undefined) this.details = options.details
    if (options.fields !== undefined) this.fields = options.fields
  }

  /** The plain-data form that crosses process boundaries. */
  toAppError(): AppError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
      ...(this.fields !== undefined ? { fields: this.fields } : {}),
    }
  }
}

/** Converts anything thrown into an {@link AppError}. Unknown errors never leak their stack or text. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppFailure) return error.toAppError()
  if (error instanceof Error && error.name === 'AbortError') {
    return { code: 'CANCELLED', message: 'The operation was cancelled.', retryable: true }
  }
  return {
    code: 'INTERNAL',
    message: 'Something went wrong inside the app. The details are in the log.',
    retryable: false,
  }
}

/** Throws CANCELLED when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppFailure('CANCELLED', 'The operation was cancelled.', { retryable: true })
}
