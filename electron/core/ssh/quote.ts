import { AppFailure } from '../errors'

/**
 * Quotes one argument for a POSIX `sh`: wrapped in single quotes, each `'` written as `'\''`.
 * Inside single quotes the shell interprets nothing (no `$`, backticks, globbing or line breaks),
 * so every byte except NUL reaches the program as-is. NUL cannot exist in a C string, so it is refused.
 */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    throw new AppFailure('INVALID_INPUT', 'A command argument contains a NUL byte, which cannot be sent.', {
      hint: 'Remove the NUL character from the value.',
      retryable: false,
    })
  }
  // Plain words are left bare so commands stay readable in logs; the set is deliberately tiny.
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replaceAll("'", `'\\''`)}'`
}

/**
 * Builds the one command line sshd hands to the user's shell (`$SHELL -c "<line>"`): every argument
 * quoted, joined by spaces. There is no argv on the SSH wire, so this is the only safe way to send one.
 */
export function buildCommand(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new AppFailure('INVALID_INPUT', 'An empty command cannot be run.', { retryable: false })
  }
  return argv.map(quoteArg).join(' ')
}
