// The config bundle: one zip with a manifest of SHA-256 checksums, the profile (no secrets), each
// server's config.env with its secrets removed, the ML node registrations, the pinned host keys, the
// last check results (JSON and an HTML report), a README of the manual commands, and the secrets as an
// age-encrypted tar (`secrets.tar.age`) that the standard `age` tool decrypts as well.
import { createHash } from 'node:crypto'
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate'
import { z } from 'zod'
import { profileSchema, type Profile } from '../../shared/profile'
import { AppFailure } from '../errors'
import type { PinnedKey } from '../ssh/pin-store'
import { ageDecrypt, ageEncrypt } from './age'
import { checksHtml } from './report-html'
import { manualReadme } from './readme'
import { stripConfigEnvSecrets } from './strip-env'
import { readTar, writeTar, type TarEntry } from './tar'

/** Format name written in every manifest. */
export const BUNDLE_FORMAT = 'gonka-host-wizard-config-bundle'
/** Name of the encrypted secrets archive inside the zip. */
export const SECRETS_FILE = 'secrets.tar.age'
/** Name of the manifest inside the zip. */
export const MANIFEST_FILE = 'manifest.json'

const pinSchema = z.object({
  keyType: z.string().min(1).max(64),
  fingerprint: z.string().startsWith('SHA256:'),
  publicKey: z.string().min(1),
  pinnedAt: z.string(),
})

/** The manifest of a config bundle. */
export const manifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  appVersion: z.string().max(64),
  createdAt: z.string().max(64),
  profileId: z.string().max(64),
  profileName: z.string().max(80),
  /** Path inside the zip → SHA-256 (hex) of its bytes. Every file but the manifest is listed. */
  files: z.record(z.string().max(300), z.string().regex(/^[0-9a-f]{64}$/)),
  /** Remote files that were looked for and did not exist (not a failure). */
  absent: z.array(z.object({ serverId: z.string().max(64), path: z.string().max(4096) })).max(200),
  /** Whether `secrets.tar.age` is inside. */
  secrets: z.boolean(),
})
/** The manifest of a config bundle. */
export type BundleManifest = z.infer<typeof manifestSchema>

/** One server's files as read from it (undefined: the file does not exist there). */
export interface ServerFiles {
  readonly serverId: string
  readonly configEnv?: string
  readonly nodeConfig?: string
  /** Backups of the key material (network server only), paths relative to `deploy/join`. */
  readonly secretFiles: readonly TarEntry[]
  /** Paths looked for and not found. */
  readonly absent: readonly string[]
}

/** What goes into a config bundle. */
export interface ConfigBundleInput {
  readonly appVersion: string
  readonly createdAt: string
  readonly profile: Profile
  readonly pins: Record<string, PinnedKey[]>
  readonly checks?: readonly unknown[]
  readonly servers: readonly ServerFiles[]
  readonly keyringPassword?: string
  readonly passphrase: string
  /** Lower scrypt work factor (tests only). */
  readonly scryptLogN?: number
}

/** SHA-256 of bytes, hex. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Builds the zip of a config bundle; returns it with its manifest. */
export async function buildConfigBundle(
  input: ConfigBundleInput,
): Promise<{ zip: Uint8Array; manifest: BundleManifest }> {
  const { profile } = input
  const files: Record<string, Uint8Array> = {}
  const json = (value: unknown): Uint8Array => strToU8(JSON.stringify(value, null, 2) + '\n')
  files['profile.json'] = json(profile)
  files['topology.json'] = json({
    topology: profile.topology,
    servers: profile.servers.map((s) => ({
      id: s.id,
      name: s.name,
      role: s.role,
      address: s.address,
      port: s.port,
      user: s.user,
      auth: s.auth,
      ...(s.jumpHostId ? { jumpHostId: s.jumpHostId } : {}),
    })),
  })
  files['ml-nodes.json'] = json(profile.deployment?.mlNodes ?? [])
  files['pinned-host-keys.json'] = json({ version: 1, hosts: input.pins })
  files['checks/results.json'] = json(input.checks ?? [])
  files['checks/report.html'] = strToU8(checksHtml(profile, input.checks ?? [], input.createdAt))
  const secretEntries: TarEntry[] = []
  for (const server of input.servers) {
    if (server.configEnv !== undefined)
      files[`servers/${server.serverId}/config.env`] = strToU8(stripConfigEnvSecrets(server.configEnv))
    if (server.nodeConfig !== undefined)
      files[`servers/${server.serverId}/node-config.json`] = strToU8(server.nodeConfig)
    for (const entry of server.secretFiles)
      secretEntries.push({ ...entry, path: `${server.serverId}/${entry.path}` })
  }
  if (input.keyringPassword !== undefined)
    secretEntries.push({ path: 'keyring-password.txt', data: strToU8(input.keyringPassword + '\n') })
  const hasSecrets = secretEntries.length > 0
  if (hasSecrets) {
    const tar = writeTar(secretEntries, Math.floor(Date.parse(input.createdAt) / 1000) || 0)
    files[SECRETS_FILE] = await ageEncrypt(tar, input.passphrase, input.scryptLogN)
  }
  files['README.md'] = strToU8(manualReadme(profile, hasSecrets))
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: 1,
    appVersion: input.appVersion,
    createdAt: input.createdAt,
    profileId: profile.id,
    profileName: profile.name,
    files: Object.fromEntries(Object.entries(files).map(([path, data]) => [path, sha256(data)])),
    absent: input.servers.flatMap((s) => s.absent.map((path) => ({ serverId: s.serverId, path }))),
    secrets: hasSecrets,
  }
  const zippable: Zippable = { [MANIFEST_FILE]: json(manifest) }
  for (const [path, data] of Object.entries(files)) zippable[path] = data
  return { zip: zipSync(zippable, { level: 6, mtime: input.createdAt }), manifest }
}

