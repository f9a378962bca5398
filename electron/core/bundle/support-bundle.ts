// The support bundle: what a helper needs to diagnose a deployment, every text passed through
// {@link redact} so no password, passphrase, keyring password, mnemonic or private key leaves.
import { arch, release, type as osType } from 'node:os'
import { strToU8, zipSync, type Zippable } from 'fflate'
import type { Profile } from '../../shared/profile'
import { redact } from './redact'

/** Logs of one container as read from its server. */
export interface ContainerLog {
  readonly serverId: string
  readonly name: string
  readonly state: string
  readonly lines: readonly string[]
}

/** What goes into a support bundle (raw: this module redacts it). */
export interface SupportBundleInput {
  readonly appVersion: string
  readonly createdAt: string
  readonly profile: Profile
  readonly checks?: readonly unknown[]
  readonly journal?: string
  readonly containers: readonly ContainerLog[]
  /** Servers whose containers could not be read, and why. */
  readonly problems: readonly { serverId: string; message: string }[]
  /** Secret values the app holds in this session (removed wherever they appear). */
  readonly knownSecrets: readonly string[]
}

/** Builds the support bundle zip; returns it with the list of files inside. */
export function buildSupportBundle(input: SupportBundleInput): { zip: Uint8Array; files: string[] } {
  const known = input.knownSecrets
  const files: Record<string, string> = {}
  files['app.json'] = JSON.stringify(
    {
      appVersion: input.appVersion,
      createdAt: input.createdAt,
      os: { type: osType(), release: release(), platform: process.platform, arch: arch() },
      node: process.versions.node,
      electron: process.versions.electron ?? null,
    },
    null,
    2,
  )
  files['profile.json'] = JSON.stringify(input.profile, null, 2)
  files['checks.json'] = JSON.stringify(input.checks ?? [], null, 2)
  files['journal.jsonl'] = input.journal ?? ''
  files['problems.json'] = JSON.stringify(input.problems, null, 2)
  for (const c of input.containers) {
    const safe = c.name.replace(/[^A-Za-z0-9_.-]/g, '_')
    files[`containers/${c.serverId}/${safe}.log`] = `# ${c.name} (${c.state})\n${c.lines.join('\n')}\n`
  }
  const zippable: Zippable = {}
  for (const [path, text] of Object.entries(files)) zippable[path] = strToU8(redact(text, known))
  return { zip: zipSync(zippable, { level: 6 }), files: Object.keys(files) }
}
