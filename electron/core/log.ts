/** Structured fields of a log line. Values are redacted when their key looks like a secret. */
export type LogFields = Readonly<Record<string, unknown>>

/** A small leveled logger that never writes secrets. */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

const SECRET_KEY = /pass(word|phrase)?|secret|token|private|mnemonic|keyring|credential/i

/** Replaces the values of secret-looking keys (recursively) with a marker. */
export function redact(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) out[key] = '[redacted]'
    else if (value && typeof value === 'object' && !Array.isArray(value))
      out[key] = redact(value as LogFields)
    else out[key] = value
  }
  return out
}

type Level = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** A logger writing JSON lines to stderr at `level` and above (default from GHW_LOG_LEVEL or 'warn'). */
export function createLogger(
  level: Level = (process.env.GHW_LOG_LEVEL as Level | undefined) ?? 'warn',
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const emit = (at: Level, message: string, fields?: LogFields): void => {
    if (ORDER[at] < ORDER[level]) return
    write(
      JSON.stringify({ t: new Date().toISOString(), level: at, message, ...(fields ? redact(fields) : {}) }),
    )
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  }
}
