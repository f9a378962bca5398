import { z } from 'zod'
import { SEED_URL_MAX, profileSchema, type ServerRole } from './profile'
import type { ErrorCode } from './result'

/**
 * Every check the app runs, host checks first, then network checks. The set is closed so the UI and a
 * locale test can prove each one has a title, an explanation and a fix text in every language.
 */
export const CHECK_IDS = [
  'ssh.connect',
  'os.platform',
  'cpu.cores',
  'memory.total',
  'disk.free',
  'disk.ssd',
  'docker.engine',
  'docker.access',
  'docker.compose',
  'tools.git',
  'tools.curl',
  'clock.sync',
  'ports.free',
  'gpu.driver',
  'gpu.cuda',
  'gpu.vram',
  'gpu.toolkit',
  'hf.cache',
  'firewall.state',
  'firewall.docker-bypass',
  'net.callback',
  'net.inference',
  'net.poc',
  'outside.public',
  'outside.private',
] as const
/** One of {@link CHECK_IDS}. */
export type CheckId = (typeof CHECK_IDS)[number]

/** pass = fine; warn = works but below a recommendation; fail = blocks the deployment; skip = not run (why in message). */
export const CHECK_STATUSES = ['pass', 'warn', 'fail', 'skip'] as const
/** One of {@link CHECK_STATUSES}. */
export type CheckStatus = (typeof CHECK_STATUSES)[number]

/** How bad a failing check is: `required` fails block the step, `recommended` ones only warn. */
export type CheckSeverity = 'required' | 'recommended'

/** Where the check runs: on the host (inside the probe), between hosts, or from this computer. */
export type CheckScope = 'host' | 'between-hosts' | 'from-desktop'

/**
 * The state of one connection (an arrow in the topology picture). For private ports seen from this
 * computer: `exposed` = a real service answered; `would-be-exposed` = only our temporary listener
 * answered, so nothing blocks the port yet (before deployment nothing runs there).
 */
export const PATH_STATES = [
  'reachable',
  'blocked',
  'not-listening',
  'exposed',
  'would-be-exposed',
  'closed',
  'unknown',
] as const
/** One of {@link PATH_STATES}. */
export type PathState = (typeof PATH_STATES)[number]

/** One tested connection: from a host (or `desktop`) to a host's port. */
export interface PathResult {
  /** Server id of the source, or `desktop` for this computer. */
  readonly from: string
  /** Server id of the target. */
  readonly to: string
  readonly port: number
  readonly state: PathState
  /** Raw outcome of the connect: open, refused, timeout, unreachable, error. */
  readonly outcome: string
  /** Whether something (ours or theirs) listened on the target port during the test. */
  readonly listener: 'existing' | 'temporary' | 'none'
}

/** The fix of a failed check: a command to copy and/or an action the UI offers as a button. */
export interface CheckFix {
  /** i18n key of the sentence that explains the fix (under `checks.<id>.fix`). */
  readonly key: string
  /** English text of the fix (CLI, logs). */
  readonly text: string
  /** Shell commands to copy, one per line, already filled in for this host. */
  readonly command?: string
  /** A UI action id, e.g. `recheck`, `open-docs`. */
  readonly action?: string
}

/** The outcome of one check on one host. Plain data: sent as a progress event and returned at the end. */
export interface CheckResult {
  readonly checkId: CheckId
  /** Server id the result belongs to (for path checks: the ML host, or the network host for outside checks). */
  readonly serverId: string
  /** Display name of that server. */
  readonly serverName: string
  readonly status: CheckStatus
  /** i18n key of the message (`checks.<id>.msg.<variant>`) and its values. */
  readonly messageKey: string
  readonly messageValues: Readonly<Record<string, string | number>>
  /** The English message (CLI, logs). */
  readonly message: string
  /** Present when the status is warn or fail. */
  readonly fix?: CheckFix
  /** Measured facts behind the result (e.g. `{ totalGb: 80 }`), for the details pane. */
  readonly facts?: Readonly<Record<string, string | number | boolean | null>>
  /** For network checks: the connections tested. */
  readonly paths?: readonly PathResult[]
}

/** One entry of the check catalogue as the UI needs it. */
export interface CheckCatalogueEntry {
  readonly id: CheckId
  readonly roles: readonly ServerRole[]
  readonly severity: CheckSeverity
  readonly scope: CheckScope
  /** i18n keys: `checks.<id>.title`, `checks.<id>.why`. */
  readonly titleKey: string
  readonly whyKey: string
  /** What the probe looks at (English, for the details pane and docs). */
  readonly probes: string
  /** The rule in one English sentence. */
  readonly rule: string
  readonly docUrl: string
  /** Check ids that must pass for this one to be meaningful (e.g. docker.access needs docker.engine). */
  readonly dependsOn?: readonly CheckId[]
}

/** What a model needs from one ML node: total VRAM and disk for the weights. */
export const modelRequirementSchema = z.object({
  id: z.string().min(1).max(200),
  /** Minimum total GPU memory per ML node, in GB. */
  vramGb: z.number().positive().max(100_000),
  /** Disk the weights take in the HF cache, in GB (optional). */
  weightsGb: z.number().positive().max(100_000).optional(),
  /** The network's mandatory vLLM arguments for this model (governance `model_args`), when known. */
  modelArgs: z.array(z.string().max(1000)).max(200).optional(),
})
/** What a model needs from one ML node: total VRAM and disk for the weights. */
export type ModelRequirement = z.infer<typeof modelRequirementSchema>

