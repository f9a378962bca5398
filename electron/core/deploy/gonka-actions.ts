import { posix } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { DeployChange, I18nText } from '../../shared/deploy'
import type { DeployFacts } from '../../shared/deploy-facts'
import { defaultDeploymentSettings, type DeploymentSettings } from '../../shared/deployment'
import type { Profile, Server } from '../../shared/profile'
import {
  dockerFor,
  imagePresent,
  listContainerStates,
  pullImage,
  type ContainerState,
} from '../docker/docker-client'
import { composeMissing, detectCompose, runComposeOrThrow, type ComposeFlavour } from '../docker/compose'
import { AppFailure } from '../errors'
import { desiredConfigEnv, maskSecrets, nodeConfigJson } from '../gonka/desired-config'
import type { SshPool } from '../ssh/pool'
import { targetOf } from '../ssh/targets'
import type { HostTarget } from '../ssh/types'
import {
  ensureRemoteDir,
  expandHome,
  lineDiff,
  readRemoteText,
  remoteHome,
  writeRemoteFile,
  type RemoteFileState,
} from './remote-file'
import { backupAction, serveNoticeAction } from './key-actions'
import type { ActionContext, AnyAction, HostMarkerStore } from './types'

/** The network node's services started first, before the keys exist (quickstart order). */
export const FIRST_SERVICES = ['tmkms', 'node'] as const
/** Compose file of the network node and of the ML node, in `deploy/join`. */
export const NETWORK_COMPOSE = 'docker-compose.yml'
/** See {@link NETWORK_COMPOSE}. */
export const ML_COMPOSE = 'docker-compose.mlnode.yml'
/** Free space the deployment folder needs before anything is written (clone, config, small state). */
export const DEFAULT_MIN_FREE_MB = 512

/** Options of a deployment plan. */
export interface GonkaPlanOptions {
  /** Start api, proxy and the rest although the keys are not there yet (until step 3 is done). */
  readonly startWithoutKeys?: boolean
  /** Pull images again although they are present. */
  readonly updateImages?: boolean
  /** Fetch and check out the ref again in an existing clean clone. */
  readonly updateRepo?: boolean
  /** Seconds to wait for each container to run (and be healthy). */
  readonly waitSeconds?: number
  /** Free space the deploy folder must have, in MiB. */
  readonly minFreeMb?: number
}

/** Everything the Gonka actions need. */
export interface GonkaActionDeps {
  readonly pool: SshPool
  readonly profile: Profile
  readonly keyringPassword?: string
  readonly facts?: DeployFacts
  readonly options: GonkaPlanOptions
}

const t = (key: string, params?: Record<string, string | number>): I18nText => ({
  key: `deploy.${key}`,
  ...(params ? { params } : {}),
})

/** Per-host facts found once and shared by the host's actions (home folder, compose). */
export class HostContext {
  private home: Promise<string> | undefined
  private compose: Promise<ComposeFlavour> | undefined
  readonly target: HostTarget
  /** The profile's seed API address ('' when not set). */
  readonly profileSeed: string

  constructor(
    readonly pool: SshPool,
    readonly server: Server,
    profile: Profile,
    readonly settings: DeploymentSettings,
  ) {
    this.target = targetOf(server, profile.servers)
    this.profileSeed = profile.seedApiUrl?.trim() ?? ''
  }

  async dir(signal: AbortSignal): Promise<string> {
    this.home ??= remoteHome(this.pool, this.target, signal)
    const home = await this.home.catch((error: unknown) => {
      this.home = undefined
      throw error
    })
    return posix.normalize(expandHome(this.settings.dir.trim() || '~/gonka', home))
  }

  async joinDir(signal: AbortSignal): Promise<string> {
    return posix.join(await this.dir(signal), 'deploy', 'join')
  }

  async composeFlavour(signal: AbortSignal): Promise<ComposeFlavour> {
    this.compose ??= detectCompose(this.pool, this.target, signal)
    return this.compose.catch((error: unknown) => {
      this.compose = undefined
      throw error
    })
  }

  run(argv: readonly string[], signal: AbortSignal, timeoutMs = 120_000) {
    return this.pool.exec(this.target, argv, { signal, timeoutMs })
  }
}

// ---------------------------------------------------------------------------------------------
// Repository

