import { z } from 'zod'
import type { I18nText } from './deploy'

/** The cold key's name upstream's quickstart uses (`inferenced keys add gonka-account-key`). */
export const DEFAULT_COLD_KEY_NAME = 'gonka-account-key'

/**
 * The 20 message types `grant-ml-ops-permissions` grants the warm key (upstream
 * `inference-chain/x/inference/permissions.go`, reference gonka-deploy.md §2.5).
 */
export const ML_OPS_PERMISSIONS = [
  '/inference.inference.MsgStartInference',
  '/inference.inference.MsgFinishInference',
  '/inference.inference.MsgClaimRewards',
  '/inference.inference.MsgValidation',
  '/inference.inference.MsgSubmitPocBatch',
  '/inference.inference.MsgSubmitPocValidationsV2',
  '/inference.inference.MsgPoCV2StoreCommit',
  '/inference.inference.MsgMLNodeWeightDistribution',
  '/inference.inference.MsgSubmitSeed',
  '/inference.inference.MsgBridgeExchange',
  '/inference.inference.MsgSubmitNewUnfundedParticipant',
  '/inference.inference.MsgSubmitHardwareDiff',
  '/inference.inference.MsgInvalidateInference',
  '/inference.inference.MsgRevalidateInference',
  '/inference.bls.MsgSubmitDealerPart',
  '/inference.bls.MsgSubmitVerificationVector',
  '/inference.bls.MsgRespondDealerComplaints',
  '/inference.bls.MsgRequestThresholdSignature',
  '/inference.bls.MsgSubmitPartialSignature',
  '/inference.bls.MsgSubmitGroupKeyValidationSignature',
] as const

/** A grant that expires within this many days is named as expiring (as upstream's setup report does). */
export const EXPIRING_DAYS = 7

/** The warm key on the network server (`.inference/keyring-file/`). */
export interface WarmKeyView {
  /** `missing`: no key yet; `present`: KEY_NAME is there (reused); `other`: only other keys are there. */
  readonly state: 'missing' | 'present' | 'other' | 'unknown'
  readonly keyName: string
  /** The warm key's address, when it could be read. */
  readonly address?: string
  /** Every key in the keyring (names; addresses when they could be read). */
  readonly keys: ReadonlyArray<{ readonly name: string; readonly address?: string }>
  readonly reason?: string
}

/** A dated backup of the keyring and `.tmkms/` kept on the network server. */
export interface KeysBackup {
  readonly name: string
  readonly path: string
  readonly createdAt: string
  readonly bytes: number
}

/** The cold account's participant record as the seed shows it. */
export interface RegistrationView {
  readonly state: 'registered' | 'not-found' | 'unknown'
  readonly address?: string
  readonly url?: string
  readonly status?: string
  readonly reason?: string
}

/** What the chain shows of the cold key's grants to the warm key. */
export interface GrantsView {
  readonly granter: string
  readonly grantee: string
  readonly granted: readonly string[]
  readonly missing: readonly string[]
  readonly expiring: ReadonlyArray<{ readonly msg: string; readonly expiration: string }>
  readonly feeAllowance: 'present' | 'missing' | 'expiring'
  readonly feeAllowanceExpiration?: string
  /** Every permission granted (none expiring) and a fee allowance present. */
  readonly complete: boolean
}

/** The server side of step 3 at a glance. */
export interface ServerKeysStatus {
  readonly networkServerId: string
  readonly warm: WarmKeyView
  readonly backups: readonly KeysBackup[]
  readonly account?: { readonly address: string; readonly pubkey: string }
  readonly registration: RegistrationView
  readonly grants?: GrantsView
  readonly grantsError?: string
  /** The exact command to run on the secure machine that holds the cold key (filled in when known). */
  readonly grantCommand?: string
  /** False until the grants are seen on chain; `why` says what is missing (texts `deploy.keys.*`). */
  readonly canServe: boolean
  readonly cannotServeWhy: readonly I18nText[]
}

const profileId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)

/** Input of planServerKeys. */
export const planServerKeysInputSchema = z
  .object({
    profileId,
    /** Which steps to plan (default all, in this order): backup, warm key, registration. */
    steps: z
      .array(z.enum(['backup', 'warm', 'register']))
      .min(1)
      .max(3)
      .optional(),
    /** Seconds to wait for the participant to appear after registering (default 180). */
    registerWaitSeconds: z.number().int().min(1).max(3600).optional(),
  })
  .strict()

/** Input of getServerKeysStatus / waitForRegistration / waitForGrants. */
export const serverKeysStatusInputSchema = z
  .object({
    profileId,
    /** Name of the cold key in the secure machine's keyring (for the grant command). */
    coldKeyName: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/)
      .optional(),
    /** For the wait operations: seconds before giving up (default 600). */
    timeoutSeconds: z.number().int().min(1).max(86_400).optional(),
    /** For the wait operations: seconds between polls (default 5). */
    intervalSeconds: z.number().min(0.2).max(600).optional(),
  })
  .strict()

/** Input of downloadKeysBackup. */
export const downloadKeysBackupInputSchema = z
  .object({
    profileId,
    /** The backup's name (default: the newest). */
    name: z
      .string()
      .regex(/^keys-[0-9TZ]+\.tar\.gz$/)
      .optional(),
    /** Local folder or file path to save to (default: the data folder's backups/). */
    to: z.string().min(1).max(4096).optional(),
    /** Refuse (CONFLICT, nothing written) when the file exists already, instead of replacing it. */
    exclusive: z.boolean().optional(),
  })
  .strict()
