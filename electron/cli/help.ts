// The CLI's help (the command list, its footer and each command's `--help`) in the CLI's language
// (./language): prose from the back end's locale files electron/shared/locales/cli-help/<lang>.json.
// What scripts rely on stays in the code and is never translated: command names, the `usage` synopsis
// lines, flag names and --json keys (the translated texts keep every flag and key as English has it).
import en from '../shared/locales/cli-help/en.json'
import zhCN from '../shared/locales/cli-help/zh-CN.json'
import ru from '../shared/locales/cli-help/ru.json'
import { lookupKey } from '../shared/i18n-text'
import type { Language } from '../shared/settings'
import type { CliCommand, CliIo } from './io'
import { cliLanguage } from './language'
import { cliText } from './texts'

const LOCALES: Record<Language, unknown> = { en, 'zh-CN': zhCN, ru }

/** A help text of `language` (English when that language lacks it), undefined when English lacks it too. */
function lookup(language: Language, path: readonly string[]): string | undefined {
  return lookupKey(LOCALES[language], ['cliHelp', ...path]) ?? lookupKey(en, ['cliHelp', ...path])
}

/** The general help texts (title, labels, footer paragraphs). */
export type CliHelpKey = Exclude<keyof typeof en.cliHelp, 'command'>

export function helpText(language: Language, key: CliHelpKey): string {
  return lookup(language, [key]) ?? key
}

/** The one-line summary of `command` in `language`; the command's own English one for a command not in the locale files yet. */
export function commandSummary(command: CliCommand, language: Language): string {
  return lookup(language, ['command', command.name, 'summary']) ?? command.summary ?? ''
}

/** The `--help` text of `command` in `language` (undefined when it has none). */
export function commandHelp(command: CliCommand, language: Language): string | undefined {
  return lookup(language, ['command', command.name, 'help']) ?? command.help
}

/** Prints the top-level help: the commands with their summaries, then the footer. */
export function printHelp(io: CliIo, commands: readonly CliCommand[]): void {
  const language = cliLanguage(io.env)
  const t = (key: CliHelpKey): string => helpText(language, key)
  io.out(`${t('title')}\n`)
  io.out(`${cliText(language, 'cli.common.usage', { usage: '<command> [options]' })}\n`)
  io.out(t('commands'))
  for (const command of commands) io.out(`  ${command.usage}\n      ${commandSummary(command, language)}`)
  io.out(`\n${t('more')}`)
  io.out(t('dataFolder'))
  io.out(`\n${t('language')}`)
}

/** Prints `command --help`: the usage line (its synopsis untranslated, as in usage errors), the summary and the help text. */
export function printCommandHelp(io: CliIo, command: CliCommand): void {
  const language = cliLanguage(io.env)
  io.out(
    `${cliText(language, 'cli.common.usage', { usage: command.usage })}\n\n${commandSummary(command, language)}\n`,
  )
  const help = commandHelp(command, language)
  if (help) io.out(help)
}