interface RepoState {
  readonly dir: string
  readonly kind: 'missing' | 'clone' | 'not-git'
  readonly commit?: string
  /** The branch checked out (the engine checks out `-B <ref>`), absent on a detached HEAD. */
  readonly branch?: string
  readonly dirty?: string[]
  readonly freeMb?: number
}

/** True for a ref that names a commit (7 to 40 hex digits) rather than a branch or tag. */
export function isCommitRef(ref: string): boolean {
  return /^[0-9a-f]{7,40}$/.test(ref)
}

/**
 * True when an existing clone is on the wanted ref: a commit ref is compared with HEAD, a branch or
 * tag with the branch the engine checked out for it (`checkout -B <ref>`).
 */
export function cloneOnRef(current: Pick<RepoState, 'commit' | 'branch'>, ref: string): boolean {
  const wanted = ref.trim()
  if (isCommitRef(wanted)) return (current.commit ?? '').startsWith(wanted)
  return current.branch === wanted
}

/**
 * What one compose service's container needs: created when absent, recreated when what it reads
 * changes (config.env / node-config.json, the deployment files of another ref, or the image the
 * compose file names is not the one it runs), started when stopped, else left alone.
 */
export function containerOp(input: {
  readonly container?: { readonly state: string; readonly image: string }
  /** The image the compose file names (absent when it is built from variables). */
  readonly image?: string
  readonly configPending: boolean
  readonly repoPending: boolean
}): 'create' | 'recreate' | 'start' | 'leave' {
  const c = input.container
  if (!c) return 'create'
  if (input.configPending || input.repoPending) return 'recreate'
  if (input.image !== undefined && c.image !== input.image) return 'recreate'
  if (c.state !== 'running') return 'start'
  return 'leave'
}

