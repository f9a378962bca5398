import { writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { Destination } from '../../shared/destination'
import {
  DEFAULT_INFERENCE_PORT,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_POC_PORT,
  deploymentSettingsSchema,
  validateDeploymentSettings,
  validateKeyringPassword,
  type DeploymentSettings,
  type DeploymentValidationKey,
} from '../../shared/deployment'
import configEn from '../../shared/locales/config/en.json'
import configZhCN from '../../shared/locales/config/zh-CN.json'
import configRu from '../../shared/locales/config/ru.json'
import type { Language } from '../../shared/settings'
import { cliLanguage } from '../language'
import { cliText, textsFor } from '../texts'
import { PROFILE_SCHEMA_VERSION, profileSchema, type Profile, type Server } from '../../shared/profile'
import { openCliService, printFailure, type CliService } from '../cli-service'
import { CliUsageError, destinationArg, parseOptions, readHidden, type CliCommand, type CliIo } from '../io'

/** Environment variable the keyring password is read from (never a flag: flags end up in shell history). */
export const KEYRING_PASSWORD_ENV = 'GHW_KEYRING_PASSWORD'
/** Environment variable with the passphrase of the secret store (where the keyring password is kept). */
export const SECRETS_PASSPHRASE_ENV = 'GHW_SECRETS_PASSPHRASE'

/** The flag a step-4 settings field comes from, for messages. */
const FLAG_OF: Readonly<Record<string, string>> = {
  repoUrl: '--repo',
  repoRef: '--ref',
  publicHost: '--public-host',
  domain: '--domain',
  keyName: '--key-name',
  accountPubkey: '--account-pubkey',
  hfHome: '--hf-home',
}

const CONFIG_TEXTS: Record<Language, unknown> = { en: configEn, 'zh-CN': configZhCN, ru: configRu }

/** The sentence of a step-4 validation key (what is wrong and what to do), English unless asked. */
export function validationText(key: DeploymentValidationKey, language: Language = 'en'): string {
  const texts = (tree: unknown): Record<string, string> =>
    (tree as { config: { validation: Record<string, string> } }).config.validation
  return texts(CONFIG_TEXTS[language])[key] ?? texts(configEn)[key] ?? key
}

/** `--flag: sentence` for one problem of the step-4 settings. */
function problemLine(field: string, key: DeploymentValidationKey, language: Language): string {
  const flag = FLAG_OF[field] ?? (field.startsWith('mlNodes.') ? '--model' : field)
  return `${flag}: ${validationText(key, language)}`
}

/** The step-4 flags of `profile init`. */
interface DeploymentFlags {
  readonly repo?: string | undefined
  readonly ref?: string | undefined
  readonly 'public-host'?: string | undefined
  readonly https?: boolean | undefined
  readonly domain?: string | undefined
  readonly 'account-pubkey'?: string | undefined
  readonly 'key-name'?: string | undefined
  readonly model?: string[] | undefined
  readonly 'hf-home'?: string | undefined
}

const DEPLOYMENT_FLAG_NAMES = [
  'repo',
  'ref',
  'public-host',
  'https',
  'domain',
  'account-pubkey',
  'key-name',
  'model',
  'hf-home',
] as const

/**
 * Step 4's settings from `profile init`'s flags, or undefined when none is given. Every problem is a
 * usage error that names the flag and says what to use; `--public-host` and `--key-name` are then
 * required (the api cannot start without them), `--account-pubkey` may come later from `keys`.
 */
export function deploymentFromFlags(
  values: DeploymentFlags,
  servers: readonly Server[],
  language: Language = 'en',
): DeploymentSettings | undefined {
  if (!DEPLOYMENT_FLAG_NAMES.some((name) => values[name] !== undefined)) return undefined
  const gpuServers = servers.filter((s) => s.role !== 'network')
  const models = values.model ?? []
  const settings = deploymentSettingsSchema.parse({
    ...(values.repo !== undefined ? { repoUrl: values.repo.trim() } : {}),
    ...(values.ref !== undefined ? { repoRef: values.ref.trim() } : {}),
    publicHost: (values['public-host'] ?? '').trim(),
    https: values.https === true,
    ...(values.domain !== undefined ? { domain: values.domain.trim() } : {}),
    keyName: (values['key-name'] ?? '').trim(),
    ...(values['account-pubkey'] !== undefined ? { accountPubkey: values['account-pubkey'].trim() } : {}),
    ...(values['hf-home'] !== undefined ? { hfHome: values['hf-home'].trim() } : {}),
    mlNodes:
      models.length === 0
        ? []
        : gpuServers.map((server, i) => ({
            serverId: server.id,
            nodeId: gpuServers.length === 1 ? 'node1' : `node${i + 1}`,
            models: models.map((id) => ({ id: id.trim(), args: [] })),
            maxConcurrent: DEFAULT_MAX_CONCURRENT,
            inferencePort: DEFAULT_INFERENCE_PORT,
            pocPort: DEFAULT_POC_PORT,
          })),
  })
  const problems = Object.entries(
    validateDeploymentSettings(
      settings,
      gpuServers.map((s) => s.id),
    ),
  ).flatMap(([field, key]) => (key ? [problemLine(field, key, language)] : []))
  if (problems.length > 0)
    throw new CliUsageError(
      `${cliText(language, 'cli.profile.settingsNeedFixing')}\n  ${problems.join('\n  ')}`,
    )
  return settings
}

/**
 * The keyring password for `profile init`: GHW_KEYRING_PASSWORD, else asked twice without echo on a
 * terminal (an empty answer skips it), else undefined. A bad one is a usage error saying why.
 */
export async function keyringPasswordOf(io: CliIo): Promise<string | undefined> {
  const t = textsFor(io.env)
  const fromEnv = io.env[KEYRING_PASSWORD_ENV]
  let password: string | undefined
  if (fromEnv !== undefined && fromEnv !== '') password = fromEnv
  else if (io.terminal === true) {
    const first = await readHidden(io, t('cli.profile.keyringPasswordPrompt'))
    if (first === undefined || first === '') return undefined
    const second = await readHidden(io, t('cli.profile.keyringPasswordAgain'))
    if (second !== first) throw new CliUsageError(t('cli.profile.keyringPasswordsDiffer'))
    password = first
  } else return undefined
  const problem = validateKeyringPassword(password)
  if (problem)
    throw new CliUsageError(`${KEYRING_PASSWORD_ENV}: ${validationText(problem, cliLanguage(io.env))}`)
  return password
}

/** Keeps the keyring password in the secret store (unlocked with GHW_SECRETS_PASSPHRASE when set). */
async function keepKeyringPassword(
  cli: CliService,
  io: CliIo,
  profileId: string,
  password: string,
): Promise<boolean> {
  const passphrase = io.env[SECRETS_PASSPHRASE_ENV]
  if (passphrase !== undefined && passphrase !== '') {
    const unlocked = await cli.service.invoke('unlockSecrets', { passphrase })
    if (!unlocked.ok) {
      printFailure(io, unlocked.error)
      return false
    }
  }
  const kept = await cli.service.invoke('holdKeyringPassword', { profileId, password, keep: true })
  if (kept.ok) return true
  printFailure(io, kept.error)
  if (kept.error.code === 'PASSPHRASE_REQUIRED')
    io.err(
      textsFor(io.env)('cli.profile.keyringNotKept', {
        passphraseEnv: SECRETS_PASSPHRASE_ENV,
        passwordEnv: KEYRING_PASSWORD_ENV,
      }),
    )
  return false
}

/** A profile id from a name or file name (`Lab split.json` → `lab-split`). */
export function profileIdFrom(text: string): string {
  const slug = text
    .replace(/\.json$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
  return /^[a-z0-9]/.test(slug) ? slug : `profile-${slug}`.replace(/-+$/, '').slice(0, 63)
}

/** `profile init`: saves a profile in the app's data folder (and writes it to --out FILE when given). */
export const profileCommand: CliCommand = {
  name: 'profile',
  usage:
    'profile init (--name NAME | --out FILE) --topology split|single --network USER@HOST[:PORT] [--ml NAME=USER@HOST[:PORT] ...] [--key FILE] [--known-hosts FILE] [--seed URL] [--repo URL] [--ref REF] [--public-host H [--https --domain D]] [--account-pubkey B64] [--key-name N] [--model ID ...] [--hf-home PATH] [--force]',
  async run(args, io) {
    const [sub, ...rest] = args
    const t = textsFor(io.env)
    if (sub !== 'init') throw new CliUsageError(t('cli.profile.onlyInit'))
    const { values } = parseOptions(rest, {
      out: { type: 'string' },
      topology: { type: 'string' },
      network: { type: 'string' },
      ml: { type: 'string', multiple: true },
      key: { type: 'string' },
      'known-hosts': { type: 'string' },
      name: { type: 'string' },
      seed: { type: 'string' },
      force: { type: 'boolean' },
      repo: { type: 'string' },
      ref: { type: 'string' },
      'public-host': { type: 'string' },
      https: { type: 'boolean' },
      domain: { type: 'string' },
      'account-pubkey': { type: 'string' },
      'key-name': { type: 'string' },
      model: { type: 'string', multiple: true },
      'hf-home': { type: 'string' },
    })
    if (values.out === undefined && values.name === undefined)
      throw new CliUsageError(t('cli.profile.giveName'))
    if (values.out !== undefined && values.out.trim() === '')
      throw new CliUsageError(t('cli.profile.outNeedsFile'))
    if (values.topology !== 'split' && values.topology !== 'single')
      throw new CliUsageError(t('cli.profile.topology'))
    if (!values.network) throw new CliUsageError(t('cli.profile.networkRequired'))
    const mls = values.ml ?? []
    if (values.topology === 'single' && mls.length > 0) throw new CliUsageError(t('cli.profile.mlOnlySplit'))
    if (values.topology === 'split' && mls.length === 0)
      throw new CliUsageError(t('cli.profile.splitNeedsMl'))
    const keyPath = values.key ? resolve(values.key) : undefined
    const auth = keyPath ? ('key' as const) : ('agent' as const)
    const server = (id: string, name: string, dest: Destination, role: Server['role']): Server => ({
      id,
      name,
      address: dest.host,
      port: dest.port,
      user: dest.user,
      auth,
      ...(keyPath ? { keyPath } : {}),
      role,
    })
    const servers: Server[] = [
      server(
        'network',
        'network',
        destinationArg('--network', values.network, t),
        values.topology === 'single' ? 'combined' : 'network',
      ),
    ]
    for (const spec of mls) {
      const eq = spec.indexOf('=')
      const name = eq > 0 ? spec.slice(0, eq) : ''
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
        throw new CliUsageError(t('cli.profile.mlSpec', { spec }))
      const id = name.toLowerCase().replace(/[^a-z0-9-]/g, '-')
      if (servers.some((s) => s.id === id || s.name === name))
        throw new CliUsageError(t('cli.profile.mlTwice', { name }))
      servers.push(server(id, name, destinationArg(`--ml ${name}`, spec.slice(eq + 1), t), 'ml'))
    }
    const deployment = deploymentFromFlags(values, servers, cliLanguage(io.env))
    const keyringPassword = deployment !== undefined ? await keyringPasswordOf(io) : undefined
    const name = (values.name ?? basename(values.out ?? '').replace(/\.json$/i, '')).trim()
    if (name === '' || name.length > 80) throw new CliUsageError(t('cli.profile.nameLength'))
    const now = new Date().toISOString()
    const parsed = profileSchema.safeParse({
      schemaVersion: PROFILE_SCHEMA_VERSION,
      id: profileIdFrom(name),
      name,
      topology: values.topology,
      servers,
      ...(values.seed !== undefined ? { seedApiUrl: values.seed.trim() } : {}),
      ...(values['known-hosts'] ? { knownHostsPath: resolve(values['known-hosts']) } : {}),
      ...(deployment !== undefined ? { deployment } : {}),
      createdAt: now,
      updatedAt: now,
    })
    if (!parsed.success)
      throw new CliUsageError(t('cli.profile.notValid', { problem: parsed.error.issues[0]?.message ?? '' }))
    const cli = await openCliService(io)
    try {
      const listing = await cli.service.invoke('listProfiles', {})
      if (!listing.ok) {
        printFailure(io, listing.error)
        return 1
      }
      const clash = listing.value.profiles.find((p) => p.id === parsed.data.id)
      if (clash && values.force !== true)
        throw new CliUsageError(t('cli.profile.clash', { id: clash.id, name: clash.name, dir: cli.dataDir }))
      let address: string | undefined
      if (deployment?.accountPubkey !== undefined) {
        // The service reads the key as step 3 does (on the curve, compressed) and names its address.
        const key = await cli.service.invoke('importAccountKey', { pubkey: deployment.accountPubkey })
        if (!key.ok) {
          io.err(`--account-pubkey: ${key.error.message}`)
          if (key.error.hint) io.err(t('cli.common.whatToDo', { hint: key.error.hint }))
          return 2
        }
        address = key.value.address
      }
      // The service validates it as the app's form does (addresses, users, duplicates, topology, seed).
      const saved = await cli.service.invoke('saveProfile', { profile: parsed.data })
      if (!saved.ok) {
        printFailure(io, saved.error)
        return saved.error.code === 'INVALID_INPUT' ? 2 : 1
      }
      const profile: Profile = saved.value
      const list = servers.map((s) => `${s.name} (${s.role}) ${s.user}@${s.address}:${s.port}`).join(', ')
      io.out(t('cli.profile.saved', { name: profile.name, id: profile.id, dir: cli.dataDir, list }))
      if (deployment !== undefined) {
        const url = `${deployment.https ? 'https' : 'http'}://${deployment.domain ?? deployment.publicHost}`
        io.out(
          t('cli.profile.deployment', {
            repo: deployment.repoUrl,
            ref: deployment.repoRef,
            url,
            keyName: deployment.keyName,
          }) +
            (address !== undefined ? t('cli.profile.account', { address }) : t('cli.profile.accountNotSet')) +
            (deployment.mlNodes.length > 0
              ? t('cli.profile.models', {
                  models: [...new Set(deployment.mlNodes.flatMap((n) => n.models.map((m) => m.id)))].join(
                    ', ',
                  ),
                })
              : ''),
        )
      }
      let exitCode = 0
      if (keyringPassword !== undefined) {
        if (await keepKeyringPassword(cli, io, profile.id, keyringPassword))
          io.out(t('cli.profile.keyringKept'))
        else exitCode = 1
      } else if (deployment !== undefined) {
        io.out(t('cli.profile.noKeyringPassword', { env: KEYRING_PASSWORD_ENV }))
      }
      if (values.out !== undefined) {
        await writeFile(values.out, JSON.stringify(profile, null, 2) + '\n', { mode: 0o600 })
        io.out(t('cli.profile.wrote', { file: values.out }))
      }
      return exitCode
    } finally {
      await cli.close()
    }
  },
}
