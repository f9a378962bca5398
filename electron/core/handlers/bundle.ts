import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { DEFAULT_DEPLOY_DIR } from '../../shared/deployment'
import type { Profile } from '../../shared/profile'
import { toAppError, AppFailure } from '../errors'
import type { Handlers } from '../handler-types'
import { buildConfigBundle, openConfigBundle, type ServerFiles } from '../bundle/config-bundle'
import { readServerFiles } from '../bundle/remote-files'
import { buildSupportBundle, type ContainerLog } from '../bundle/support-bundle'
import type { SessionSecrets } from '../deploy/session-secrets'
import { LocalJournal } from '../deploy/journal'
import { dockerFor, listContainerStates, streamContainerLogs } from '../docker/docker-client'
import { PinStore, type PinnedKey } from '../ssh/pin-store'
import type { SshPool } from '../ssh/pool'
import { knownHostsName } from '../ssh/host-key'
import { targetOf } from '../ssh/targets'
import { restoreKeysAction } from '../bundle/restore-action'
import { ansibleExport, ansibleRunAdvice, type AnsibleServerAccess } from '../bundle/ansible'
import { probeHostFacts } from '../ssh/facts'
import { DeployEngine } from '../deploy/engine'
import { gonkaActions, gonkaMarkerStore } from '../deploy/gonka-actions'
import type { Logger } from '../log'
import type { PlanRegistry } from './deploy'
import type { ProfileStore } from '../storage/profile-store'

/** Lines of each container's log in a support bundle. */
const SUPPORT_LOG_TAIL = 300

async function writeOut(path: string, data: Uint8Array): Promise<string> {
  const full = resolve(path)
  try {
    await mkdir(dirname(full), { recursive: true })
    await writeFile(full, data, { mode: 0o600 })
  } catch (error) {
    throw new AppFailure('STORAGE_FAILED', `Could not write ${full}.`, {
      hint: 'Choose a folder you can write to.',
      cause: error,
    })
  }
  return full
}

/** The pinned host keys of the profile's servers, by known_hosts name. */
async function pinsOf(store: PinStore, profile: Profile): Promise<Record<string, PinnedKey[]>> {
  const out: Record<string, PinnedKey[]> = {}
  for (const s of profile.servers) {
    const keys = await store.get(s.address, s.port)
    if (keys.length > 0) out[knownHostsName(s.address, s.port)] = keys
  }
  return out
}

/** A free profile id based on `id` (`id-2`, `id-3`, …). */
async function freeId(profiles: ProfileStore, id: string): Promise<string> {
  const { profiles: all } = await profiles.list()
  const taken = new Set(all.map((p) => p.id))
  if (!taken.has(id)) return id
  for (let n = 2; ; n++) {
    const candidate = `${id.slice(0, 58)}-${n}`
    if (!taken.has(candidate)) return candidate
  }
}