function repoAction(h: HostContext, deps: GonkaActionDeps): AnyAction {
  const s = h.settings
  const minFree = deps.options.minFreeMb ?? DEFAULT_MIN_FREE_MB
  const action = {
    id: `${h.server.id}/repo`,
    hostId: h.server.id,
    dependsOn: [],
    title: t('action.repo', { host: h.server.name || h.server.address }),
    async inspect(signal: AbortSignal): Promise<RepoState> {
      const dir = await h.dir(signal)
      // Free space where the clone lives (its nearest existing parent).
      const df = await h.run(
        [
          'sh',
          '-c',
          'd="$1"; while [ ! -d "$d" ]; do d=$(dirname "$d"); done; df -Pk "$d" | tail -1',
          'sh',
          dir,
        ],
        signal,
      )
      const avail = Number(df.stdout.trim().split(/\s+/)[3])
      const freeMb = Number.isFinite(avail) ? Math.floor(avail / 1024) : undefined
      const isDir = await h.run(['test', '-d', dir], signal)
      if (isDir.code !== 0) return { dir, kind: 'missing', ...(freeMb !== undefined ? { freeMb } : {}) }
      const head = await h.run(['git', '-C', dir, 'rev-parse', '--verify', 'HEAD'], signal)
      if (head.code !== 0) {
        const empty = await h.run(
          ['sh', '-c', 'ls -A "$1" | grep -v "^\\.ghw$" | head -1', 'sh', dir],
          signal,
        )
        return {
          dir,
          kind: empty.stdout.trim() === '' ? 'missing' : 'not-git',
          ...(freeMb !== undefined ? { freeMb } : {}),
        }
      }
      const status = await h.run(['git', '-C', dir, 'status', '--porcelain', '--untracked-files=no'], signal)
      const dirty = status.stdout
        .split('\n')
        .map((l) => l.slice(3).trim())
        .filter((f) => f !== '')
      const branch = (
        await h.run(['git', '-C', dir, 'symbolic-ref', '--short', '-q', 'HEAD'], signal)
      ).stdout.trim()
      return {
        dir,
        kind: 'clone',
        commit: head.stdout.trim(),
        ...(branch !== '' ? { branch } : {}),
        dirty,
        ...(freeMb !== undefined ? { freeMb } : {}),
      }
    },
    describe(current: RepoState): DeployChange[] {
      if (current.kind === 'not-git')
        return [{ kind: 'blocked', summary: t('change.repoNotGit', { dir: current.dir }) }]
      if (current.kind === 'missing') {
        if (current.freeMb !== undefined && current.freeMb < minFree) {
          return [
            {
              kind: 'blocked',
              summary: t('change.diskTooSmall', {
                path: current.dir,
                free: `${current.freeMb} MiB`,
                needed: `${minFree} MiB`,
              }),
            },
          ]
        }
        return [
          {
            kind: 'command',
            command: `git clone -b ${s.repoRef} ${s.repoUrl} ${current.dir}`,
            summary: t('change.repoClone', { url: s.repoUrl, ref: s.repoRef, dir: current.dir }),
          },
        ]
      }
      if ((current.dirty ?? []).length > 0 && deps.options.updateRepo) {
        return [
          {
            kind: 'blocked',
            summary: t('change.repoDirty', {
              dir: current.dir,
              files: (current.dirty ?? []).slice(0, 5).join(', '),
            }),
          },
        ]
      }
      // Another ref than the clone's (the user changed it in step 4): check it out, never over local changes.
      if (!cloneOnRef(current, s.repoRef) && !updatedThisRun.has(current.dir)) {
        if ((current.dirty ?? []).length > 0)
          return [
            {
              kind: 'blocked',
              summary: t('change.repoDirty', {
                dir: current.dir,
                files: (current.dirty ?? []).slice(0, 5).join(', '),
              }),
            },
          ]
        return [
          {
            kind: 'command',
            command: `git -C ${current.dir} fetch origin ${s.repoRef} && git checkout`,
            summary: t('change.repoRef', {
              dir: current.dir,
              from: current.branch ?? (current.commit ?? '').slice(0, 12),
              ref: s.repoRef,
            }),
          },
        ]
      }
      if (deps.options.updateRepo && !updatedThisRun.has(current.dir)) {
        return [
          {
            kind: 'command',
            command: `git -C ${current.dir} fetch origin ${s.repoRef} && git checkout`,
            summary: t('change.repoUpdate', {
              dir: current.dir,
              from: (current.commit ?? '').slice(0, 12),
              ref: s.repoRef,
            }),
          },
        ]
      }
      return []
    },
    notices(current: RepoState): I18nText[] {
      const notes: I18nText[] = []
      if (current.commit)
        notes.push(
          t('notice.commit', {
            host: h.server.name || h.server.address,
            commit: current.commit.slice(0, 12),
          }),
        )
      if ((current.dirty ?? []).length > 0)
        notes.push(
          t('change.repoDirty', { dir: current.dir, files: (current.dirty ?? []).slice(0, 5).join(', ') }),
        )
      return notes
    },
    async apply(ctx: ActionContext, current: RepoState): Promise<void> {
      const git = async (args: string[]): Promise<void> => {
        const r = await h.run(['git', '-C', current.dir, ...args], ctx.signal, 15 * 60_000)
        if (r.code !== 0) {
          throw new AppFailure(
            'REMOTE_COMMAND_FAILED',
            `git ${args[0] ?? ''} in ${current.dir} on ${h.target.host} failed: ${r.stderr.trim().slice(-400)}`,
            {
              hint: 'Check the repository URL and ref, and that the server reaches it.',
              details: { host: h.target.host },
            },
          )
        }
      }
      // init + fetch instead of clone: the folder may already hold the engine's .ghw marker.
      if (current.kind === 'missing') {
        await ensureRemoteDir(h.pool, h.target, current.dir, ctx.signal)
        await git(['init', '-q'])
        await git(['remote', 'add', 'origin', s.repoUrl])
      }
      ctx.log(`git fetch ${s.repoUrl} ${s.repoRef}`)
      await git(['fetch', '-q', 'origin', s.repoRef])
      await git([
        'checkout',
        '-q',
        '-B',
        /^[0-9a-f]{40}$/.test(s.repoRef) ? 'ghw-deploy' : s.repoRef,
        'FETCH_HEAD',
      ])
      await h.run(
        [
          'sh',
          '-c',
          'grep -qx "/.ghw/" "$1/.git/info/exclude" 2>/dev/null || echo "/.ghw/" >> "$1/.git/info/exclude"',
          'sh',
          current.dir,
        ],
        ctx.signal,
      )
      updatedThisRun.add(current.dir)
    },
    fingerprint(current: RepoState): string {
      return JSON.stringify([current.kind, current.commit ?? '', current.dirty ?? [], current.dir])
    },
  }
  const updatedThisRun = new Set<string>()
  return action
}

