import { posix } from 'node:path'
import type { DeployChange, I18nText } from '../../shared/deploy'
import type {
  GrantsView,
  KeysBackup,
  RegistrationView,
  ServerKeysStatus,
  WarmKeyView,
} from '../../shared/server-keys'
import { dockerFor, listContainerStates } from '../docker/docker-client'
import { runCompose } from '../docker/compose'
import { AppFailure } from '../errors'
import { bech32 } from '@scure/base'
import { accountFromPubkey, GONKA_ADDRESS_PREFIX } from '../gonka/keys'
import { PublicApiClient } from '../gonka/public-api'
import { participantStatusName } from '../gonka/public-api'
import {
  cannotServeReasons,
  grantCommand,
  readAccount,
  readGrants,
  registrationTimeoutText,
  seedBase,
} from '../gonka/server-keys'
import { toAppError } from '../errors'
import { FIRST_SERVICES, NETWORK_COMPOSE, type HostContext } from './gonka-actions'
import type { ActionContext, AnyAction } from './types'

/**
 * Step 3 on the network server, as engine actions: a dated backup of the keyring and `.tmkms/` before
 * anything touches them, the warm key made once inside the api container, and the registration of
 * the cold account confirmed on the seed. The keyring password stays in config.env (0600): the
 * container reads it from its environment and feeds it to `inferenced` on stdin, never argv.
 */

const t = (key: string, params?: Record<string, string | number>): I18nText => ({
  key: `deploy.keys.${key}`,
  ...(params ? { params } : {}),
})

/** Runs as root where the SSH user is not root (the folders are root's: containers made them). */
const SUDO = 'S=""; [ "$(id -u)" = 0 ] || S="sudo -n"'

/** Prints `manifest:<sha256> <files>` over the key material (keyring + .tmkms/secrets) in the join dir. */
const MANIFEST = `manifest() {
  for p in .inference/keyring-file .tmkms/secrets; do
    if $S test -e "$p"; then $S find "$p" -type f -exec sha256sum {} + ; fi
  done 2>/dev/null | sort
}`

/** Lines that look like a mnemonic (12+ lower-case words) never reach a log. */
export function withoutMnemonics(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => !/^\s*([a-z]+\s+){11,}[a-z]+\s*$/.test(l))
}

/** Where the backups live on the server: `<dir>/.ghw/backups`. */
export async function backupsDir(h: HostContext, signal: AbortSignal): Promise<string> {
  return posix.join(await h.dir(signal), '.ghw', 'backups')
}

/** The backups on the server, newest first. */
export async function listKeysBackups(h: HostContext, signal: AbortSignal): Promise<KeysBackup[]> {
  const dir = await backupsDir(h, signal)
  const r = await h.run(
    [
      'sh',
      '-c',
      'for f in "$1"/keys-*.tar.gz; do [ -f "$f" ] && echo "$(basename "$f") $(stat -c %s "$f") $(cat "$f.manifest" 2>/dev/null)"; done; true',
      'sh',
      dir,
    ],
    signal,
  )
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => /^keys-\d{8}T\d{6}Z\.tar\.gz$/.test(p[0] ?? ''))
    .map(([name = '', bytes = '0']) => ({
      name,
      path: posix.join(dir, name),
      createdAt: stampToIso(name.slice(5, 21)),
      bytes: Number(bytes),
    }))
    .sort((a, b) => (a.name < b.name ? 1 : -1))
}

function stampToIso(s: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : s
}

function stampNow(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
}

// ---------------------------------------------------------------------------------------------
// Backup

interface BackupState {
  readonly join: string
  readonly backups: string
  /** The folders present (`.inference/keyring-file`, `.tmkms`). */
  readonly paths: string[]
  /** SHA-256 over the key files' hashes; '' when there are none. */
  readonly manifest: string
  readonly files: number
  readonly sudoFailed: boolean
  /** The manifests of the backups already there. */
  readonly backedUp: string[]
}