/** Optional per-run paths and settings; defaults match the Gonka docs. */
export const checkSettingsSchema = z.object({
  /** Where the deployment files and chain data live on the network node (default `~/gonka`). */
  deployDir: z.string().max(4096).optional(),
  /** HF_HOME on ML nodes (default: the host's `$HF_HOME`, else `/mnt/shared`). */
  hfHome: z.string().max(4096).optional(),
  /** Image used to test `docker run --gpus` (only when already present on the host; never pulled). */
  gpuTestImage: z.string().max(300).optional(),
  /** Skip the from-desktop probes (e.g. when this computer is inside the hosts' private network). */
  skipOutside: z.boolean().optional(),
  /**
   * Where this computer is: `inside` the servers' network (same LAN, VPC or VPN), `outside` it (the
   * internet), or `auto` (default): decided per server by comparing its address with this computer's
   * interfaces. The outside-in verdicts are worded for it.
   */
  desktopLocation: z.enum(['auto', 'inside', 'outside']).optional(),
})
/** See {@link checkSettingsSchema}. */
export type CheckSettings = z.infer<typeof checkSettingsSchema>

/** Input of `runChecks`: a stored profile (by id) or a profile given inline, plus the model choice. */
export const runChecksInputSchema = z
  .object({
    profileId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/)
      .optional(),
    profile: profileSchema.optional(),
    /** Model ids the ML nodes will serve; resolved against `models`, else the offline fallback list. */
    modelIds: z.array(z.string().min(1).max(200)).max(16).optional(),
    /** Requirements from the network's governance list (`GET <seed>/v1/governance/models`). */
    models: z.array(modelRequirementSchema).max(64).optional(),
    /**
     * The seed node's public API: when `modelIds` are given without `models`, the governance list is
     * read from here first (the offline list when it cannot be read).
     */
    seedApiUrl: z.string().max(SEED_URL_MAX).optional(),
    /** Re-run only these checks (all when absent). */
    checkIds: z.array(z.enum(CHECK_IDS)).max(CHECK_IDS.length).optional(),
    /** Only these servers (all when absent). */
    serverIds: z.array(z.string().min(1).max(64)).max(64).optional(),
    settings: checkSettingsSchema.optional(),
  })
  .strict()
  .refine((v) => (v.profileId === undefined) !== (v.profile === undefined), {
    message: 'Give either profileId or profile.',
  })
/** See {@link runChecksInputSchema}. */
export type RunChecksInput = z.infer<typeof runChecksInputSchema>

/** Input of `getNetworkModels`: the seed to read the governance model list from (none: offline list). */
export const getNetworkModelsInputSchema = z
  .object({ seedApiUrl: z.string().max(SEED_URL_MAX).optional() })
  .strict()

/** Why the network's list could not be used (the UI words each one); `url` = the seed URL is not valid. */
export const NETWORK_MODELS_FAILURES = [
  'url',
  'network',
  'timeout',
  'http',
  'json',
  'shape',
  'empty',
] as const
/** One of {@link NETWORK_MODELS_FAILURES}. */
export type NetworkModelsFailure = (typeof NETWORK_MODELS_FAILURES)[number]

/**
 * Output of `getNetworkModels`: the seed's governance list, or the dated offline list with why the
 * seed's could not be used. Reading the seed failing is an answer, not an error.
 */
export interface NetworkModels {
  readonly source: 'network' | 'offline'
  /** network: when the list was read (ISO time); offline: the date the offline list was checked. */
  readonly asOf: string
  /** The seed that was asked (as given, trimmed); absent when none was given. */
  readonly seedApiUrl?: string
  readonly models: ModelRequirement[]
  /** Why the seed's list is not used (English, with the hint), when a seed was given. */
  readonly error?: string
  readonly errorCode?: ErrorCode
  readonly errorReason?: NetworkModelsFailure
  /** HTTP status for `errorReason: 'http'`. */
  readonly errorStatus?: number
  /** Network records that could not be used (`id: why`). */
  readonly skipped?: string[]
}

/** How one host's part of the run ended. */
export interface HostRunSummary {
  readonly serverId: string
  readonly serverName: string
  readonly role: ServerRole
  readonly counts: Readonly<Record<CheckStatus, number>>
  /** Set when the host could not be probed at all (also reported as an `ssh.connect` result). */
  readonly error?: string
}

/** Output of `runChecks`: every result, per-host summaries, and whether anything failed. */
export interface RunChecksOutput {
  readonly results: readonly CheckResult[]
  readonly hosts: readonly HostRunSummary[]
  readonly paths: readonly PathResult[]
  readonly failed: boolean
  /**
   * Where the model requirements came from: the caller's list, the seed's governance list read for this
   * run, the dated offline list, or nowhere (no model chosen).
   */
  readonly modelSource: 'input' | 'network' | 'offline' | 'none'
  readonly startedAt: string
  readonly finishedAt: string
}

/**
 * The `data` of `runChecks` progress events. `stepId` is the server id (or `network`), `kind` is
 * `start` when a host's probe starts, `result` for each finished check, `done` when a host is finished.
 */
export type CheckProgressData =
  | { readonly type: 'host-start'; readonly serverId: string; readonly checkIds: readonly CheckId[] }
  | { readonly type: 'result'; readonly result: CheckResult }
  | { readonly type: 'host-done'; readonly summary: HostRunSummary }
  | { readonly type: 'paths'; readonly paths: readonly PathResult[] }
