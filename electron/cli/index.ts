import { CliServiceError, printFailure } from './cli-service'
import { commands } from './commands'
import { printCommandHelp, printHelp } from './help'
import { CliUsageError, type CliIo } from './io'
import { textsFor } from './texts'

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printHelp(io, commands)
    return name === undefined ? 2 : 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.err(textsFor(io.env)('cli.common.unknownCommand', { name }))
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    printCommandHelp(io, command)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`${error.message}\n${textsFor(io.env)('cli.common.usage', { usage: command.usage })}`)
      return 2
    }
    if (error instanceof CliServiceError) {
      printFailure(io, error.error)
      return 1
    }
    io.err(error instanceof Error ? error.message : String(error))
    return 1
  }
}

const isEntry =
  process.argv[1] !== undefined && /electron[\\/]cli[\\/]index\.[cm]?[jt]s$/.test(process.argv[1])
if (isEntry) {
  const io: CliIo = {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    stdin: process.stdin,
    env: process.env,
    terminal: process.stdin.isTTY === true && process.stderr.isTTY === true,
  }
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(String(error) + '\n')
      process.exitCode = 1
    },
  )
}
