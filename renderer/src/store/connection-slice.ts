import type { StateCreator } from 'zustand'
import type { ConnectionReport, SecretPrompt, SshConfigCandidate } from '../../../electron/shared/ops/ssh'
import type { Server, ServerRole } from '../../../electron/shared/profile'
import type { ProgressEvent } from '../../../electron/shared/progress'
import type { AppError } from '../../../electron/shared/result'
import { getApi } from '../api'
import type { RootState } from '.'

/** Where one server's connection test stands. `tested` is what was tested (an edit makes it stale). */
export type ConnectionState =
  | { readonly status: 'running'; readonly runId: string }
  | {
      readonly status: 'connected' | 'failed'
      readonly report: ConnectionReport
      readonly tested: ServerIdentity
    }
  | { readonly status: 'cancelled'; readonly tested: ServerIdentity }

/** The parts of a server a test result depends on. */
export interface ServerIdentity {
  readonly address: string
  readonly port: number
  readonly user: string
  readonly auth: Server['auth']
  readonly keyPath?: string
}

/** A host key the user is asked to trust (from HOST_KEY_UNKNOWN details). */
export interface HostKeyQuestion {
  readonly serverId: string
  readonly host: string
  readonly port: number
  readonly keyType: string
  readonly fingerprint: string
}

/** A host key that differs from the trusted one (from HOST_KEY_CHANGED details). */
export interface HostKeyWarning extends HostKeyQuestion {
  readonly expectedFingerprint?: string
  readonly expectedKeyType?: string
  readonly source?: string
  readonly revoked: boolean
}

/** The ~/.ssh/config import panel. */
export type SshImportState =
  | { readonly state: 'closed' }
  | { readonly state: 'loading' }
  | { readonly state: 'open'; readonly path: string; readonly candidates: readonly SshConfigCandidate[] }
  | { readonly state: 'failed'; readonly error: AppError }

/** Connection tests, host-key questions and secret prompts of step 1. Never holds a secret. */
export interface ConnectionSlice {
  connections: Record<string, ConnectionState>
  /** Run id → the servers it tests (so a cancel or a failed call can settle them). */
  connectionRuns: Record<string, readonly string[]>
  hostKeyQuestions: HostKeyQuestion[]
  hostKeyWarnings: HostKeyWarning[]
  /** Open secret prompts, oldest first. Only the question: answers go straight to the back end. */
  secretPrompts: SecretPrompt[]
  /** A failure of trusting / replacing a key or answering a prompt, shown in the dialog. */
  connectionActionError: AppError | undefined
  sshImport: SshImportState
  connectionTestRequested: (serverIds?: readonly string[]) => Promise<void>
  connectionTestCancelled: (serverId: string) => Promise<void>
  connectionProgressReceived: (event: ProgressEvent) => void
  hostKeyTrusted: (question: HostKeyQuestion) => Promise<void>
  hostKeyRefused: (question: HostKeyQuestion) => void
  hostKeyReplaced: (warning: HostKeyWarning) => Promise<void>
  hostKeyWarningClosed: (warning: HostKeyWarning) => void
  /** Sends the user's answer; the caller clears its field. Nothing of it is kept here. */
  secretAnswered: (promptId: string, answer: { value?: string; answers?: string[] }) => Promise<void>
  secretDeclined: (promptId: string) => Promise<void>
  sshImportRequested: () => Promise<void>
  sshImportClosed: () => void
  sshCandidatesChosen: (candidates: readonly SshConfigCandidate[]) => Promise<void>
}

/** The identity of a server as a test sees it. */
export function identityOf(server: Server): ServerIdentity {
  return {
    address: server.address,
    port: server.port,
    user: server.user,
    auth: server.auth,
    ...(server.keyPath !== undefined ? { keyPath: server.keyPath } : {}),
  }
}

/** Whether a test result still describes the server as it is now. */
export function sameIdentity(a: ServerIdentity, b: ServerIdentity): boolean {
  return (
    a.address === b.address &&
    a.port === b.port &&
    a.user === b.user &&
    a.auth === b.auth &&
    (a.keyPath ?? '') === (b.keyPath ?? '')
  )
}

/** The connection state of a server, or undefined when it was never tested as it is now. */
export function currentConnection(
  server: Server,
  connections: Readonly<Record<string, ConnectionState>>,
): ConnectionState | undefined {
  const state = connections[server.id]
  if (!state || state.status === 'running') return state
  return sameIdentity(state.tested, identityOf(server)) ? state : undefined
}

function isReport(value: unknown): value is ConnectionReport {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ConnectionReport).serverId === 'string' &&
    typeof (value as ConnectionReport).connected === 'boolean'
  )
}

