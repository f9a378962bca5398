import { CliServiceError, printFailure } from './cli-service'
import { commands } from './commands'
import { CliUsageError, type CliIo } from './io'
import { textsFor } from './texts'

/** Prints the top-level help. */
function help(io: CliIo): void {
  io.out('Gonka Host Wizard — headless CLI\n')
  io.out('Usage: npm run cli -- <command> [options]\n')
  io.out('Commands:')
  for (const command of commands) io.out(`  ${command.usage}\n      ${command.summary}`)
  io.out('\nRun `npm run cli -- <command> --help` for the options of one command.')
  io.out(
    "Every command works on the app's data folder (profiles, settings, pinned host keys), shared with the\n" +
      'desktop app: GHW_USER_DATA_DIR when set, else ~/.config/gonka-host-wizard on Linux,\n' +
      '~/Library/Application Support/gonka-host-wizard on macOS, %APPDATA%\\gonka-host-wizard on Windows.',
  )
  io.out(
    '\nLanguage of the human-readable output (check tables, plans, the plan question and its outcome; --json\n' +
      'stays English): GHW_LANG=en|zh-CN|ru,\n' +
      'else the locale in LC_ALL, LC_MESSAGES or LANG (ru_RU.UTF-8 → ru, zh_CN.UTF-8 → zh-CN), else English.',
  )
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    help(io)
    return name === undefined ? 2 : 0
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.err(textsFor(io.env)('cli.common.unknownCommand', { name }))
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: npm run cli -- ${command.usage}\n\n${command.summary}\n`)
    if (command.help) io.out(command.help)
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