export function backupAction(h: HostContext, dependsOn: string[] = []): AnyAction {
  const host = h.server.name || h.server.address
  const action = {
    id: `${h.server.id}/keys/backup`,
    hostId: h.server.id,
    dependsOn,
    title: t('action.backup', { host }),
    async inspect(signal: AbortSignal): Promise<BackupState> {
      const join = await h.joinDir(signal)
      const backups = await backupsDir(h, signal)
      const r = await h.run(
        [
          'sh',
          '-c',
          `${SUDO}
${MANIFEST}
cd "$1" 2>/dev/null || { echo "nojoin"; exit 0; }
any=""
for p in .inference/keyring-file .tmkms; do [ -e "$p" ] && any=1; done
if [ -n "$any" ] && ! $S true 2>/dev/null; then echo "nosudo"; exit 0; fi
for p in .inference/keyring-file .tmkms; do if $S test -e "$p"; then echo "path:$p"; fi; done
echo "manifest:$(manifest | sha256sum | cut -c1-64) $(manifest | wc -l)"
for f in "$2"/keys-*.tar.gz.manifest; do [ -f "$f" ] && echo "done:$(cat "$f")"; done
true`,
          'sh',
          join,
          backups,
        ],
        signal,
      )
      const lines = r.stdout.split('\n').map((l) => l.trim())
      const paths = lines.filter((l) => l.startsWith('path:')).map((l) => l.slice(5))
      const m = (lines.find((l) => l.startsWith('manifest:')) ?? 'manifest: 0').slice(9).split(' ')
      const files = Number(m[1] ?? 0)
      return {
        join,
        backups,
        paths,
        manifest: files > 0 ? (m[0] ?? '') : '',
        files,
        sudoFailed: lines.includes('nosudo'),
        backedUp: lines.filter((l) => l.startsWith('done:')).map((l) => l.slice(5)),
      }
    },
    describe(s: BackupState): DeployChange[] {
      if (s.sudoFailed) return [{ kind: 'blocked', summary: t('change.backupNoSudo', { host }) }]
      if (s.manifest === '' || s.backedUp.includes(s.manifest)) return []
      return [
        {
          kind: 'command',
          command: `sudo tar -czf ${s.backups}/keys-<date>.tar.gz ${s.paths.join(' ')}`,
          summary: t('change.backup', { paths: s.paths.join(', '), dir: s.backups, files: s.files }),
        },
      ]
    },
    notices(s: BackupState): I18nText[] {
      return s.manifest !== '' && s.backedUp.includes(s.manifest)
        ? [t('notice.backedUp', { host, dir: s.backups })]
        : []
    },
    async apply(ctx: ActionContext, s: BackupState): Promise<void> {
      const name = `keys-${stampNow()}.tar.gz`
      ctx.progress({ title: t('progress.backup', { name }) })
      const r = await h.run(
        [
          'sh',
          '-c',
          `set -eu
${SUDO}
${MANIFEST}
J="$1"; B="$2"; N="$3"
umask 077
mkdir -p "$B"
cd "$J"
M="$(manifest | sha256sum | cut -c1-64)"
set --
for p in .inference/keyring-file .tmkms; do if $S test -e "$p"; then set -- "$@" "$p"; fi; done
$S tar -C "$J" -czf - "$@" > "$B/$N.tmp"
mv "$B/$N.tmp" "$B/$N"
printf '%s\\n' "$M" > "$B/$N.manifest"
echo "$B/$N"`,
          'sh',
          s.join,
          s.backups,
          name,
        ],
        ctx.signal,
        10 * 60_000,
      )
      if (r.code !== 0)
        throw new AppFailure(
          'REMOTE_COMMAND_FAILED',
          `The backup of the keys on ${h.target.host} failed: ${r.stderr.trim().slice(-300)}`,
          {
            hint: 'The SSH user needs passwordless sudo (step 1 checks it).',
            details: { host: h.target.host },
          },
        )
      ctx.log(`backup ${r.stdout.trim()}`)
    },
    fingerprint: (s: BackupState) =>
      JSON.stringify([s.manifest, s.backedUp.includes(s.manifest), s.sudoFailed]),
  }
  return action
}

// ---------------------------------------------------------------------------------------------
// Warm key

/** Runs one `sh -c` script in a throw-away api container with config.env's environment. */
async function runInApi(
  h: HostContext,
  script: string,
  signal: AbortSignal,
  timeoutMs = 5 * 60_000,
): Promise<{ code: number | null; output: string }> {
  const join = await h.joinDir(signal)
  const r = await runCompose(h.pool, h.target, {
    dir: join,
    files: [NETWORK_COMPOSE],
    args: ['run', '--rm', '--no-deps', '-T', 'api', 'sh', '-c', script],
    signal,
    timeoutMs,
  })
  return { code: r.code, output: `${r.stdout}${r.stderr}` }
}

interface WarmState {
  readonly join: string
  readonly keyName: string
  readonly ready: boolean
  readonly notReady?: string
  readonly view: WarmKeyView
}

