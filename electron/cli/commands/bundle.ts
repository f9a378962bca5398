import { readFile } from 'node:fs/promises'
import type { AppError } from '../../shared/result'
import { followRun, newRunId, openCliService, printFailure, unwrap } from '../cli-service'
import { CliUsageError, parseOptions, readHidden, type CliIo, type CliCommand } from '../io'
import { cliLanguage } from '../language'
import { textsFor } from '../texts'
import { renderDeployText } from '../../core/deploy/texts'
import { ansibleRunNotes } from '../../core/bundle/ansible'

/** Environment variable the bundle passphrase is read from (never a flag: flags end up in shell history). */
export const PASSPHRASE_ENV = 'GHW_BUNDLE_PASSPHRASE'
/** Environment variable the Ansible Vault password is read from (`export ansible`). */
export const VAULT_PASSWORD_ENV = 'GHW_VAULT_PASSWORD'

/** The passphrase from GHW_BUNDLE_PASSPHRASE, else asked on the terminal (twice when `confirm`). */
async function passphraseOf(io: CliIo, confirm: boolean): Promise<string | undefined> {
  const fromEnv = io.env[PASSPHRASE_ENV]
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (io.terminal !== true) return undefined
  const t = textsFor(io.env)
  const first = await readHidden(io, t('cli.bundle.passphrasePrompt'))
  if (first === undefined || !confirm) return first
  const second = await readHidden(io, t('cli.bundle.passphraseAgain'))
  if (second !== first) throw new CliUsageError(t('cli.bundle.passphrasesDiffer'))
  return first
}

/** The check results in a `check --json` output file (an array, or an object with `results`). */
async function checksFile(file: string | undefined, io: CliIo): Promise<Record<string, unknown>[] | undefined> {
  if (file === undefined) return undefined
  const t = textsFor(io.env)
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new CliUsageError(t('cli.common.cannotRead', { file, reason: error instanceof Error ? error.message : String(error) }))
  }
  const list = Array.isArray(raw)
    ? raw
    : typeof raw === 'object' && raw !== null && Array.isArray((raw as { results?: unknown }).results)
      ? (raw as { results: unknown[] }).results
      : undefined
  if (!list) throw new CliUsageError(t('cli.bundle.noCheckResults', { file }))
  return list.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
}

function failed(io: CliIo, error: AppError): number {
  printFailure(io, error)
  return 1
}

async function exportAnsible(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    profile: { type: 'string' },
    out: { type: 'string' },
    'skip-servers': { type: 'boolean' },
    json: { type: 'boolean' },
  })
  const t = textsFor(io.env)
  if (values.profile === undefined || values.out === undefined)
    throw new CliUsageError(t('cli.bundle.ansibleNeeds'))
  let password = io.env[VAULT_PASSWORD_ENV]
  if ((password === undefined || password === '') && io.terminal === true) {
    password = await readHidden(io, t('cli.bundle.vaultPrompt'))
    const again = password === undefined ? undefined : await readHidden(io, t('cli.bundle.vaultAgain'))
    if (again !== password) throw new CliUsageError(t('cli.bundle.passwordsDiffer'))
  }
  if (password === undefined || password === '')
    throw new CliUsageError(t('cli.bundle.giveVaultPassword', { env: VAULT_PASSWORD_ENV }))
  const cli = await openCliService(io)
  try {
    const profile = await cli.resolveProfile(values.profile)
    const runId = newRunId('ansible')
    const stop = followRun(cli, io, runId)
    const result = await cli.service.invoke(
      'exportAnsible',
      {
        profileId: profile.id,
        outDir: values.out,
        vaultPassword: password,
        ...(values['skip-servers'] ? { readServers: false } : {}),
        language: cliLanguage(io.env),
      },
      { runId },
    )
    stop()
    if (!result.ok) return failed(io, result.error)
    const r = result.value
    if (values.json) io.out(JSON.stringify(r))
    else {
      io.out(t('cli.bundle.wroteFiles', { count: r.files.length, dir: r.dir, files: r.files.join(', ') }))
      const language = cliLanguage(io.env)
      io.out(renderDeployText({ key: 'bundle.ansible.run', params: { dir: r.dir, command: r.command } }, language))
      for (const note of ansibleRunNotes(r, language)) io.out(`  ${note}`)
      for (const p of r.problems) io.out(`  ${t('cli.bundle.couldNotRead', { server: p.serverId, message: p.message })}`)
    }
    return r.problems.length > 0 ? 1 : 0
  } finally {
    await cli.close()
  }
}

