import { createInterface } from 'node:readline'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { parseDestination, type Destination } from '../shared/destination'
import type { ValidationKey } from '../shared/profile'
import { textsFor, type CliTextKey } from './texts'

/** Where a CLI command reads and writes; tests pass their own. */
export interface CliIo {
  out(line: string): void
  err(line: string): void
  readonly stdin: NodeJS.ReadableStream
  readonly env: NodeJS.ProcessEnv
  /** True when stdin and stderr are an interactive terminal (words of a new key are shown only then). */
  readonly terminal?: boolean
}

/** A mistake in how the command was called: printed with the usage line, exit code 2. */
export class CliUsageError extends Error {}

/** One CLI command. Each lives in its own file under `commands/` and is listed in `commands/index.ts`. */
export interface CliCommand {
  readonly name: string
  /** `name <args> [options]`, shown in help as is (never translated: scripts and docs rely on it). */
  readonly usage: string
  /**
   * The one-line summary and the `--help` text live in the locale files
   * (electron/shared/locales/cli-help/<lang>.json, `cliHelp.command.<name>.summary|help`), in the
   * CLI's language. These English fields are only a stop-gap for a command not in those files yet
   * (a unit test fails until it is).
   */
  readonly summary?: string
  readonly help?: string
  run(args: readonly string[], io: CliIo): Promise<number>
}

/** `node:util` parseArgs that turns its errors into {@link CliUsageError}. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true })
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error))
  }
}

/** Reads all of stdin as text (for --password-stdin); trailing newline removed. */
export async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

const DESTINATION_PROBLEMS: Partial<Record<ValidationKey, CliTextKey>> = {
  userRequired: 'cli.destination.userRequired',
  userInvalid: 'cli.destination.userInvalid',
  addressRequired: 'cli.destination.addressRequired',
  addressHasScheme: 'cli.destination.addressHasScheme',
  addressHasPath: 'cli.destination.addressHasPath',
  addressHasUserOrPort: 'cli.destination.addressHasUserOrPort',
  addressInvalid: 'cli.destination.addressInvalid',
  portRange: 'cli.destination.portRange',
}

/** `USER@HOST[:PORT]` from a flag or argument, parsed by the shared parser; a usage error names the flag. */
export function destinationArg(
  what: string,
  value: string,
  t: ReturnType<typeof textsFor> = textsFor({}),
): Destination {
  const parsed = parseDestination(value)
  if (parsed.ok) return parsed.value
  const problemKey = DESTINATION_PROBLEMS[parsed.problem]
  throw new CliUsageError(
    t('cli.destination.invalid', { what, value, problem: problemKey ? t(problemKey) : parsed.problem }),
  )
}

/**
 * Reads one line from the terminal without echoing it (raw mode), for secrets that are never flags;
 * undefined at end of input or Ctrl-C/Ctrl-D. Without raw mode (a pipe) it reads one line.
 */
export async function readHidden(io: CliIo, question: string): Promise<string | undefined> {
  const stdin = io.stdin as NodeJS.ReadStream
  io.err(question)
  if (typeof stdin.setRawMode !== 'function') {
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity })
    for await (const line of lines) {
      lines.close()
      return line
    }
    return undefined
  }
  stdin.setRawMode(true)
  stdin.resume()
  try {
    return await new Promise<string | undefined>((resolve) => {
      let text = ''
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish(text)
          if (ch === '\u0003' || ch === '\u0004') return finish(undefined)
          if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1)
          else text += ch
        }
      }
      const finish = (value: string | undefined): void => {
        stdin.off('data', onData)
        stdin.off('end', onEnd)
        resolve(value)
      }
      const onEnd = (): void => finish(undefined)
      stdin.on('data', onData)
      stdin.once('end', onEnd)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
  }
}
