import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import en from '../shared/locales/cli-help/en.json'
import zhCN from '../shared/locales/cli-help/zh-CN.json'
import ru from '../shared/locales/cli-help/ru.json'
import { LANGUAGES, type Language } from '../shared/settings'
import { memoryIo } from '../test-support/memory-io'
import { commands } from './commands'
import { commandHelp, commandSummary, helpText, type CliHelpKey } from './help'
import { main } from './index'

const FILES: Record<Language, { cliHelp: Record<string, unknown> }> = { en, 'zh-CN': zhCN, ru }
const GENERAL = Object.keys(en.cliHelp).filter((k) => k !== 'command') as CliHelpKey[]

/** What scripts and users type, which a translation must keep exactly as English has it. */
function contract(text: string) {
  const set = (re: RegExp) => [...new Set(text.match(re) ?? [])].sort()
  return {
    flags: set(/(?<![\w-])--[a-z][a-z-]*/g),
    env: set(/\bGHW_[A-Z_]+\b/g),
    jsonKeys: set(/"[A-Za-z]+"/g),
    commands: set(/`[^`]+`/g),
  }
}

const CJK = /[\u4e00-\u9fff]/
const CYRILLIC = /[\u0400-\u04ff]/

describe('the CLI help in every language', () => {
  for (const language of LANGUAGES) {
    it(`${language}: every command has its own summary and help, no raw key or placeholder`, () => {
      const own = FILES[language].cliHelp.command as Record<string, { summary?: string; help?: string }>
      for (const command of commands) {
        // Each command is in the locale file itself (no fallback to English or to the code).
        expect(own[command.name]?.summary, `${language}: ${command.name} summary`).toBeTruthy()
        expect(own[command.name]?.help, `${language}: ${command.name} help`).toBeTruthy()
        for (const text of [commandSummary(command, language), commandHelp(command, language) ?? '']) {
          expect(text).not.toMatch(/cliHelp\.|\{\{/)
          expect(text.trim()).not.toBe('')
        }
      }
      for (const key of GENERAL) {
        expect(helpText(language, key)).not.toBe(key)
        expect(helpText(language, key)).not.toMatch(/\{\{/)
      }
    })
  }

  for (const language of ['zh-CN', 'ru'] as const) {
    const script = language === 'zh-CN' ? CJK : CYRILLIC
    it(`${language}: every text is translated and keeps the flags, variables, JSON keys and commands`, () => {
      for (const command of commands) {
        const english = commandHelp(command, 'en') ?? ''
        const mine = commandHelp(command, language) ?? ''
        expect(commandSummary(command, language), `${command.name} summary`).toMatch(script)
        expect(mine, `${command.name} help`).toMatch(script)
        expect(contract(mine), `${language}: ${command.name} --help`).toEqual(contract(english))
      }
      for (const key of GENERAL.filter((k) => k !== 'title')) {
        expect(helpText(language, key), key).toMatch(script)
        expect(contract(helpText(language, key)), key).toEqual(contract(helpText('en', key)))
      }
    })
  }

  it('GHW_LANG=zh-CN: the command list shows Chinese summaries under the untouched usage lines', async () => {
    const io = memoryIo({ GHW_LANG: 'zh-CN' })
    expect(await main(['--help'], io)).toBe(0)
    const text = io.lines.join('\n')
    for (const command of commands) {
      expect(text).toContain(`  ${command.usage}\n      ${commandSummary(command, 'zh-CN')}`)
      expect(text).not.toContain(commandSummary(command, 'en'))
    }
    expect(text).toContain('GHW_LANG=en|zh-CN|ru')
    expect(text).toContain('本帮助')
  })

  it('GHW_LANG=ru: plan --help is Russian prose with the same usage line and flags as English', async () => {
    const ruIo = memoryIo({ GHW_LANG: 'ru' })
    const enIo = memoryIo({ GHW_LANG: 'en' })
    expect(await main(['plan', '--help'], ruIo)).toBe(0)
    expect(await main(['plan', '--help'], enIo)).toBe(0)
    const russian = ruIo.lines.join('\n')
    const english = enIo.lines.join('\n')
    expect(russian).toContain('npm run cli -- plan --profile P [--json] [--start-without-keys]')
    expect(russian.split('\n')[0]?.replace(/^\S+/, '')).toBe(english.split('\n')[0]?.replace(/^\S+/, ''))
    expect(russian).toContain('Параметры:')
    expect(russian).toContain('сохранённый профиль')
    expect(russian).not.toContain('saved profile')
    expect(contract(russian).flags).toEqual(contract(english).flags)
    expect(contract(russian).flags).toContain('--private-address')
  })

  it('English stays as it was: usage line, summary, then the help text', async () => {
    const io = memoryIo()
    expect(await main(['ps', '--help'], io)).toBe(0)
    expect(io.lines.join('\n')).toBe(
      'Usage: npm run cli -- ps --profile P [--json]\n\n' +
        'List the containers on every server (state, health, restarts, exit code)\n\n' +
        'Options:\n' +
        '  --profile P   saved profile (id or name) or profile file\n' +
        '  --json        print {"containers":[…],"errors":[…]}\n' +
        'Exit code 1 when a server could not be read.',
    )
  })

  it('the real entry follows GHW_LANG (npm run cli -- --help)', async () => {
    const root = join(__dirname, '..', '..')
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join('electron', 'cli', 'index.ts'), '--help'],
      { cwd: root, env: { ...process.env, GHW_LANG: 'zh-CN' } },
    )
    expect(stdout).toContain('命令：')
    expect(stdout).toContain(
      commandSummary(
        commands.find((c) => c.name === 'plan')!,
        'zh-CN',
      ),
    )
  }, 30_000)
})