async function exportBundle(args: readonly string[], io: CliIo): Promise<number> {
  if (args[0] === 'ansible') return exportAnsible(args.slice(1), io)
  const { values } = parseOptions(args, {
    profile: { type: 'string' },
    out: { type: 'string' },
    checks: { type: 'string' },
    'skip-servers': { type: 'boolean' },
    json: { type: 'boolean' },
  })
  const t = textsFor(io.env)
  if (values.profile === undefined || values.out === undefined)
    throw new CliUsageError(t('cli.bundle.exportNeeds'))
  const checks = await checksFile(values.checks, io)
  const passphrase = await passphraseOf(io, true)
  if (passphrase === undefined)
    throw new CliUsageError(t('cli.bundle.givePassphrase', { env: PASSPHRASE_ENV }))
  const cli = await openCliService(io)
  try {
    const profile = await cli.resolveProfile(values.profile)
    const runId = newRunId('bundle')
    const stop = followRun(cli, io, runId)
    const result = await cli.service.invoke(
      'exportConfigBundle',
      {
        profileId: profile.id,
        outPath: values.out,
        passphrase,
        ...(checks ? { checks } : {}),
        ...(values['skip-servers'] ? { readServers: false } : {}),
      },
      { runId },
    )
    stop()
    if (!result.ok) return failed(io, result.error)
    const r = result.value
    if (values.json) io.out(JSON.stringify(r))
    else {
      io.out(t(r.secrets ? 'cli.bundle.wroteBundleSecrets' : 'cli.bundle.wroteBundle', { path: r.path, bytes: r.bytes, count: r.files.length }))
      for (const a of r.absent) io.out(`  ${t('cli.bundle.notOnServer', { file: a })}`)
      for (const p of r.problems) io.out(`  ${t('cli.bundle.couldNotRead', { server: p.serverId, message: p.message })}`)
    }
    return r.problems.length > 0 ? 1 : 0
  } finally {
    await cli.close()
  }
}

async function importBundle(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    { json: { type: 'boolean' }, 'no-secrets': { type: 'boolean' } },
    true,
  )
  const t = textsFor(io.env)
  const file = positionals[0]
  if (file === undefined || positionals.length > 1) throw new CliUsageError(t('cli.bundle.importNeeds'))
  const passphrase = values['no-secrets'] ? undefined : await passphraseOf(io, false)
  const cli = await openCliService(io)
  try {
    const r = unwrap(
      await cli.service.invoke('importConfigBundle', { path: file, ...(passphrase !== undefined ? { passphrase } : {}) }),
    )
    if (values.json) io.out(JSON.stringify(r))
    else {
      io.out(
        t(r.renamed ? 'cli.bundle.importedRenamed' : 'cli.bundle.imported', { name: r.profileName, id: r.profileId }) +
          t(r.pinnedHosts === 1 ? 'cli.bundle.pinnedOne' : 'cli.bundle.pinnedMany', { count: r.pinnedHosts, createdAt: r.createdAt, version: r.appVersion }),
      )
      if (r.secrets === 'opened') io.out(t('cli.bundle.secretsOpened'))
      if (r.secrets === 'not-opened') io.out(t('cli.bundle.secretsNotOpened', { env: PASSPHRASE_ENV }))
    }
    return 0
  } finally {
    await cli.close()
  }
}

async function supportBundle(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseOptions(args, {
    profile: { type: 'string' },
    out: { type: 'string' },
    checks: { type: 'string' },
    json: { type: 'boolean' },
  })
  const t = textsFor(io.env)
  if (values.profile === undefined || values.out === undefined)
    throw new CliUsageError(t('cli.bundle.supportNeeds'))
  const checks = await checksFile(values.checks, io)
  const cli = await openCliService(io)
  try {
    const profile = await cli.resolveProfile(values.profile)
    const runId = newRunId('support')
    const stop = followRun(cli, io, runId)
    const result = await cli.service.invoke(
      'supportBundle',
      { profileId: profile.id, outPath: values.out, ...(checks ? { checks } : {}) },
      { runId },
    )
    stop()
    const r = unwrap(result)
    if (values.json) io.out(JSON.stringify(r))
    else io.out(t('cli.bundle.wroteSupport', { path: r.path, bytes: r.bytes, files: r.files.join(', ') }))
    return 0
  } finally {
    await cli.close()
  }
}

/** `export`: writes the config bundle (a backup of the deployment's settings and keys). */
export const exportCommand: CliCommand = {
  name: 'export',
  usage:
    'export --profile P --out FILE [--checks FILE] [--skip-servers] [--json] | export ansible --profile P --out DIR [--skip-servers] [--json]',
  async run(args, io) {
    return exportBundle(args, io)
  },
}

/** `import FILE`: verifies a config bundle and saves its profile and pinned keys. */
export const importCommand: CliCommand = {
  name: 'import',
  usage: 'import FILE [--no-secrets] [--json]',
  async run(args, io) {
    return importBundle(args, io)
  },
}

/** `support-bundle`: a redacted bundle for asking for help. */
export const supportBundleCommand: CliCommand = {
  name: 'support-bundle',
  usage: 'support-bundle --profile P --out FILE [--checks FILE] [--json]',
  async run(args, io) {
    return supportBundle(args, io)
  },
}
