import { createInterface } from 'node:readline'
import type { AppError } from '../../shared/result'
import { openCliService } from '../cli-service'
import { CliUsageError, parseOptions, readStdin, type CliCommand, type CliIo } from '../io'
import type { AppService } from '../../core/service'
import { keysBackup, keysWarm } from './server-keys'
import { textsFor } from '../texts'

/** Clears the screen and the scrollback (xterm and most terminals), so the words leave the terminal. */
const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H'

/** Prints a failure (its message never contains key words) and returns exit code 1. */
function failed(io: CliIo, error: AppError): number {
  io.err(`${error.code}: ${error.message}`)
  if (error.hint) io.err(error.hint)
  return 1
}

/** Gives the store its passphrase from GHW_SECRETS_PASSPHRASE when set (passphrase-sealed store). */
async function unlockFromEnv(service: AppService, io: CliIo): Promise<AppError | undefined> {
  const passphrase = io.env.GHW_SECRETS_PASSPHRASE
  if (passphrase === undefined || passphrase === '') return undefined
  const r = await service.invoke('unlockSecrets', { passphrase })
  return r.ok ? undefined : r.error
}

async function keysNew(args: readonly string[], io: CliIo): Promise<number> {
  const t = textsFor(io.env)
  const { values } = parseOptions(args, { json: { type: 'boolean' }, keep: { type: 'boolean' } })
  if (io.terminal !== true) {
    io.err(t('cli.keys.newNeedsTerminal'))
    return 2
  }
  const cli = await openCliService(io)
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity })
  const iterator = lines[Symbol.asyncIterator]()
  const ask = async (question: string): Promise<string | undefined> => {
    io.err(question)
    const next = await iterator.next()
    return next.done ? undefined : next.value
  }
  let ceremonyId: string | undefined
  try {
    if (values.keep) {
      const problem = await unlockFromEnv(cli.service, io)
      if (problem) return failed(io, problem)
    }
    const created = await cli.service.invoke('createAccountKey', {})
    if (!created.ok) return failed(io, created.error)
    const key = created.value
    ceremonyId = key.ceremonyId
    io.err(t('cli.keys.wordsIntro1'))
    io.err(t('cli.keys.wordsIntro2'))
    io.err(`${t('cli.keys.wordsIntro3')}\n`)
    key.words.forEach((w, i) => io.err(`  ${String(i + 1).padStart(2)}. ${w}`))
    if ((await ask(`\n${t('cli.keys.pressEnter')}`)) === undefined) return 1
    io.err(CLEAR_SCREEN)
    for (;;) {
      const answers: { position: number; word: string }[] = []
      for (const position of key.checkPositions) {
        const word = await ask(t('cli.keys.word', { position }))
        if (word === undefined) return 1
        answers.push({ position, word: word.trim() })
      }
      const confirmed = await cli.service.invoke('confirmAccountKey', {
        ceremonyId,
        answers,
        keep: values.keep === true,
      })
      if (confirmed.ok) {
        ceremonyId = undefined
        io.err(CLEAR_SCREEN)
        const { address, pubkey, kept } = confirmed.value
        if (values.json) io.out(JSON.stringify({ address, pubkey }))
        else {
          io.out(`address: ${address}`)
          io.out(`pubkey:  ${pubkey}   ${t('cli.keys.pubkeyNote')}`)
        }
        if (kept) io.err(t('cli.keys.wordsKept'))
        return 0
      }
      if (confirmed.error.code !== 'INVALID_INPUT') {
        if (confirmed.error.code === 'NOT_FOUND') ceremonyId = undefined
        return failed(io, confirmed.error)
      }
      io.err(
        `${confirmed.error.message} ${t('cli.keys.tryAgain', { left: String(confirmed.error.details?.attemptsLeft ?? '') })}`,
      )
    }
  } finally {
    lines.close()
    if (ceremonyId !== undefined) await cli.service.invoke('cancelAccountKey', { ceremonyId })
    await cli.close()
  }
}

async function keysImport(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    'mnemonic-stdin': { type: 'boolean' },
    pubkey: { type: 'string' },
    json: { type: 'boolean' },
    keep: { type: 'boolean' },
  })
  const t = textsFor(io.env)
  if ((values['mnemonic-stdin'] === true) === (values.pubkey !== undefined)) {
    throw new CliUsageError(t('cli.keys.importOneOf'))
  }
  if (values.keep && values.pubkey !== undefined) throw new CliUsageError(t('cli.keys.keepWordsOnly'))
  const cli = await openCliService(io)
  try {
    if (values.keep) {
      const problem = await unlockFromEnv(cli.service, io)
      if (problem) return failed(io, problem)
    }
    const input =
      values.pubkey !== undefined
        ? { pubkey: values.pubkey }
        : { mnemonic: await readStdin(io.stdin), keep: values.keep === true }
    const r = await cli.service.invoke('importAccountKey', input)
    if (!r.ok) return failed(io, r.error)
    if (values.json) io.out(JSON.stringify({ address: r.value.address, pubkey: r.value.pubkey }))
    else {
      io.out(`address: ${r.value.address}`)
      io.out(`pubkey:  ${r.value.pubkey}   ${t('cli.keys.pubkeyNote')}`)
    }
    return 0
  } finally {
    await cli.close()
  }
}

/** `keys new` and `keys import`: the account (cold) key on this computer. */
export const keysCommand: CliCommand = {
  name: 'keys',
  usage:
    'keys new [--json] [--keep] | keys import --mnemonic-stdin | --pubkey B64 [--json] [--keep] | keys warm --profile P [--yes] [--json] | keys backup --profile P --out DIR [--json]',
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === 'new') return keysNew(rest, io)
    if (sub === 'import') return keysImport(rest, io)
    if (sub === 'warm') return keysWarm(rest, io)
    if (sub === 'backup') return keysBackup(rest, io)
    throw new CliUsageError(textsFor(io.env)('cli.keys.useSubcommand'))
  },
}

/** `secrets status` and `secrets forget`: the secret store. */
export const secretsCommand: CliCommand = {
  name: 'secrets',
  usage: 'secrets status [--json] | secrets forget [--json]',
  async run(args, io) {
    const [sub, ...rest] = args
    const t = textsFor(io.env)
    const { values } = parseOptions(rest, { json: { type: 'boolean' } })
    if (sub !== 'status' && sub !== 'forget') throw new CliUsageError(t('cli.secrets.useSubcommand'))
    const cli = await openCliService(io)
    try {
      if (sub === 'forget') {
        const r = await cli.service.invoke('forgetAllSecrets', {})
        if (!r.ok) return failed(io, r.error)
        if (values.json) io.out(JSON.stringify(r.value))
        else io.out(t(r.value.hadFile ? 'cli.secrets.forgotten' : 'cli.secrets.noneKept'))
        return 0
      }
      const problem = await unlockFromEnv(cli.service, io)
      if (problem) return failed(io, problem)
      const r = await cli.service.invoke('getSecretsStatus', {})
      if (!r.ok) return failed(io, r.error)
      if (values.json) io.out(JSON.stringify(r.value))
      else {
        io.out(
          `${t('cli.secrets.sealedBy', { sealer: r.value.sealer })}${r.value.ready ? '' : t('cli.secrets.locked', { reason: r.value.reason ?? '' })}`,
        )
        for (const e of r.value.entries)
          io.out(`  ${t('cli.secrets.entry', { name: e.name, savedAt: e.savedAt })}`)
      }
      return 0
    } finally {
      await cli.close()
    }
  },
}