// ---------------------------------------------------------------------------------------------
// Files: config.env and node-config.json

interface FileState {
  readonly path: string
  readonly current: RemoteFileState
  readonly mode?: string
  readonly desired?: string
  readonly secretNames: string[]
  /** Problems of the desired file: `config.validation.*` keys with their parameters. */
  readonly problems: readonly { readonly key: string; readonly params?: Readonly<Record<string, string>> }[]
}

function fileChanges(state: FileState, h: HostContext, wantMode: string | undefined): DeployChange[] {
  const changes: DeployChange[] = []
  for (const problem of state.problems)
    changes.push({
      kind: 'blocked',
      // The problem's own parameters travel along so its sentence is complete ({{server}}, {{needGb}}…).
      summary: t('change.configProblem', { ...(problem.params ?? {}), problem: problem.key }),
    })
  if (changes.length > 0) return changes
  const name = posix.basename(state.path)
  if (state.desired === undefined) {
    // The repository is not cloned yet: the file is made from its template after the clone.
    return [
      {
        kind: 'file',
        path: state.path,
        diff: '',
        created: true,
        summary: t('change.fileCreate', { path: name }),
      },
    ]
  }
  if (
    state.current.exists &&
    state.current.text === state.desired &&
    (wantMode === undefined || state.mode === wantMode)
  )
    return []
  void h
  return [
    {
      kind: 'file',
      path: state.path,
      diff: lineDiff(
        maskSecrets(state.current.text, state.secretNames),
        maskSecrets(state.desired, state.secretNames),
      ),
      created: !state.current.exists,
      ...(wantMode !== undefined ? { mode: parseInt(wantMode, 8) } : {}),
      summary: t(state.current.exists ? 'change.fileUpdate' : 'change.fileCreate', { path: name }),
    },
  ]
}

async function fileMode(h: HostContext, path: string, signal: AbortSignal): Promise<string | undefined> {
  const r = await h.run(['stat', '-c', '%a', path], signal)
  return r.code === 0 ? r.stdout.trim() : undefined
}

function configEnvAction(h: HostContext, deps: GonkaActionDeps): AnyAction {
  const repoId = `${h.server.id}/repo`
  const action = {
    id: `${h.server.id}/config.env`,
    hostId: h.server.id,
    dependsOn: [repoId],
    title: t('action.configEnv', { host: h.server.name || h.server.address }),
    async inspect(signal: AbortSignal): Promise<FileState> {
      const join = await h.joinDir(signal)
      const path = posix.join(join, 'config.env')
      const template = await readRemoteText(h.pool, h.target, posix.join(join, 'config.env.template')).catch(
        () => undefined,
      )
      const current = await readRemoteText(h.pool, h.target, path).catch((): RemoteFileState => ({
        exists: false,
        text: '',
        sha256: '',
      }))
      const mode = current.exists ? await fileMode(h, path, signal) : undefined
      const desired = desiredConfigEnv({
        role: h.server.role,
        template: template?.text ?? '',
        ...(current.exists ? { current: current.text } : {}),
        profile: deps.profile,
        ...(deps.keyringPassword !== undefined ? { keyringPassword: deps.keyringPassword } : {}),
        ...(deps.facts ? { facts: deps.facts } : {}),
        serverId: h.server.id,
      })
      const problems = desired.problems.map((p) => ({
        key: p.key,
        ...(p.params ? { params: p.params } : {}),
      }))
      // Before the clone there is no template: the problems are known already, the content is not.
      if (!template?.exists)
        return { path, current, ...(mode ? { mode } : {}), secretNames: desired.secretNames, problems }
      return {
        path,
        current,
        ...(mode ? { mode } : {}),
        desired: desired.text,
        secretNames: desired.secretNames,
        problems,
      }
    },
    describe: (state: FileState) => fileChanges(state, h, '600'),
    async apply(ctx: ActionContext, state: FileState): Promise<void> {
      if (state.desired === undefined)
        throw new AppFailure(
          'NOT_FOUND',
          `config.env.template is missing in ${posix.dirname(state.path)} on ${h.target.host}.`,
        )
      ctx.progress({ title: t('progress.writing', { path: 'config.env' }) })
      // Mode 0600 from the moment the temp file is opened: it holds the keyring password.
      await writeRemoteFile(h.pool, h.target, state.path, state.desired, { mode: 0o600, signal: ctx.signal })
      const mode = await fileMode(h, state.path, ctx.signal)
      if (mode !== '600') await h.run(['chmod', '600', state.path], ctx.signal)
    },
    fingerprint: (state: FileState) =>
      JSON.stringify([state.path, state.current.sha256, state.mode ?? '', state.desired !== undefined]),
  }
  return action
}

