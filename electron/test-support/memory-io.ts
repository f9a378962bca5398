// Test support: a CLI io that records what a command prints, with empty stdin and environment.
import { Readable } from 'node:stream'
import type { CliIo } from '../cli/io'

/**
 * A {@link CliIo} whose stdout and stderr lines are kept in `lines` and `errors`. Commands that open
 * the service need `env.GHW_USER_DATA_DIR` (and `HOME`) pointing at a temporary folder.
 */
export function memoryIo(
  env: NodeJS.ProcessEnv = {},
  stdin = '',
): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    stdin: Readable.from(stdin === '' ? [] : [stdin]),
    env,
  }
}