/** Step 9: export and import of the config bundle, and the support bundle. */
export function createBundleHandlers(deps: {
  profiles: ProfileStore
  pool: () => SshPool
  dataDir: string
  appVersion: string
  secrets: SessionSecrets
  /** Where restore plans are held for `applyPlan` (shared with the deploy handlers). */
  plans?: PlanRegistry
  log?: Logger
  /** Other secrets held this session for the profile (its servers' SSH passwords), redacted from support bundles. */
  heldSecrets?: (profile: Profile) => readonly string[]
}): Handlers<'exportConfigBundle' | 'importConfigBundle' | 'supportBundle' | 'planRestore' | 'exportAnsible'> {
  const pins = new PinStore(deps.dataDir)
  return {
    async exportConfigBundle(input, call) {
      const profile = await deps.profiles.load(input.profileId)
      const dir = profile.deployment?.dir ?? DEFAULT_DEPLOY_DIR
      const servers: ServerFiles[] = []
      const problems: { serverId: string; message: string }[] = []
      if (input.readServers !== false) {
        for (const server of profile.servers) {
          call.signal.throwIfAborted()
          call.progress({ stepId: server.id, kind: 'start', title: 'bundle.progress.readServer', detail: server.name })
          try {
            servers.push(
              await readServerFiles(deps.pool(), targetOf(server, profile.servers), server, dir, {
                secrets: server.role !== 'ml',
                signal: call.signal,
              }),
            )
          } catch (error) {
            const e = toAppError(error)
            if (e.code === 'CANCELLED') throw error
            problems.push({ serverId: server.id, message: e.message })
          }
        }
      }
      const keyringPassword = deps.secrets.get(profile.id)
      const { zip, manifest } = await buildConfigBundle({
        appVersion: deps.appVersion,
        createdAt: new Date().toISOString(),
        profile,
        pins: await pinsOf(pins, profile),
        ...(input.checks ? { checks: input.checks } : {}),
        servers,
        ...(keyringPassword !== undefined ? { keyringPassword } : {}),
        passphrase: input.passphrase,
      })
      const path = await writeOut(input.outPath, zip)
      call.progress({ stepId: 'bundle', kind: 'done', title: 'bundle.progress.written', detail: path })
      return {
        path,
        bytes: zip.length,
        files: Object.keys(manifest.files),
        absent: manifest.absent.map((a) => `${a.serverId}:${a.path}`),
        secrets: manifest.secrets,
        problems,
      }
    },

    async importConfigBundle(input) {
      let bytes: Uint8Array
      try {
        bytes = new Uint8Array(await readFile(resolve(input.path)))
      } catch (error) {
        throw new AppFailure('NOT_FOUND', `Could not read ${input.path}.`, { cause: error })
      }
      // Everything is verified (and the secrets opened) before anything is written.
      const opened = await openConfigBundle(bytes, input.passphrase)
      const id = await freeId(deps.profiles, opened.profile.id)
      const saved = await deps.profiles.save({ ...opened.profile, id })
      let pinned = 0
      for (const [name, keys] of Object.entries(opened.pins)) {
        const server = saved.servers.find((s) => knownHostsName(s.address, s.port) === name)
        if (!server) continue
        for (const key of keys) await pins.pin(server.address, server.port, key)
        pinned += 1
      }
      const keyring = opened.secrets?.find((e) => e.path === 'keyring-password.txt')
      if (keyring) deps.secrets.set(saved.id, Buffer.from(keyring.data).toString('utf8').replace(/\n$/, ''))
      return {
        profileId: saved.id,
        profileName: saved.name,
        renamed: saved.id !== opened.profile.id,
        pinnedHosts: pinned,
        secrets: !opened.manifest.secrets ? 'none' : opened.secrets ? 'opened' : 'not-opened',
        appVersion: opened.manifest.appVersion,
        createdAt: opened.manifest.createdAt,
      }
    },

    async supportBundle(input, call) {
      const profile = await deps.profiles.load(input.profileId)
      const containers: ContainerLog[] = []
      const problems: { serverId: string; message: string }[] = []
      for (const server of profile.servers) {
        call.signal.throwIfAborted()
        call.progress({ stepId: server.id, kind: 'start', title: 'bundle.progress.readLogs', detail: server.name })
        try {
          const target = targetOf(server, profile.servers)
          const docker = dockerFor(deps.pool(), target)
          for (const c of await listContainerStates(docker, target)) {
            const lines: string[] = []
            await streamContainerLogs(docker, target, c.id, {
              follow: false,
              tail: SUPPORT_LOG_TAIL,
              signal: call.signal,
              onLine: (line) => lines.push(line),
            })
            containers.push({ serverId: server.id, name: c.name, state: c.state, lines })
          }
        } catch (error) {
          const e = toAppError(error)
          if (e.code === 'CANCELLED') throw error
          problems.push({ serverId: server.id, message: e.message })
        }
      }
      const journal = (await new LocalJournal(deps.dataDir).read(profile.id)).map((e) => JSON.stringify(e)).join('\n')
      const keyring = deps.secrets.get(profile.id)
      const { zip, files } = buildSupportBundle({
        appVersion: deps.appVersion,
        createdAt: new Date().toISOString(),
        profile,
        ...(input.checks ? { checks: input.checks } : {}),
        journal,
        containers,
        problems,
        knownSecrets: [...(keyring !== undefined ? [keyring] : []), ...(deps.heldSecrets?.(profile) ?? [])],
      })
      const path = await writeOut(input.outPath, zip)
      return { path, bytes: zip.length, files }
    },

    async planRestore(input, call) {
      if (!deps.plans || !deps.log)
        throw new AppFailure('UNSUPPORTED', 'Restore plans need the deploy engine.')
      const profile = await deps.profiles.load(input.profileId)
      const server = profile.servers.find((s) =>
        input.serverId !== undefined ? s.id === input.serverId || s.name === input.serverId : s.role !== 'ml',
      )
      if (!server || server.role === 'ml')
        throw new AppFailure('NOT_FOUND', `Profile "${profile.name}" has no network server${input.serverId ? ` ${input.serverId}` : ''}.`, {
          hint: 'Add the new server as the network server in step 1 and connect to it, then plan again.',
        })
      let bytes: Uint8Array
      try {
        bytes = new Uint8Array(await readFile(resolve(input.path)))
      } catch (error) {
        throw new AppFailure('NOT_FOUND', `Could not read ${input.path}.`, { cause: error })
      }
      call.progress({ stepId: 'plan', kind: 'start', title: 'bundle.progress.opening' })
      const opened = await openConfigBundle(bytes, input.passphrase)
      // The bundle's keys are stored under the id of its own network server.
      const source = opened.profile.servers.find((s) => s.role !== 'ml')
      const prefix = `${source?.id ?? ''}/`
      const keys = (opened.secrets ?? [])
        .filter((e) => source !== undefined && e.path.startsWith(prefix))
        .map((e) => ({ ...e, path: e.path.slice(prefix.length) }))
      if (keys.length === 0)
        throw new AppFailure('NOT_FOUND', 'This bundle holds no key backups of a network node.', {
          hint: 'Export the bundle again after step 3, with the network server reachable.',
        })
      const keyring = opened.secrets?.find((e) => e.path === 'keyring-password.txt')
      if (keyring) deps.secrets.set(profile.id, Buffer.from(keyring.data).toString('utf8').replace(/\n$/, ''))
      const password = deps.secrets.get(profile.id)
      const pool = deps.pool()
      const wanted = new Set([`${server.id}/repo`, `${server.id}/config.env`, `${server.id}/node-config.json`])
      const actions = [
        ...gonkaActions({
          pool,
          profile,
          ...(password !== undefined ? { keyringPassword: password } : {}),
          options: {},
        }).filter((a) => wanted.has(a.id)),
        restoreKeysAction({ pool, profile, server, keys }),
      ]
      const engine = new DeployEngine({
        journal: new LocalJournal(deps.dataDir),
        markers: gonkaMarkerStore(pool, profile),
        log: deps.log,
      })
      call.progress({ stepId: 'plan', kind: 'start', title: 'deploy.progress.planning' })
      const plan = await engine.plan({
        profileId: profile.id,
        actions,
        hosts: [{ hostId: server.id, host: server.name || server.address }],
        signal: call.signal,
      })
      deps.plans.hold(plan.planId, engine)
      return plan
    },

    async exportAnsible(input, call) {
      const profile = await deps.profiles.load(input.profileId)
      const dir = profile.deployment?.dir ?? DEFAULT_DEPLOY_DIR
      const servers: ServerFiles[] = []
      const problems: { serverId: string; message: string }[] = []
      let access: Record<string, AnsibleServerAccess> | undefined
      if (input.readServers !== false) {
        access = {}
        for (const server of profile.servers) {
          call.signal.throwIfAborted()
          call.progress({ stepId: server.id, kind: 'start', title: 'bundle.progress.readServer', detail: server.name })
          const target = targetOf(server, profile.servers)
          try {
            servers.push(
              await readServerFiles(deps.pool(), target, server, dir, { secrets: false, signal: call.signal }),
            )
            // How the SSH user reaches Docker (as step 1 reads it): through sudo only → the docker tasks become root.
            const facts = await probeHostFacts(deps.pool(), target, { signal: call.signal })
            access[server.id] = {
              dockerViaSudo:
                !facts.isRoot &&
                !facts.docker.socketAccess &&
                (facts.sudo === 'passwordless' || facts.sudo === 'password' || facts.sudo === 'password-unverified'),
              sudoNeedsPassword: facts.sudo === 'password' || facts.sudo === 'password-unverified',
            }
          } catch (error) {
            const e = toAppError(error)
            if (e.code === 'CANCELLED') throw error
            problems.push({ serverId: server.id, message: e.message })
          }
        }
      }
      const files = ansibleExport({
        profile,
        pins: await pinsOf(pins, profile),
        servers,
        vaultPassword: input.vaultPassword,
        appVersion: deps.appVersion,
        ...(access ? { access } : {}),
        ...(input.language ? { language: input.language } : {}),
      })
      const root = resolve(input.outDir)
      try {
        for (const [path, text] of Object.entries(files)) {
          const full = resolve(root, path)
          await mkdir(dirname(full), { recursive: true })
          await writeFile(full, text, { mode: path.endsWith('vault.yml') ? 0o600 : 0o644 })
        }
      } catch (error) {
        throw new AppFailure('STORAGE_FAILED', `Could not write the Ansible files into ${root}.`, {
          hint: 'Choose a folder you can write to.',
          cause: error,
        })
      }
      call.progress({ stepId: 'ansible', kind: 'done', title: 'bundle.progress.written', detail: root })
      const advice = ansibleRunAdvice(profile, access)
      return { dir: root, files: Object.keys(files).sort(), problems, ...advice }
    },
  }
}