function nodeConfigAction(h: HostContext, deps: GonkaActionDeps): AnyAction {
  const action = {
    id: `${h.server.id}/node-config.json`,
    hostId: h.server.id,
    dependsOn: [`${h.server.id}/repo`],
    title: t('action.nodeConfig', { host: h.server.name || h.server.address }),
    async inspect(signal: AbortSignal): Promise<FileState> {
      const path = posix.join(await h.joinDir(signal), 'node-config.json')
      const current = await readRemoteText(h.pool, h.target, path).catch((): RemoteFileState => ({
        exists: false,
        text: '',
        sha256: '',
      }))
      return {
        path,
        current,
        desired: nodeConfigJson(deps.profile, h.server.id),
        secretNames: [],
        problems: [],
      }
    },
    describe: (state: FileState) => fileChanges(state, h, undefined),
    async apply(ctx: ActionContext, state: FileState): Promise<void> {
      await writeRemoteFile(h.pool, h.target, state.path, state.desired ?? '', {
        mode: 0o644,
        signal: ctx.signal,
      })
    },
    fingerprint: (state: FileState) => JSON.stringify([state.path, state.current.sha256]),
  }
  return action
}

// ---------------------------------------------------------------------------------------------
// Images

/** Services and their images from a compose file (`${…}` images are left to compose). */
export function composeServices(
  yamlText: string,
): Array<{ service: string; image?: string; healthcheck: boolean }> {
  const doc = parseYaml(yamlText) as {
    services?: Record<string, { image?: unknown; healthcheck?: unknown }>
  } | null
  return (
    Object.entries(doc?.services ?? {})
      // Services behind a compose profile (e.g. proxy-ssl) are not started by `up`, so not pulled either.
      .filter(([, def]) => (def as { profiles?: unknown }).profiles === undefined)
      .map(([service, def]) => ({
        service,
        ...(typeof def.image === 'string' && !def.image.includes('$') ? { image: def.image } : {}),
        healthcheck: def.healthcheck !== undefined,
      }))
  )
}

export function composeFilesOf(role: Server['role']): string[] {
  return role === 'network' ? [NETWORK_COMPOSE] : role === 'ml' ? [ML_COMPOSE] : [NETWORK_COMPOSE, ML_COMPOSE]
}

async function readServices(
  h: HostContext,
  signal: AbortSignal,
): Promise<Array<{ service: string; image?: string; healthcheck: boolean; file: string }>> {
  const join = await h.joinDir(signal)
  const out: Array<{ service: string; image?: string; healthcheck: boolean; file: string }> = []
  for (const file of composeFilesOf(h.server.role)) {
    const text = await readRemoteText(h.pool, h.target, posix.join(join, file)).catch(() => undefined)
    if (text?.exists) for (const s of composeServices(text.text)) out.push({ ...s, file })
  }
  return out
}

interface ImagesState {
  readonly images: Array<{ image: string; present: boolean }>
  /** The compose files are not there yet (not cloned): the images are known after the clone. */
  readonly unknown: boolean
}

