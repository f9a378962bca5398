import { z } from 'zod'
import { op } from '../op'
import { CHECK_IDS, PATH_STATES, modelRequirementSchema } from '../checks'
import type { MlNodeSettings } from '../deployment'
import { profileSchema, SERVER_ROLES, type ServerRole } from '../profile'

const profileId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)

const factValue = z.union([z.string().max(4096), z.number(), z.boolean(), z.null()])
const pathSchema = z.object({
  from: z.string().max(64),
  to: z.string().max(64),
  port: z.number().int(),
  state: z.enum(PATH_STATES),
  outcome: z.string().max(200),
  listener: z.enum(['existing', 'temporary', 'none']),
})

/** The parts of the last check results the configuration reads (facts and tested paths). */
export const checkFactsInputSchema = z
  .object({
    results: z
      .array(
        z.object({
          checkId: z.enum(CHECK_IDS),
          serverId: z.string().max(64),
          facts: z.record(z.string().max(100), factValue).optional(),
          paths: z.array(pathSchema).max(256).optional(),
        }),
      )
      .max(2000),
    paths: z.array(pathSchema).max(1000).optional(),
  })
  .strict()

/** Input of `previewConfig` and `recommendMlNodeSettings`: a profile (inline or stored) and what steps 2/5 found. */
const configInput = z
  .object({
    profileId: profileId.optional(),
    profile: profileSchema.optional(),
    /** The last check results (steps 2 and 5), when there are any. */
    checks: checkFactsInputSchema.optional(),
    /** The chosen models' requirements (the list the user saw in step 2). */
    models: z.array(modelRequirementSchema).max(64).optional(),
    /** The network server's address as the ML servers reach it, when it differs from its SSH address. */
    networkPrivateAddress: z.string().max(253).optional(),
  })
  .strict()
  .refine((v) => (v.profileId === undefined) !== (v.profile === undefined), {
    message: 'Give either profileId or profile.',
  })

/** One derived value as the UI shows it (secrets masked). */
export interface ConfigDerivedView {
  readonly name: string
  readonly value: string
  readonly source: { readonly key: string; readonly params?: Record<string, string> }
}

/** One problem: the field, an i18n key under `config.validation.*`, and its values. */
export interface ConfigProblemView {
  readonly field: string
  readonly key: string
  readonly params?: Record<string, string>
}

/** One variable of a server's config.env as the catalogue describes it. */
export interface ConfigVariableView {
  readonly name: string
  /** The value in the preview (secrets masked). */
  readonly value: string
  /** `app`: set by the app; `keep`: upstream default to keep; `optional`: the user's choice. */
  readonly owner: 'app' | 'keep' | 'optional' | 'unknown'
  /** i18n keys of the label and help (`config.vars.<NAME>.label|help`), when the catalogue knows it. */
  readonly labelKey?: string
  readonly helpKey?: string
  /** Catalogue validation of the value (i18n key), when it fails. */
  readonly problemKey?: string
  readonly secret: boolean
}

/** The preview of one server's config.env. */
export interface ServerConfigPreview {
  readonly serverId: string
  readonly serverName: string
  readonly role: ServerRole
  /** The file as it would be written, secrets masked (based on the upstream template until the server's own file is read). */
  readonly maskedText: string
  readonly derived: ConfigDerivedView[]
  readonly problems: ConfigProblemView[]
  readonly variables: ConfigVariableView[]
  /** The single-machine node-config.json, or the entries step 7 registers on a split deployment. */
  readonly nodeConfig?: string
}

/** Output of `previewConfig`. */
export interface ConfigPreview {
  /** Problems of the settings themselves (field → key under `config.validation.*`). */
  readonly settingsProblems: ConfigProblemView[]
  readonly servers: ServerConfigPreview[]
  /** Whether a keyring password is held for this profile in this session (never the password). */
  readonly keyringPasswordHeld: boolean
  /** The derived callback URL (the value the network server gets), when it could be derived. */
  readonly callbackUrl?: string
}

/** Layout advice of one model on one server. */
export interface LayoutAdviceView {
  readonly fits: boolean
  readonly tensorParallel: number
  readonly pipelineParallel: number
  readonly instances: number
  readonly key: string
  readonly params: Record<string, string>
}

/** Output of `recommendMlNodeSettings`: per GPU server, the recommended settings and why. */
export interface MlNodeRecommendations {
  readonly servers: Array<{
    readonly serverId: string
    readonly serverName: string
    readonly settings: MlNodeSettings
    readonly mandatoryArgs: Record<string, string[]>
    readonly advice: Record<string, LayoutAdviceView>
    readonly gpus?: { readonly count: number; readonly totalGb: number; readonly names?: string }
  }>
}

/** Step 4 (Configuration): preview, recommendations, the session's keyring password. */
export const configOps = {
  /** Derived values, problems and a masked config.env preview per server, for a profile and the last check facts. */
  previewConfig: op<ConfigPreview>()(configInput),
  /** Recommended ML node settings per GPU server from the chosen models and the GPUs step 2 found. */
  recommendMlNodeSettings: op<MlNodeRecommendations>()(configInput),
  /**
   * Holds the keyring password for this session in the service's memory (never in the profile, never
   * echoed back). INVALID_INPUT (field `keyringPassword`) when it is too short or has control characters.
   * With `keep` it is also kept in the secret store (`keyring-password:<profileId>`; PASSPHRASE_REQUIRED
   * when the passphrase-sealed store is locked), so later sessions find it without asking again.
   */
  holdKeyringPassword: op<{ held: true; kept?: boolean }>()(
    z.object({ profileId, password: z.string().max(10_000), keep: z.boolean().optional() }).strict(),
  ),
  /** Forgets the session's keyring password of a profile. */
  forgetKeyringPassword: op<{ held: false }>()(z.object({ profileId }).strict()),
} as const

/** Roles that run an ML node. */
export const GPU_ROLES: readonly ServerRole[] = SERVER_ROLES.filter((r) => r !== 'network')