/** A config bundle whose checksums were verified (and whose secrets were decrypted when asked). */
export interface OpenedBundle {
  readonly manifest: BundleManifest
  readonly profile: Profile
  readonly pins: Record<string, PinnedKey[]>
  /** The decrypted secrets archive's files, when a passphrase was given and the bundle has them. */
  readonly secrets?: readonly TarEntry[]
}

/** Why a bundle was refused, as a key the UI translates (`details.reasonKey`, with `details.file`). */
export type RefusalReason =
  | 'notZip'
  | 'manifestMissing'
  | 'manifestInvalid'
  | 'fileMissing'
  | 'checksum'
  | 'notListed'
  | 'invalidFile'
  | 'secretsDamaged'

function refuse(reason: string, reasonKey: RefusalReason, file = ''): AppFailure {
  return new AppFailure('INVALID_INPUT', `The bundle is damaged or was changed: ${reason}. Nothing was imported.`, {
    hint: 'Export the bundle again from the original computer and copy it whole.',
    retryable: false,
    details: { reason, reasonKey, file, refused: true },
  })
}

/**
 * Opens a config bundle: refuses (INVALID_INPUT) a truncated zip, a missing or unknown manifest, a
 * file missing, added or changed; with a passphrase, decrypts the secrets (WRONG_PASSPHRASE when the
 * passphrase does not open them). Writes nothing.
 */
export async function openConfigBundle(bytes: Uint8Array, passphrase?: string): Promise<OpenedBundle> {
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(bytes)
  } catch (error) {
    throw refuse(`it is not a readable zip file (${error instanceof Error ? error.message : String(error)})`, 'notZip')
  }
  const manifestBytes = entries[MANIFEST_FILE]
  if (!manifestBytes) throw refuse('manifest.json is missing', 'manifestMissing', MANIFEST_FILE)
  let manifest: BundleManifest
  try {
    manifest = manifestSchema.parse(JSON.parse(strFromU8(manifestBytes)))
  } catch {
    throw refuse('manifest.json is not a config bundle manifest', 'manifestInvalid', MANIFEST_FILE)
  }
  for (const [path, digest] of Object.entries(manifest.files)) {
    const data = entries[path]
    if (!data) throw refuse(`${path} is missing`, 'fileMissing', path)
    if (sha256(data) !== digest) throw refuse(`the checksum of ${path} does not match`, 'checksum', path)
  }
  for (const path of Object.keys(entries))
    if (path !== MANIFEST_FILE && !(path in manifest.files) && !path.endsWith('/'))
      throw refuse(`${path} is not listed in the manifest`, 'notListed', path)
  const readJson = (path: string): unknown => {
    const data = entries[path]
    if (!data) throw refuse(`${path} is missing`, 'fileMissing', path)
    try {
      return JSON.parse(strFromU8(data))
    } catch {
      throw refuse(`${path} is not JSON`, 'invalidFile', path)
    }
  }
  const profile = profileSchema.safeParse(readJson('profile.json'))
  if (!profile.success) throw refuse('profile.json is not a valid profile', 'invalidFile', 'profile.json')
  const pins = z
    .object({ version: z.literal(1), hosts: z.record(z.string(), z.array(pinSchema)) })
    .safeParse(readJson('pinned-host-keys.json'))
  if (!pins.success) throw refuse('pinned-host-keys.json is not valid', 'invalidFile', 'pinned-host-keys.json')
  let secrets: TarEntry[] | undefined
  const sealed = entries[SECRETS_FILE]
  if (passphrase !== undefined && sealed && manifest.secrets) {
    let tar: Uint8Array
    try {
      tar = await ageDecrypt(sealed, passphrase)
    } catch {
      // The checksum matched, so the file is intact: the passphrase is what does not fit.
      throw new AppFailure('WRONG_PASSPHRASE', 'The passphrase does not open the secrets of this bundle.', {
        hint: 'Enter the passphrase chosen when the bundle was exported.',
        retryable: true,
      })
    }
    try {
      secrets = readTar(tar)
    } catch (error) {
      throw refuse(`the secrets archive is damaged (${error instanceof Error ? error.message : String(error)})`, 'secretsDamaged', SECRETS_FILE)
    }
  }
  return { manifest, profile: profile.data, pins: pins.data.hosts, ...(secrets ? { secrets } : {}) }
}