function imagesAction(h: HostContext, deps: GonkaActionDeps): AnyAction {
  const action = {
    id: `${h.server.id}/images`,
    hostId: h.server.id,
    dependsOn: [`${h.server.id}/repo`],
    title: t('action.images', { host: h.server.name || h.server.address }),
    async inspect(signal: AbortSignal): Promise<ImagesState> {
      const services = await readServices(h, signal)
      const docker = dockerFor(h.pool, h.target)
      const images = [...new Set(services.flatMap((s) => (s.image ? [s.image] : [])))]
      return {
        unknown: services.length === 0,

        images: await Promise.all(
          images.map(async (image) => ({ image, present: await imagePresent(docker, h.target, image) })),
        ),
      }
    },
    describe(state: ImagesState): DeployChange[] {
      if (state.unknown)
        return [
          { kind: 'command', command: 'docker pull (missing images)', summary: t('change.imagesAfterClone') },
        ]
      return state.images
        .filter((i) => !i.present || (deps.options.updateImages === true && !pulledThisRun.has(i.image)))
        .map((i) => ({
          kind: 'image' as const,
          image: i.image,
          summary: t('change.imagePull', { image: i.image }),
        }))
    },
    async apply(ctx: ActionContext, state: ImagesState): Promise<void> {
      const docker = dockerFor(h.pool, h.target)
      for (const change of action.describe(state)) {
        if (change.kind !== 'image') continue
        const image = change.image
        ctx.log(`docker pull ${image}`)
        await pullImage(docker, h.target, image, {
          signal: ctx.signal,
          onProgress: (p) =>
            ctx.progress({
              ...(p.totalBytes > 0 ? { fraction: p.bytes / p.totalBytes } : {}),
              title: t('progress.pull', { image, layers: p.layers, done: p.layersDone, total: p.layers }),
              data: p,
            }),
        })
        pulledThisRun.add(image)
      }
    },
  }
  const pulledThisRun = new Set<string>()
  return action
}

// ---------------------------------------------------------------------------------------------
// Compose

interface ComposeState {
  readonly flavour: ComposeFlavour
  readonly services: Array<{ service: string; healthcheck: boolean; image?: string }>
  readonly containers: ContainerState[]
  /** config.env (or node-config.json) is about to change: running services are recreated. */
  readonly configPending: boolean
  /** The clone moves to another ref: what the compose files define may change, so `up -d` recreates. */
  readonly repoPending: boolean
  /** For the network's later services: whether the keys exist. */
  readonly keysReady: boolean
}

