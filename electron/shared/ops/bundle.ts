import { z } from 'zod'
import { op } from '../op'
import type { DeployPlan } from '../deploy'
import { LANGUAGES } from '../settings'

const profileId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
/** A local file path (absolute, or relative to the process's working folder). */
const filePath = z.string().min(1).max(4096)
/** The passphrase protecting a config bundle's secrets (age scrypt). Never stored, logged or returned. */
export const bundlePassphraseSchema = z.string().min(8).max(1024)
/** The last check results as the renderer or CLI holds them (stored as given, redacted in support bundles). */
const checkResults = z.array(z.record(z.string().max(100), z.unknown())).max(2000)

/** What an export wrote. */
export interface BundleExportResult {
  readonly path: string
  readonly bytes: number
  /** Paths inside the zip, besides manifest.json. */
  readonly files: readonly string[]
  /** Remote files looked for and not found (`<server>:<path>`). */
  readonly absent: readonly string[]
  /** Whether `secrets.tar.age` is inside. */
  readonly secrets: boolean
  /** Servers that could not be read, and why (the export still has the rest). */
  readonly problems: readonly { readonly serverId: string; readonly message: string }[]
}

/** What an import saved. */
export interface BundleImportResult {
  readonly profileId: string
  readonly profileName: string
  /** True when the profile id was taken and a new one was given. */
  readonly renamed: boolean
  readonly pinnedHosts: number
  /** Whether the bundle holds encrypted secrets, and whether they were opened with the passphrase. */
  readonly secrets: 'none' | 'opened' | 'not-opened'
  readonly appVersion: string
  readonly createdAt: string
}

/** What a support bundle wrote. */
export interface SupportBundleResult {
  readonly path: string
  readonly bytes: number
  readonly files: readonly string[]
}

/** What the Ansible export wrote. */
export interface AnsibleExportResult {
  /** The folder written (absolute). */
  readonly dir: string
  /** Paths inside it. */
  readonly files: readonly string[]
  /** Servers whose config.env could not be read, and why (the rest was still written). */
  readonly problems: readonly { readonly serverId: string; readonly message: string }[]
  /** How to run it: `ansible-playbook playbook.yml --ask-vault-pass [--ask-pass] [--ask-become-pass]`. */
  readonly command: string
  /** Servers that log in with a password (`--ask-pass`; no password is in any exported file). */
  readonly askPass: readonly string[]
  /** Servers whose Docker needs sudo that asks a password (`--ask-become-pass`). */
  readonly askBecomePass: readonly string[]
  /** The servers were not read (`--skip-servers`): Docker access (become) is not known. */
  readonly accessUnknown: boolean
}

/** Step 9: the config bundle (export / import) and the support bundle. */
export const bundleOps = {
  /**
   * Writes the config bundle of a profile to `outPath`: manifest with checksums, servers, config.env
   * without secrets, ML nodes, pinned keys, checks, README, and the secrets encrypted with `passphrase`.
   * Reads the servers read-only over SSH (`readServers`, default true).
   */
  exportConfigBundle: op<BundleExportResult>()(
    z
      .object({
        profileId,
        outPath: filePath,
        passphrase: bundlePassphraseSchema,
        checks: checkResults.optional(),
        readServers: z.boolean().optional(),
      })
      .strict(),
    { long: true },
  ),
  /**
   * Verifies a config bundle and saves its profile (a new id when taken) and pinned host keys.
   * A damaged or changed bundle is refused (INVALID_INPUT) and nothing is written; a passphrase that
   * does not open the secrets is WRONG_PASSPHRASE.
   */
  importConfigBundle: op<BundleImportResult>()(
    z.object({ path: filePath, passphrase: bundlePassphraseSchema.optional() }).strict(),
  ),
  /** Writes the redacted support bundle of a profile to `outPath` (versions, profile, checks, journal, container logs). */
  supportBundle: op<SupportBundleResult>()(
    z.object({ profileId, outPath: filePath, checks: checkResults.optional() }).strict(),
    { long: true },
  ),
  /**
   * "Move the network node to a new server": opens the bundle (checksums, passphrase), holds its
   * keyring password for this session and plans, on the profile's network server (or `serverId`), the
   * clone, config.env, node-config.json and the bundle's key backups (created, never overwritten).
   * Nothing is written: the plan is applied with `applyPlan` once the user approves it.
   */
  /**
   * Writes an Ansible inventory and playbook reproducing the deployment into `outDir`; each server's
   * config.env (read over SSH, read-only) goes into a vars file encrypted with `vaultPassword`
   * (Ansible Vault 1.1 AES256). Never written in clear, never returned.
   */
  exportAnsible: op<AnsibleExportResult>()(
    z
      .object({
        profileId,
        outDir: filePath,
        vaultPassword: bundlePassphraseSchema,
        readServers: z.boolean().optional(),
        /** The language of the README's login notes (default English). */
        language: z.enum(LANGUAGES).optional(),
      })
      .strict(),
    { long: true },
  ),
  planRestore: op<DeployPlan>()(
    z
      .object({
        profileId,
        path: filePath,
        passphrase: bundlePassphraseSchema,
        serverId: z.string().min(1).max(64).optional(),
      })
      .strict(),
    { long: true },
  ),
}