function promptOf(value: unknown): SecretPrompt | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const prompt = (value as { prompt?: unknown }).prompt
  if (typeof prompt !== 'object' || prompt === null) return undefined
  const p = prompt as SecretPrompt
  return typeof p.promptId === 'string' && typeof p.serverId === 'string' ? p : undefined
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

export const createConnectionSlice: StateCreator<RootState, [], [], ConnectionSlice> = (set, get) => {
  /** What was tested for each server of a run, taken when the run started. */
  const testedIn = new Map<string, Map<string, ServerIdentity>>()

  function settle(runId: string, serverId: string, report: ConnectionReport): void {
    const tested =
      testedIn.get(runId)?.get(serverId) ??
      ({ address: report.host, port: report.port, user: report.user, auth: 'agent' } as const)
    const error = report.error
    const details = error?.details ?? {}
    const host = text(details.host) ?? report.host
    const port = typeof details.port === 'number' ? details.port : report.port
    const fingerprint = text(details.fingerprint)
    const keyType = text(details.keyType) ?? ''
    set((state) => {
      const current = state.connections[serverId]
      // A newer run owns this server now: this late result is not what the user waits for.
      if (current?.status === 'running' && current.runId !== runId) return {}
      const settled: ConnectionState =
        error?.code === 'CANCELLED'
          ? { status: 'cancelled', tested }
          : { status: report.connected ? 'connected' : 'failed', report, tested }
      const next: Partial<ConnectionSlice> = {
        connections: { ...state.connections, [serverId]: settled },
        // The back end declines a finished test's prompts; drop them here too.
        secretPrompts: state.secretPrompts.filter((p) => p.serverId !== serverId),
      }
      if (error?.code === 'HOST_KEY_UNKNOWN' && fingerprint) {
        const asked = state.hostKeyQuestions.some(
          (q) => q.host === host && q.port === port && q.fingerprint === fingerprint,
        )
        if (!asked) {
          next.hostKeyQuestions = [...state.hostKeyQuestions, { serverId, host, port, keyType, fingerprint }]
        }
      }
      if (error?.code === 'HOST_KEY_CHANGED' && fingerprint) {
        const expectedFingerprint = text(details.expectedFingerprint)
        const expectedKeyType = text(details.expectedKeyType)
        const source = text(details.source)
        next.hostKeyWarnings = [
          ...state.hostKeyWarnings.filter((w) => !(w.host === host && w.port === port)),
          {
            serverId,
            host,
            port,
            keyType,
            fingerprint,
            revoked: details.revoked === true,
            ...(expectedFingerprint !== undefined ? { expectedFingerprint } : {}),
            ...(expectedKeyType !== undefined ? { expectedKeyType } : {}),
            ...(source !== undefined ? { source } : {}),
          },
        ]
      }
      return next
    })
  }

  /** After the call returns: servers of the run still "running" get the call's outcome. */
  function finishRun(runId: string, outcome: 'cancelled' | AppError | undefined): void {
    const ids = get().connectionRuns[runId] ?? []
    const tested = testedIn.get(runId)
    set((state) => {
      const connections = { ...state.connections }
      for (const id of ids) {
        const current = connections[id]
        if (current?.status !== 'running' || current.runId !== runId) continue
        const identity = tested?.get(id)
        if (!identity) continue
        if (outcome === 'cancelled' || outcome === undefined) {
          connections[id] = { status: 'cancelled', tested: identity }
        } else {
          connections[id] = {
            status: 'failed',
            tested: identity,
            report: {
              serverId: id,
              host: identity.address,
              port: identity.port,
              user: identity.user,
              connected: false,
              trusted: false,
              error: outcome,
            },
          }
        }
      }
      const connectionRuns = { ...state.connectionRuns }
      delete connectionRuns[runId]
      return {
        connections,
        connectionRuns,
        secretPrompts: state.secretPrompts.filter((p) => !ids.includes(p.serverId)),
      }
    })
    testedIn.delete(runId)
  }

  return {
    connections: {},
    connectionRuns: {},
    hostKeyQuestions: [],
    hostKeyWarnings: [],
    secretPrompts: [],
    connectionActionError: undefined,
    sshImport: { state: 'closed' },

    async connectionTestRequested(serverIds) {
      const profile = get().profile
      if (!profile) return
      const busy = new Set(
        Object.entries(get().connections)
          .filter(([, c]) => c.status === 'running')
          .map(([id]) => id),
      )
      const chosen = profile.servers.filter(
        (s) => (serverIds === undefined || serverIds.includes(s.id)) && !busy.has(s.id),
      )
      if (chosen.length === 0) return
      const runId = crypto.randomUUID()
      testedIn.set(runId, new Map(chosen.map((s) => [s.id, identityOf(s)])))
      set((state) => {
        const connections = { ...state.connections }
        for (const s of chosen) connections[s.id] = { status: 'running', runId }
        return {
          connections,
          connectionRuns: { ...state.connectionRuns, [runId]: chosen.map((s) => s.id) },
        }
      })
      const result = await getApi().testConnection(
        { servers: profile.servers, serverIds: chosen.map((s) => s.id) },
        { runId },
      )
      if (result.ok) {
        // Results normally arrive as progress events first; the reply settles anything missed.
        for (const report of result.value.reports) {
          const current = get().connections[report.serverId]
          if (current?.status === 'running' && current.runId === runId) settle(runId, report.serverId, report)
        }
        finishRun(runId, undefined)
      } else {
        finishRun(runId, result.error.code === 'CANCELLED' ? 'cancelled' : result.error)
      }
    },

    async connectionTestCancelled(serverId) {
      const current = get().connections[serverId]
      if (current?.status !== 'running') return
      await getApi().cancel(current.runId)
    },

    connectionProgressReceived(event) {
      const ids = get().connectionRuns[event.runId]
      if (!ids?.includes(event.stepId)) return
      if (event.kind === 'log') {
        const prompt = promptOf(event.data)
        if (prompt) {
          set((state) =>
            state.secretPrompts.some((p) => p.promptId === prompt.promptId)
              ? {}
              : { secretPrompts: [...state.secretPrompts, prompt] },
          )
        }
      } else if (event.kind === 'result' && isReport(event.data)) {
        settle(event.runId, event.stepId, event.data)
      }
    },

    async hostKeyTrusted(question) {
      set({ connectionActionError: undefined })
      const result = await getApi().trustHostKey({
        host: question.host,
        port: question.port,
        fingerprint: question.fingerprint,
      })
      if (!result.ok) {
        set({ connectionActionError: result.error })
        return
      }
      set((state) => ({
        hostKeyQuestions: state.hostKeyQuestions.filter((q) => q !== question),
      }))
      // Every server waiting on this host's key can go on now.
      const waiting = Object.entries(get().connections)
        .filter(([, c]) => {
          if (c.status !== 'failed') return false
          const d = c.report.error?.details
          return (
            c.report.error?.code === 'HOST_KEY_UNKNOWN' &&
            d?.host === question.host &&
            d.port === question.port
          )
        })
        .map(([id]) => id)
      await get().connectionTestRequested(waiting.length > 0 ? waiting : [question.serverId])
    },

    hostKeyRefused(question) {
      set((state) => ({
        connectionActionError: undefined,
        hostKeyQuestions: state.hostKeyQuestions.filter((q) => q !== question),
      }))
    },

    async hostKeyReplaced(warning) {
      if (!warning.expectedFingerprint) return
      set({ connectionActionError: undefined })
      const result = await getApi().replaceHostKey({
        host: warning.host,
        port: warning.port,
        oldFingerprint: warning.expectedFingerprint,
        newFingerprint: warning.fingerprint,
      })
      if (!result.ok) {
        set({ connectionActionError: result.error })
        return
      }
      set((state) => ({ hostKeyWarnings: state.hostKeyWarnings.filter((w) => w !== warning) }))
      await get().connectionTestRequested([warning.serverId])
    },

    hostKeyWarningClosed(warning) {
      set((state) => ({
        connectionActionError: undefined,
        hostKeyWarnings: state.hostKeyWarnings.filter((w) => w !== warning),
      }))
    },

    async secretAnswered(promptId, answer) {
      set((state) => ({ secretPrompts: state.secretPrompts.filter((p) => p.promptId !== promptId) }))
      await getApi().provideSecret({ promptId, ...answer })
    },

    async secretDeclined(promptId) {
      set((state) => ({ secretPrompts: state.secretPrompts.filter((p) => p.promptId !== promptId) }))
      await getApi().provideSecret({ promptId })
    },

    async sshImportRequested() {
      set({ sshImport: { state: 'loading' } })
      const result = await getApi().importSshConfig({})
      set({
        sshImport: result.ok
          ? { state: 'open', path: result.value.path, candidates: result.value.candidates }
          : { state: 'failed', error: result.error },
      })
    },

    sshImportClosed() {
      set({ sshImport: { state: 'closed' } })
    },

    async sshCandidatesChosen(candidates) {
      const profile = get().profile
      if (!profile) return
      let servers = profile.servers
      for (const candidate of candidates) {
        const role: ServerRole =
          profile.topology === 'single'
            ? 'combined'
            : servers.some((s) => s.role === 'network')
              ? 'ml'
              : 'network'
        const server: Server = {
          id: crypto.randomUUID(),
          name: candidate.alias,
          address: candidate.address,
          port: candidate.port,
          user: candidate.user ?? '',
          auth: candidate.keyPath ? 'key' : 'agent',
          role,
          ...(candidate.keyPath ? { keyPath: candidate.keyPath } : {}),
        }
        await get().serverAdded(server)
        servers = [...servers, server]
      }
      set({ sshImport: { state: 'closed' } })
    },
  }
}