function composeAction(
  h: HostContext,
  deps: GonkaActionDeps,
  spec: {
    readonly name: string
    readonly pick: (all: string[]) => string[]
    readonly noDeps: boolean
    readonly needsKeys: boolean
    readonly dependsOn: string[]
  },
  configAction: AnyAction,
  repoAction?: AnyAction,
): AnyAction {
  const files = composeFilesOf(h.server.role)
  const waitMs = (deps.options.waitSeconds ?? 120) * 1000
  const action = {
    id: `${h.server.id}/compose/${spec.name}`,
    hostId: h.server.id,
    dependsOn: spec.dependsOn,
    title: t('action.compose', { host: h.server.name || h.server.address, services: spec.name }),
    async inspect(signal: AbortSignal): Promise<ComposeState> {
      const flavour = await h.composeFlavour(signal)
      const all = await readServices(h, signal)
      const wanted = spec.pick(all.map((s) => s.service))
      const services = all
        .filter((s) => wanted.includes(s.service))
        .map((s) => ({
          service: s.service,
          healthcheck: s.healthcheck,
          ...(s.image ? { image: s.image } : {}),
        }))
      const join = await h.joinDir(signal)
      const project = posix.basename(join)
      const containers = (await listContainerStates(dockerFor(h.pool, h.target), h.target)).filter(
        (c) => c.project === project && wanted.includes(c.service),
      )
      const configState = await configAction.inspect(signal)
      const configPending = configAction.describe(configState).some((c) => c.kind === 'file')
      const repoPending = repoAction
        ? repoAction.describe(await repoAction.inspect(signal)).some((c) => c.kind === 'command')
        : false
      let keysReady = true
      if (spec.needsKeys) {
        const pubkey = (h.settings.accountPubkey ?? '').trim() !== ''
        const keyName = h.settings.keyName.trim()
        const warm =
          keyName !== '' &&
          (
            await h.run(
              [
                'sh',
                '-c',
                'ls "$1"/.inference/keyring-file/ 2>/dev/null | grep -qx "$2.info"',
                'sh',
                join,
                keyName,
              ],
              signal,
            )
          ).code === 0
        keysReady = pubkey && warm
      }
      return { flavour, services, containers, configPending, repoPending, keysReady }
    },
    describe(state: ComposeState): DeployChange[] {
      if (state.flavour.kind !== 'v2') return [{ kind: 'blocked', summary: t('change.composeV1') }]
      if (spec.needsKeys && !state.keysReady && deps.options.startWithoutKeys !== true) {
        const up = state.services.filter(
          (s) => !state.containers.some((c) => c.service === s.service && c.state === 'running'),
        )
        if (up.length === 0) return []
        return [
          {
            kind: 'blocked',
            summary: t('change.waitKeys', { services: up.map((s) => s.service).join(', ') }),
          },
        ]
      }
      if (state.services.length === 0) {
        return [
          {
            kind: 'container',
            service: spec.name,
            op: 'create',
            summary: t('change.containerCreate', { service: spec.name }),
          },
        ]
      }
      const changes: DeployChange[] = []
      let any = false
      for (const { service, image } of state.services) {
        const c = state.containers.find((x) => x.service === service)
        // Recreate when what the service reads changes (config.env, node-config.json, another ref's
        // files, another image). Compose's own `config --hash` is not compared with the container's
        // label: for a service whose depends_on names a profile-gated service (proxy → proxy-ssl), the
        // two never agree, so `up` would be planned forever and a finished apply would not verify.
        const op = containerOp({
          ...(c ? { container: c } : {}),
          ...(image !== undefined ? { image } : {}),
          configPending: state.configPending,
          repoPending: state.repoPending,
        })
        if (op !== 'leave') any = true
        const key =
          op === 'create'
            ? 'containerCreate'
            : op === 'recreate'
              ? 'containerRecreate'
              : op === 'start'
                ? 'containerStart'
                : 'containerLeave'
        changes.push({
          kind: 'container',
          service,
          op,
          summary: t(
            `change.${op === 'recreate' && state.repoPending && !state.configPending ? 'containerRecreateRef' : key}`,
            {
              service,
              state: c?.state ?? '',
              ref: h.settings.repoRef,
            },
          ),
        })
      }
      return any ? changes : []
    },
    notices(state: ComposeState): I18nText[] {
      if (spec.needsKeys && !state.keysReady)
        return [
          t('notice.cannotServe', { host: h.server.name || h.server.address, why: 'deploy.notice.noKeys' }),
        ]
      return []
    },
    async apply(ctx: ActionContext, state: ComposeState): Promise<void> {
      if (state.flavour.kind !== 'v2') throw composeMissing(h.target, state.flavour)
      const join = await h.joinDir(ctx.signal)
      const names = state.services.map((s) => s.service)
      const args = ['up', '-d', ...(spec.noDeps ? ['--no-deps'] : []), ...names]
      ctx.log(`docker compose ${files.map((f) => `-f ${f}`).join(' ')} ${args.join(' ')}`)
      await runComposeOrThrow(h.pool, h.target, {
        dir: join,
        files,
        args,
        signal: ctx.signal,
        onOutput: (chunk) => {
          for (const line of chunk.split('\n')) if (line.trim() !== '') ctx.log(line)
        },
      })
      await waitRunning(h, state.services, posix.basename(join), waitMs, ctx)
    },
    fingerprint: (state: ComposeState) =>
      JSON.stringify([
        state.flavour.kind,
        state.services,
        state.containers.map((c) => [c.service, c.id, c.state, c.configHash]),
        state.keysReady,
      ]),
  }
  return action
}

/** Waits until every service runs (and is healthy where it has a healthcheck); fails with the reason. */
async function waitRunning(
  h: HostContext,
  services: ReadonlyArray<{ service: string; healthcheck: boolean }>,
  project: string,
  timeoutMs: number,
  ctx: ActionContext,
): Promise<void> {
  const docker = dockerFor(h.pool, h.target)
  const deadline = Date.now() + timeoutMs
  let stableRounds = 0
  for (;;) {
    const containers = (await listContainerStates(docker, h.target)).filter((c) => c.project === project)
    const pending: string[] = []
    const failed: string[] = []
    for (const { service } of services) {
      const c = containers.find((x) => x.service === service)
      if (!c) pending.push(`${service} (no container)`)
      else if (c.state === 'exited' || c.state === 'dead')
        failed.push(`${service} exited with code ${c.exitCode ?? '?'}`)
      else if (c.state === 'restarting')
        failed.push(`${service} keeps restarting (${c.restartCount} restarts)`)
      else if (c.state !== 'running') pending.push(`${service} (${c.state})`)
      else if (c.health === 'unhealthy') failed.push(`${service} is unhealthy`)
      else if (c.health === 'starting') pending.push(`${service} (health: starting)`)
    }
    // A service that exits at once on bad config still shows "running" for a moment: look twice.
    if (pending.length === 0 && failed.length === 0 && ++stableRounds >= 2) return
    if (pending.length > 0 || failed.length > 0) stableRounds = 0
    if (failed.length > 0 || Date.now() > deadline) {
      const reason = failed.length > 0 ? failed.join('; ') : `still waiting: ${pending.join(', ')}`
      throw new AppFailure('REMOTE_COMMAND_FAILED', `On ${h.target.host}: ${reason}.`, {
        hint: 'See the container logs (ghw logs --host …) for the cause.',
        details: { host: h.target.host },
      })
    }
    ctx.progress({ title: t('progress.wait', { service: pending.join(', ') }) })
    await new Promise((resolve) => setTimeout(resolve, 1000))
    if (ctx.signal.aborted) throw new AppFailure('CANCELLED', 'The operation was cancelled.')
  }
}