/** What the keyring folder's file names tell without the password (Cosmos SDK's `file` keyring). */
export interface KeyringFiles {
  /** Key names, from `<name>.info` (the 99designs file backend percent-escapes `%` and `/` in names). */
  readonly names: string[]
  /** Addresses (bech32 `gonka`), from `<hex of the address bytes>.address`. */
  readonly addresses: string[]
}

/**
 * Reads the names of `.inference/keyring-file/`: Cosmos SDK writes each key as two items, `<name>.info`
 * (the record) and `<hex(address bytes)>.address` (pointing at the name), each file's content encrypted
 * (JWE) under the keyring password, its name not. So the names and the set of addresses are known
 * without the password; which address belongs to which name only when there is one of each.
 */
export function parseKeyringFiles(fileNames: readonly string[]): KeyringFiles {
  const names: string[] = []
  const addresses: string[] = []
  for (const raw of fileNames) {
    const f = raw.trim()
    if (f.endsWith('.info') && f.length > 5) {
      try {
        names.push(decodeURIComponent(f.slice(0, -5)))
      } catch {
        names.push(f.slice(0, -5))
      }
      continue
    }
    const m = /^([0-9a-f]{40}|[0-9a-f]{64})\.address$/i.exec(f)
    if (m?.[1]) addresses.push(bech32.encode(GONKA_ADDRESS_PREFIX, bech32.toWords(hexToBytes(m[1]))))
  }
  return { names: names.sort(), addresses: addresses.sort() }
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Said when the names do not tell which address is whose and the api is not running to ask. */
export const ADDRESS_NEEDS_PASSWORD =
  'The keyring holds more than one key: which address belongs to which name is encrypted under the keyring password. Start the api (step 6) to read it.'

/**
 * Reads the warm key without creating anything on the server: the keyring folder's file names (sudo,
 * no password); when they leave an address unknown (more than one key) and the api container runs,
 * `inferenced keys list` by `docker compose exec` in it (the password from the container's own
 * environment to stdin, never a command line). Never a throw-away `docker compose run`.
 */
export async function readWarmKey(h: HostContext, signal: AbortSignal): Promise<WarmState> {
  const keyName = h.settings.keyName.trim()
  const join = await h.joinDir(signal)
  const r = await h.run(
    [
      'sh',
      '-c',
      `${SUDO}
cd "$1" 2>/dev/null || { echo "nojoin"; exit 0; }
[ -f config.env ] || echo "noconfig"
[ -f ${NETWORK_COMPOSE} ] || echo "nocompose"
if [ -e .inference/keyring-file ]; then
  if L="$($S ls -1 .inference/keyring-file 2>/dev/null)"; then printf '%s\\n' "$L" | sed 's/^/file:/'; else echo "nosudo"; fi
fi
true`,
      'sh',
      join,
    ],
    signal,
  )
  const lines = r.stdout.split('\n').map((l) => l.trim())
  const files = parseKeyringFiles(lines.filter((l) => l.startsWith('file:')).map((l) => l.slice(5)))
  const names = files.names
  const notReady = lines.includes('nojoin')
    ? 'nojoin'
    : lines.includes('nosudo')
      ? 'nosudo'
      : lines.includes('nocompose')
        ? 'nocompose'
        : lines.includes('noconfig')
          ? 'noconfig'
          : keyName === ''
            ? 'nokeyname'
            : undefined
  let keys: Array<{ name: string; address?: string }> = names.map((name) => ({ name }))
  let reason: string | undefined
  const [onlyName] = names
  const [onlyAddress] = files.addresses
  if (names.length === 1 && files.addresses.length === 1 && onlyName && onlyAddress) {
    keys = [{ name: onlyName, address: onlyAddress }]
  } else if (names.length > 0) {
    const listed = notReady === undefined ? await listKeysInRunningApi(h, join, signal) : undefined
    if (listed) {
      keys = names.map((name) => {
        const address = listed.find((k) => k.name === name)?.address
        return address ? { name, address } : { name }
      })
    } else
      reason =
        names.length > 1
          ? ADDRESS_NEEDS_PASSWORD
          : 'The keyring has no address entry for this key: its address is encrypted under the keyring password. Start the api (step 6) to read it.'
  }
  const mine = keys.find((k) => k.name === keyName)
  const view: WarmKeyView = {
    state: mine
      ? 'present'
      : keys.length > 0
        ? 'other'
        : notReady === 'nojoin' || notReady === 'nosudo'
          ? 'unknown'
          : 'missing',
    keyName,
    ...(mine?.address ? { address: mine.address } : {}),
    keys,
    ...(notReady === 'nosudo'
      ? { reason: 'The keyring folder is root’s and sudo asked for a password (step 1 checks it).' }
      : reason
        ? { reason }
        : {}),
  }
  return { join, keyName, ready: notReady === undefined, ...(notReady ? { notReady } : {}), view }
}

/**
 * `inferenced keys list` inside the api container when it already runs (`docker compose exec`: no new
 * container); undefined when it does not run or the list cannot be read.
 */
async function listKeysInRunningApi(
  h: HostContext,
  join: string,
  signal: AbortSignal,
): Promise<Array<{ name?: string; address?: string }> | undefined> {
  const project = posix.basename(join)
  const states = await listContainerStates(dockerFor(h.pool, h.target), h.target).catch(() => [])
  if (!states.some((c) => c.project === project && c.service === 'api' && c.state === 'running'))
    return undefined
  const r = await runCompose(h.pool, h.target, {
    dir: join,
    files: [NETWORK_COMPOSE],
    args: [
      'exec',
      '-T',
      'api',
      'sh',
      '-c',
      'printf "%s\\n" "$KEYRING_PASSWORD" | inferenced keys list --keyring-backend file --output json 2>/dev/null',
    ],
    signal,
    timeoutMs: 60_000,
  })
  const json = `${r.stdout}`.split('\n').find((l) => l.trim().startsWith('['))
  try {
    return JSON.parse(json ?? '') as Array<{ name?: string; address?: string }>
  } catch {
    return undefined
  }
}

export function warmKeyAction(h: HostContext, dependsOn: string[]): AnyAction {
  const host = h.server.name || h.server.address
  const action = {
    id: `${h.server.id}/keys/warm`,
    hostId: h.server.id,
    dependsOn,
    title: t('action.warm', { host }),
    inspect: (signal: AbortSignal) => readWarmKey(h, signal),
    describe(s: WarmState): DeployChange[] {
      if (s.view.state === 'present') return []
      if (s.view.state === 'other')
        return [
          {
            kind: 'blocked',
            summary: t('change.warmOther', {
              keyName: s.keyName || '-',
              keys: s.view.keys.map((k) => (k.address ? `${k.name} (${k.address})` : k.name)).join(', '),
            }),
          },
        ]
      if (!s.ready) return [{ kind: 'blocked', summary: t(`change.warmNotReady.${s.notReady ?? 'nojoin'}`) }]
      return [
        {
          kind: 'command',
          command: `docker compose run --rm --no-deps -T api sh -c 'printf … | inferenced keys add "$KEY_NAME" --keyring-backend file'`,
          summary: t('change.warmCreate', { keyName: s.keyName }),
        },
      ]
    },
    notices(s: WarmState): I18nText[] {
      if (s.view.state !== 'present') return []
      return s.view.address
        ? [t('notice.warmReused', { keyName: s.keyName, address: s.view.address })]
        : [t('notice.warmReusedNoAddress', { keyName: s.keyName })]
    },
    async apply(ctx: ActionContext): Promise<void> {
      // Never a second key: read the keyring again right before writing to it.
      const again = await readWarmKey(h, ctx.signal)
      if (again.notReady === 'nosudo' || again.notReady === 'nojoin')
        throw new AppFailure(
          'REMOTE_COMMAND_FAILED',
          `The keyring on ${h.target.host} cannot be read (${again.notReady}); no key is made without knowing what is there.`,
          { hint: 'The SSH user needs passwordless sudo (step 1 checks it).', details: { host: h.target.host } },
        )
      if (again.view.keys.length > 0)
        throw new AppFailure(
          'CONFLICT',
          `The keyring on ${h.target.host} holds ${again.view.keys.map((k) => k.name).join(', ')} already; no second key is made.`,
        )
      ctx.progress({ title: t('progress.warm', { keyName: again.keyName }) })
      // The password comes from the container's environment (config.env, 0600) to inferenced's stdin;
      // --no-backup keeps the warm key's words off the output, and nothing of it is logged.
      const made = await runInApi(
        h,
        'printf "%s\\n%s\\n" "$KEYRING_PASSWORD" "$KEYRING_PASSWORD" | inferenced keys add "$KEY_NAME" --keyring-backend file --no-backup >/dev/null 2>/tmp/ghw-keys-add.err; rc=$?; grep -iv "mnemonic" /tmp/ghw-keys-add.err | tail -5 >&2; exit $rc',
        ctx.signal,
      )
      if (made.code !== 0)
        throw new AppFailure(
          'REMOTE_COMMAND_FAILED',
          `Making the warm key on ${h.target.host} failed: ${withoutMnemonics(made.output).slice(-4).join(' ')}`,
          {
            hint: 'Check KEYRING_PASSWORD in config.env (8 characters at least).',
            details: { host: h.target.host },
          },
        )
      ctx.log(`warm key ${again.keyName} made in ${again.join}/.inference/keyring-file/`)
    },
    fingerprint: (s: WarmState) =>
      JSON.stringify([s.view.state, s.view.keys.map((k) => k.name), s.ready, s.notReady ?? '']),
  }
  return action
}

// ---------------------------------------------------------------------------------------------
// Registration

interface RegisterState {
  readonly address?: string
  readonly pubkey?: string
  readonly seed: string
  readonly registered: boolean
  readonly running: string[]
  readonly problem?: string
}

export function registerAction(
  h: HostContext,
  dependsOn: string[],
  options: { readonly waitSeconds?: number; readonly pollMs?: number } = {},
): AnyAction {
  const host = h.server.name || h.server.address
  const waitSeconds = options.waitSeconds ?? 180
  const action = {
    id: `${h.server.id}/keys/register`,
    hostId: h.server.id,
    dependsOn,
    title: t('action.register', { host }),
    async inspect(signal: AbortSignal): Promise<RegisterState> {
      const seed = seedBase(h.profileSeed)
      const pubkey = (h.settings.accountPubkey ?? '').trim()
      let address: string | undefined
      try {
        address = pubkey ? accountFromPubkey(pubkey).address : undefined
      } catch {
        return { seed, registered: false, running: [], problem: 'badPubkey' }
      }
      if (!address) return { seed, registered: false, running: [], problem: 'noPubkey' }
      if (seed === '') return { seed, address, pubkey, registered: false, running: [], problem: 'noSeed' }
      const participant = await new PublicApiClient(seed).participant(address, signal)
      const project = posix.basename(await h.joinDir(signal))
      const running = (await listContainerStates(dockerFor(h.pool, h.target), h.target))
        .filter((c) => c.project === project && c.state === 'running')
        .map((c) => c.service)
      return { seed, address, pubkey, registered: participant !== undefined, running }
    },
    describe(s: RegisterState): DeployChange[] {
      if (s.registered) return []
      if (s.problem) return [{ kind: 'blocked', summary: t(`change.registerProblem.${s.problem}`) }]
      const notRunning = FIRST_SERVICES.filter((x) => !s.running.includes(x))
      if (notRunning.length > 0)
        return [
          { kind: 'blocked', summary: t('change.registerWaitNode', { services: notRunning.join(', ') }) },
        ]
      return [
        {
          kind: 'command',
          command: `inferenced register-new-participant $PUBLIC_URL ${s.pubkey ?? ''} --node-address ${s.seed}`,
          summary: t('change.register', { address: s.address ?? '', seed: s.seed }),
        },
      ]
    },
    notices(s: RegisterState): I18nText[] {
      return s.registered ? [t('notice.registered', { address: s.address ?? '' })] : []
    },
    async apply(ctx: ActionContext, s: RegisterState): Promise<void> {
      const address = s.address ?? ''
      ctx.progress({ title: t('progress.registerSend', { address }) })
      // Upstream exits 0 even when the participant never appears: its exit status means nothing here.
      const sent = await runInApi(
        h,
        `inferenced register-new-participant "$DAPI_API__PUBLIC_URL" ${shq(s.pubkey ?? '')} --node-address ${shq(s.seed)}`,
        ctx.signal,
      )
      for (const line of withoutMnemonics(sent.output)) ctx.log(line)
      const seed = new PublicApiClient(s.seed)
      const started = Date.now()
      const deadline = started + waitSeconds * 1000
      for (;;) {
        const p = await seed.participant(address, ctx.signal).catch(() => undefined)
        if (p) {
          ctx.log(`participant ${address} is on the seed`)
          return
        }
        if (Date.now() >= deadline) break
        ctx.progress({
          fraction: Math.min(0.99, (Date.now() - started) / (waitSeconds * 1000)),
          title: t('progress.registerWait', { address, seconds: Math.round((Date.now() - started) / 1000) }),
        })
        await sleep(options.pollMs ?? 2000, ctx.signal)
      }
      const account = await readAccount(s.seed, address, ctx.signal)
      const text = registrationTimeoutText({ address, seconds: waitSeconds, ...(account ? { account } : {}) })
      throw new AppFailure('TIMEOUT', text.message, { hint: text.hint, details: { address } })
    },
    fingerprint: (s: RegisterState) =>
      JSON.stringify([
        s.address ?? '',
        s.registered,
        s.problem ?? '',
        FIRST_SERVICES.every((x) => s.running.includes(x)),
      ]),
  }
  return action
}

function shq(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

// ---------------------------------------------------------------------------------------------
// Status

/** Everything step 3 shows of the server side at once (nothing is written). */
export async function readServerKeysStatus(
  h: HostContext,
  coldKeyName: string | undefined,
  signal: AbortSignal,
): Promise<ServerKeysStatus> {
  const seed = seedBase(h.profileSeed)
  const [warmState, backups] = await Promise.all([
    readWarmKey(h, signal).catch((e: unknown) => {
      const err = toAppError(e)
      if (err.code === 'CANCELLED') throw e
      return undefined
    }),
    listKeysBackups(h, signal).catch(() => []),
  ])
  const warm = warmState?.view ?? {
    state: 'unknown' as const,
    keyName: h.settings.keyName,
    keys: [],
    reason: 'The network server could not be read.',
  }
  let account: { address: string; pubkey: string } | undefined
  const pubkey = (h.settings.accountPubkey ?? '').trim()
  if (pubkey) {
    try {
      account = { address: accountFromPubkey(pubkey).address, pubkey }
    } catch {
      account = undefined
    }
  }
  let registration: RegistrationView = { state: 'unknown', reason: 'no-account' }
  if (account && seed) {
    try {
      const p = await new PublicApiClient(seed).participant(account.address, signal)
      registration = p
        ? {
            state: 'registered',
            address: account.address,
            ...(p.inference_url ? { url: p.inference_url } : {}),
            ...(p.status !== undefined ? { status: participantStatusName(p.status) } : {}),
          }
        : { state: 'not-found', address: account.address }
    } catch (error) {
      const e = toAppError(error)
      if (e.code === 'CANCELLED') throw error
      registration = { state: 'unknown', address: account.address, reason: e.message }
    }
  } else if (!seed) registration = { state: 'unknown', reason: 'no-seed' }
  let grants: GrantsView | undefined
  let grantsError: string | undefined
  if (account && warm.address && seed) {
    try {
      grants = await readGrants(seed, account.address, warm.address, { signal })
    } catch (error) {
      const e = toAppError(error)
      if (e.code === 'CANCELLED') throw error
      grantsError = e.message
    }
  }
  const reasons = cannotServeReasons({
    warmPresent: warm.state === 'present',
    registered: registration.state === 'registered',
    ...(grants ? { grants } : {}),
  })
  return {
    networkServerId: h.server.id,
    warm,
    backups,
    ...(account ? { account } : {}),
    registration,
    ...(grants ? { grants } : {}),
    ...(grantsError ? { grantsError } : {}),
    ...(warm.address && seed
      ? {
          grantCommand: grantCommand({
            warmAddress: warm.address,
            seedUrl: seed,
            ...(coldKeyName ? { coldKeyName } : {}),
          }),
        }
      : {}),
    canServe: reasons.length === 0,
    cannotServeWhy: reasons,
  }
}

/**
 * A read-only step of the deployment plan: changes nothing, and says plainly why the host cannot serve
 * yet (no warm key, not registered, grants not seen on chain) until it can.
 */
export function serveNoticeAction(h: HostContext): AnyAction {
  const host = h.server.name || h.server.address
  return {
    id: `${h.server.id}/keys/serve`,
    hostId: h.server.id,
    dependsOn: [],
    title: t('action.serve', { host }),
    async inspect(signal: AbortSignal): Promise<readonly I18nText[]> {
      try {
        return (await readServerKeysStatus(h, undefined, signal)).cannotServeWhy
      } catch (error) {
        if (error instanceof AppFailure && error.code === 'CANCELLED') throw error
        return [t('cannotServe.grantsUnknown')]
      }
    },
    describe: () => [],
    notices: (why: readonly I18nText[]) =>
      why.length === 0 ? [] : [t('cannotServe.titleHost', { host }), ...why],
    fingerprint: () => '',
    apply: () => Promise.resolve(),
  }
}
