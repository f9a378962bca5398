import { join } from 'node:path'
import type { ConnectionReport } from '../../shared/ops/ssh'
import type { Profile, Server } from '../../shared/profile'
import { AppFailure, toAppError } from '../errors'
import type { Handlers, ServiceEnvironment } from '../handler-types'
import type { Logger } from '../log'
import { probeHostFacts } from '../ssh/facts'
import { PinStore } from '../ssh/pin-store'
import { SshPool } from '../ssh/pool'
import { SecretBroker } from '../ssh/secret-broker'
import { importSshConfig } from '../ssh/ssh-config-import'
import { chainOf, targetOf } from '../ssh/targets'
import { HostKeyTrust } from '../ssh/trust'
import { appendKnownHost, judgeKnownHosts, readKnownHostsFile } from '../ssh/known-hosts'
import type { HostTarget } from '../ssh/types'

type SshOpName =
  'testConnection' | 'provideSecret' | 'trustHostKey' | 'replaceHostKey' | 'importSshConfig' | 'forgetSecrets'

/** The SSH feature of the service: the pool every later step uses, and the contract handlers. */
export interface SshFeature {
  readonly handlers: Handlers<SshOpName>
  /** The pooled connections (a RemoteExecutor for checks, deploy and docker). */
  readonly pool: SshPool
  readonly trust: HostKeyTrust
  readonly secrets: SecretBroker
  dispose(): Promise<void>
}

/** Builds the SSH feature: pins in the data folder, the user's ~/.ssh/known_hosts read-only. */
export function createSshFeature(deps: {
  env: ServiceEnvironment
  log: Logger
  loadProfile: (id: string) => Promise<Profile>
}): SshFeature {
  const { env, log } = deps
  const pins = new PinStore(env.dataDir)
  const userKnownHosts = join(env.homeDir, '.ssh', 'known_hosts')
  const extraKnownHosts = (): readonly string[] => env.knownHostsFiles ?? []
  const trust = new HostKeyTrust(pins, () => [userKnownHosts, ...extraKnownHosts()])
  const secrets = new SecretBroker()
  const pool = new SshPool({ trust, secrets, log, homeDir: env.homeDir })

  const testOne = async (
    server: Server,
    all: readonly Server[],
    signal: AbortSignal,
  ): Promise<ConnectionReport> => {
    const base = { serverId: server.id, host: server.address, port: server.port, user: server.user }
    const via = server.jumpHostId ? { via: server.jumpHostId } : {}
    let target: HostTarget | undefined
    try {
      target = targetOf(server, all)
      // "Test connection" means a fresh handshake: the host key is verified again and the login is
      // tried again, instead of trusting a pooled connection from before (unless work is using it).
      if ((pool.stats(target.id)?.inUse ?? 0) === 0) pool.close(target.id)
      const key = await pool.connect(target, signal)
      const password = secrets.heldPassword(target)
      const facts = await probeHostFacts(pool, target, {
        signal,
        ...(password !== undefined ? { password } : {}),
      })
      return {
        ...base,
        ...via,
        connected: true,
        trusted: true,
        fingerprint: key.fingerprint,
        keyType: key.keyType,
        facts,
      }
    } catch (error) {
      const appError = toAppError(error)
      const d = appError.details ?? {}
      // Only the hop that refused (the server itself or a jump host) loses its held secrets.
      if (target && (appError.code === 'AUTH_FAILED' || appError.code === 'WRONG_PASSPHRASE'))
        secrets.rejected(target, appError.code === 'AUTH_FAILED' ? d : undefined)
      if (appError.code === 'INTERNAL') log.error('testConnection failed', { error: String(error) })
      // Only the server's own key is reported as its fingerprint; a jump host's is in error.details.
      const own = d.host === server.address && d.port === server.port
      return {
        ...base,
        ...via,
        connected: false,
        trusted: false,
        ...(own && typeof d.fingerprint === 'string' ? { fingerprint: d.fingerprint } : {}),
        ...(own && typeof d.keyType === 'string' ? { keyType: d.keyType } : {}),
        error: appError,
      }
    }
  }

  const handlers: Handlers<SshOpName> = {
    async testConnection(input, call) {
      const servers = input.servers ?? (await deps.loadProfile(input.profileId ?? '')).servers
      const chosen = input.serverIds ? servers.filter((s) => input.serverIds?.includes(s.id)) : servers
      if (input.serverIds && chosen.length !== input.serverIds.length) {
        throw new AppFailure('NOT_FOUND', 'Some of the servers to test are not in the profile.', {
          retryable: false,
        })
      }
      const detach: Array<() => void> = []
      for (const server of chosen) {
        let chain: string[] = [server.id]
        try {
          chain = chainOf(targetOf(server, servers)).map((t) => t.id)
        } catch {
          /* reported per server below */
        }
        for (const id of chain) {
          detach.push(
            secrets.attach(id, (prompt) =>
              call.progress({
                stepId: server.id,
                kind: 'log',
                title: 'ssh.secretPrompt',
                detail: `${prompt.kind} needed for ${prompt.user}@${prompt.host}`,
                data: { prompt },
              }),
            ),
          )
        }
      }
      try {
        let done = 0
        const reports = await Promise.all(
          chosen.map(async (server) => {
            call.progress({
              stepId: server.id,
              kind: 'start',
              title: 'ssh.testing',
              detail: `${server.user}@${server.address}:${server.port}`,
            })
            const report = await testOne(server, servers, call.signal)
            done++
            call.progress({
              stepId: server.id,
              kind: 'result',
              fraction: done / chosen.length,
              title: report.connected ? 'ssh.connected' : 'ssh.failed',
              ...(report.error ? { detail: report.error.message } : {}),
              data: report,
            })
            return report
          }),
        )
        return { reports }
      } finally {
        for (const d of detach) d()
      }
    },
    provideSecret({ promptId, value, answers }) {
      const given = value !== undefined || answers !== undefined
      const accepted = secrets.answer(
        promptId,
        given
          ? { ...(value !== undefined ? { value } : {}), ...(answers !== undefined ? { answers } : {}) }
          : undefined,
      )
      return Promise.resolve({ accepted })
    },
    async trustHostKey({ host, port, fingerprint }) {
      const key = await trust.accept(host, port, fingerprint)
      // The runtime's own known_hosts files (CLI --known-hosts) learn the key too; ~/.ssh/known_hosts
      // is the user's and is only read.
      for (const file of new Set(extraKnownHosts())) {
        const entries = await readKnownHostsFile(file)
        if (judgeKnownHosts(entries, host, port, key, file).status !== 'trusted')
          await appendKnownHost(file, host, port, key)
      }
      return { host, port, fingerprint: key.fingerprint, keyType: key.keyType }
    },
    async replaceHostKey({ host, port, oldFingerprint, newFingerprint }) {
      const key = await trust.replace(host, port, oldFingerprint, newFingerprint)
      log.warn('host key replaced by the user', { host, port, oldFingerprint, newFingerprint })
      return { host, port, fingerprint: key.fingerprint, keyType: key.keyType }
    },
    async importSshConfig({ path }) {
      const file = path ?? join(env.homeDir, '.ssh', 'config')
      return { path: file, candidates: await importSshConfig(file, env.homeDir) }
    },
    forgetSecrets({ serverId }) {
      return Promise.resolve({ forgotten: secrets.forget(serverId) })
    },
  }

  return {
    handlers,
    pool,
    trust,
    secrets,
    async dispose() {
      secrets.dispose()
      await pool.dispose()
    },
  }
}