// ---------------------------------------------------------------------------------------------

/** The actions of a Gonka deployment (step 4/6), per server in the quickstart's order. */
export function gonkaActions(deps: GonkaActionDeps): AnyAction[] {
  const settings = deps.profile.deployment ?? defaultDeploymentSettings()
  const actions: AnyAction[] = []
  for (const server of deps.profile.servers) {
    const h = new HostContext(deps.pool, server, deps.profile, settings)
    const id = server.id
    const repo = repoAction(h, deps)
    const config = configEnvAction(h, deps)
    actions.push(repo, config)
    const fileDeps = [config.id]
    if (server.role === 'combined') {
      const nodeConfig = nodeConfigAction(h, deps)
      actions.push(nodeConfig)
      fileDeps.push(nodeConfig.id)
    }
    const images = imagesAction(h, deps)
    actions.push(images)
    const base = [...fileDeps, images.id]
    if (server.role === 'ml') {
      actions.push(
        composeAction(
          h,
          deps,
          { name: 'mlnode', pick: (all) => all, noDeps: false, needsKeys: false, dependsOn: base },
          config,
          repo,
        ),
      )
    } else {
      const first = `${id}/compose/${FIRST_SERVICES.join(',')}`
      // A dated backup of the keyring and .tmkms/ before the containers touch them (step 3).
      const backup = backupAction(h)
      // Read only: says why the host cannot serve yet (warm key, registration, grants on chain).
      actions.push(backup, serveNoticeAction(h))
      actions.push(
        composeAction(
          h,
          deps,
          {
            name: FIRST_SERVICES.join(','),
            pick: (all) => all.filter((s) => (FIRST_SERVICES as readonly string[]).includes(s)),
            noDeps: true,
            needsKeys: false,
            dependsOn: [...base, backup.id],
          },
          config,
          repo,
        ),
        composeAction(
          h,
          deps,
          {
            name: 'rest',
            pick: (all) => all.filter((s) => !(FIRST_SERVICES as readonly string[]).includes(s)),
            noDeps: false,
            needsKeys: true,
            dependsOn: [...base, first],
          },
          config,
          repo,
        ),
      )
    }
  }
  return actions
}

/** The host markers (`<dir>/.ghw/journal.json`) over SFTP, written atomically with mode 0600. */
export function gonkaMarkerStore(pool: SshPool, profile: Profile): HostMarkerStore {
  const settings = profile.deployment ?? defaultDeploymentSettings()
  const contexts = new Map(profile.servers.map((s) => [s.id, new HostContext(pool, s, profile, settings)]))
  const pathOf = async (hostId: string, signal: AbortSignal): Promise<{ h: HostContext; dir: string }> => {
    const h = contexts.get(hostId)
    if (!h) throw new AppFailure('NOT_FOUND', `No server ${hostId} in the profile.`)
    return { h, dir: posix.join(await h.dir(signal), '.ghw') }
  }
  return {
    async read(hostId, signal) {
      const { h, dir } = await pathOf(hostId, signal)
      const r = await readRemoteText(pool, h.target, posix.join(dir, 'journal.json'))
      return r.exists ? r.text : undefined
    },
    async write(hostId, content, signal) {
      const { h, dir } = await pathOf(hostId, signal)
      await ensureRemoteDir(pool, h.target, dir, signal)
      await writeRemoteFile(pool, h.target, posix.join(dir, 'journal.json'), content, {
        mode: 0o600,
        backup: false,
        signal,
      })
    },
  }
}
