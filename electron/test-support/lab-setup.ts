// Type-checked with the e2e project (it imports the lab), like the *.lab.test.ts files.
// Test support for lab tests that drive the service against the lab's hosts: the service with the
// lab's host keys trusted, profile servers for lab hosts, a saved profile, and calls that must succeed.
import { createECDH } from 'node:crypto'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { labHost, labSsh, type Lab, type LabHost } from '../../e2e/lab'
import type { CallOptions, OperationName, OutputOf } from '../shared/contract'
import type { Profile, Server } from '../shared/profile'
import type { PushedEvent } from '../shared/progress'
import type { AppService } from '../core/service'
import { startTempService } from './temp-service'

export { removeDeploymentScript } from '../../e2e/lab/deployments'

/** Runs `script` with bash on a lab host as its SSH user; its stdout and stderr together, whatever the exit. */
export async function labShell(host: LabHost, script: string): Promise<string> {
  const r = await labSsh(host, 'bash -s', { input: script })
  return `${r.stdout}${r.stderr}`
}

/** The seed stand-in's URL. */
export function seedUrlOf(lab: Lab): string {
  return `http://${labHost(lab, 'seed').address}:8000`
}

/** The first model of the seed stand-in's governance list. */
export async function governanceModel(seedUrl: string): Promise<string> {
  const gov = (await (await fetch(`${seedUrl}/v1/governance/models`)).json()) as { models: { id: string }[] }
  return gov.models[0]?.id ?? ''
}

/** A valid ACCOUNT_PUBKEY: base64 of a fresh 33-byte compressed secp256k1 public key. */
export function accountPubkey(): string {
  const ecdh = createECDH('secp256k1')
  ecdh.generateKeys()
  return ecdh.getPublicKey(undefined, 'compressed').toString('base64')
}

/**
 * A profile's deployment settings from the lab's own gonka repository (cloned on `net` into `dir`),
 * with a fresh account key and no ML nodes; `extra` adds or replaces fields.
 */
export function labDeployment(
  net: LabHost,
  dir: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    repoUrl: net.gonkaRepoUrl,
    repoRef: 'main',
    dir,
    // The lab's addresses are a documentation network (private to the lab), so the public name is a DNS name.
    publicHost: 'gonka-lab.example.org',
    keyName: 'lab-warm',
    accountPubkey: accountPubkey(),
    hfHome: '/tmp/hf-cache',
    mlNodes: [],
    ...extra,
  }
}

/** A profile's server for a lab host, logging in with the lab's key file. */
export function labServer(h: LabHost, role: Server['role']): Server {
  return {
    id: h.name,
    name: h.name,
    address: h.address,
    port: h.port,
    user: h.user,
    auth: 'key',
    keyPath: h.privateKeyPath,
    role,
  }
}

/**
 * A service on a fresh temporary data folder (see startTempService) whose ~/.ssh/known_hosts trusts
 * the lab's host keys; what it pushes goes into `events` (when given).
 */
export async function startLabService(
  lab: Lab,
  prefix: string,
  events?: PushedEvent[],
): Promise<{ service: AppService; dir: string; stop: () => Promise<void> }> {
  const started = await startTempService(prefix)
  mkdirSync(join(started.dir, '.ssh'), { recursive: true })
  copyFileSync(lab.knownHostsPath, join(started.dir, '.ssh', 'known_hosts'))
  if (events) started.service.onEvent((e) => events.push(e))
  return started
}

/** Run ids unique in this process: `<what>-<pid>-<n>`. */
export function runIds(): (what: string) => string {
  let n = 0
  return (what) => `${what}-${process.pid}-${++n}`
}

/** Calls an operation that must succeed: a failure throws with its code and message. */
export async function invokeOk<K extends OperationName>(
  service: AppService,
  op: K,
  input: unknown,
  options?: CallOptions,
): Promise<OutputOf<K>> {
  const r = await service.invoke(op, input, options)
  if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.message}`)
  return r.value
}

/** Saves a new profile (schema version 1, made now) through the service; a refusal throws with its fields. */
export async function saveLabProfile(
  service: AppService,
  profile: { readonly id: string; readonly name: string; readonly [field: string]: unknown },
): Promise<Profile> {
  const now = new Date().toISOString()
  const saved = await service.invoke('saveProfile', {
    profile: { schemaVersion: 1, ...profile, createdAt: now, updatedAt: now },
  })
  if (!saved.ok) throw new Error(`saveProfile: ${saved.error.message} ${JSON.stringify(saved.error.fields)}`)
  return saved.value
}
