import { randomBytes, randomInt } from 'node:crypto'
import { AppFailure } from '../errors'
import type { Handlers } from '../handler-types'
import { ceremonyStep, holdsWords, MAX_ATTEMPTS, startCeremony, type CeremonyState } from '../gonka/ceremony'
import { accountFromMnemonic, accountFromPubkey, createMnemonic, KeyInputError } from '../gonka/keys'
import type { SecretStore } from '../secrets/secret-store'
import type { ProfileStore } from '../storage/profile-store'
import { deploymentSettingsSchema } from '../../shared/deployment'
import type { AccountKeyResult } from '../../shared/ops/keys'

/** A ceremony left open this long is dropped with its words. */
const CEREMONY_TTL_MS = 30 * 60_000

type KeyOp =
  | 'createAccountKey'
  | 'confirmAccountKey'
  | 'cancelAccountKey'
  | 'importAccountKey'
  | 'getSecretsStatus'
  | 'unlockSecrets'
  | 'forgetAllSecrets'

/**
 * Runs `fn`; anything but an expected failure becomes a generic INTERNAL error with no message or
 * cause attached, so a library error that might quote the words never reaches a log or a caller.
 */
async function guarded<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof AppFailure) throw error
    if (error instanceof KeyInputError) {
      throw new AppFailure('INVALID_INPUT', error.message, {
        fields: { key: `keys.problem.${error.problem}` },
      })
    }
    throw new AppFailure('INTERNAL', 'The key operation failed inside the app.')
  }
}

/** Handlers for the account key on this computer and for the secret store. */
export function createKeyHandlers(deps: {
  secrets: SecretStore
  profiles: ProfileStore
  /** Drops the SSH passwords and passphrases held in memory; returns how many. */
  forgetSessionSecrets: () => number
}): {
  handlers: Handlers<KeyOp>
  dispose: () => void
} {
  const { secrets } = deps
  const ceremonies = new Map<string, { state: CeremonyState; timer: NodeJS.Timeout }>()

  const drop = (id: string): void => {
    const entry = ceremonies.get(id)
    if (entry) clearTimeout(entry.timer)
    ceremonies.delete(id)
  }

  const requireStoreReady = async (): Promise<void> => {
    const status = await secrets.list()
    if (status.ready) return
    if (status.needsPassphrase) {
      throw new AppFailure('PASSPHRASE_REQUIRED', 'Give the secrets passphrase before keeping the words.', {
        retryable: true,
      })
    }
    throw new AppFailure('UNSUPPORTED', status.reason ?? 'Secrets cannot be kept on this computer.')
  }

  /** Writes the public key into the profile's deployment settings (only the public key, never words). */
  const saveToProfile = async (
    result: AccountKeyResult,
    id: string | undefined,
  ): Promise<AccountKeyResult> => {
    if (id === undefined) return result
    // The key is already made and its words may be gone: a profile that cannot be written must not
    // lose it, so the key is returned without `savedTo` and the caller shows it to copy.
    try {
      const profile = await deps.profiles.load(id)
      const deployment = deploymentSettingsSchema.parse({
        ...(profile.deployment ?? {}),
        accountPubkey: result.pubkey,
      })
      await deps.profiles.save({ ...profile, deployment })
      return { ...result, savedTo: id }
    } catch {
      return result
    }
  }

  const fieldError = (field: 'mnemonic' | 'pubkey', error: unknown): never => {
    if (error instanceof KeyInputError) {
      throw new AppFailure('INVALID_INPUT', error.message, {
        fields: { [field]: `keys.problem.${error.problem}` },
      })
    }
    throw error
  }

  const handlers: Handlers<KeyOp> = {
    createAccountKey: () =>
      guarded(() => {
        const mnemonic = createMnemonic()
        const account = accountFromMnemonic(mnemonic)
        const state = startCeremony(mnemonic, account, (max) => randomInt(max))
        if (state.phase !== 'showing') throw new AppFailure('INTERNAL', 'The key ceremony did not start.')
        const id = randomBytes(16).toString('hex')
        const timer = setTimeout(() => drop(id), CEREMONY_TTL_MS)
        timer.unref()
        ceremonies.set(id, { state, timer })
        return {
          ceremonyId: id,
          words: state.words,
          address: account.address,
          pubkey: account.pubkey,
          checkPositions: state.positions,
        }
      }),

    confirmAccountKey: ({ ceremonyId, answers, keep, profileId }) =>
      guarded(async () => {
        const entry = ceremonies.get(ceremonyId)
        if (!entry) {
          throw new AppFailure(
            'NOT_FOUND',
            'This key ceremony has ended; its words are gone. Make a new key.',
          )
        }
        if (keep) await requireStoreReady()
        let state = entry.state
        const words = holdsWords(state) && 'words' in state ? state.words : []
        if (state.phase === 'showing') state = ceremonyStep(state, { type: 'words-noted' })
        state = ceremonyStep(state, {
          type: 'answer',
          answers: new Map(answers.map((a) => [a.position, a.word])),
        })
        if (state.phase === 'checking') {
          entry.state = state
          const fields = Object.fromEntries(state.wrong.map((p) => [`answers.${p}`, 'keys.wrongWord']))
          throw new AppFailure(
            'INVALID_INPUT',
            `The word at position ${state.wrong.join(', ')} does not match.`,
            { fields, details: { attemptsLeft: MAX_ATTEMPTS - state.attempts } },
          )
        }
        drop(ceremonyId)
        if (state.phase === 'abandoned') {
          throw new AppFailure('NOT_FOUND', 'Too many wrong words: these words are gone. Make a new key.', {
            details: { reason: state.why },
          })
        }
        if (state.phase !== 'confirmed')
          throw new AppFailure('INTERNAL', 'The key ceremony is in a wrong state.')
        if (keep) await secrets.set(`mnemonic:${state.account.address}`, words.join(' '))
        return saveToProfile({ ...state.account, kept: keep }, profileId)
      }),

    cancelAccountKey: ({ ceremonyId }) => {
      const had = ceremonies.has(ceremonyId)
      drop(ceremonyId)
      return Promise.resolve({ cancelled: had })
    },

    importAccountKey: ({ mnemonic, pubkey, keep, profileId }) =>
      guarded(async () => {
        if (pubkey !== undefined) {
          if (keep)
            throw new AppFailure('INVALID_INPUT', 'Only words can be kept; a public key is not a secret.')
          try {
            const account = accountFromPubkey(pubkey)
            return saveToProfile({ ...account, kept: false }, profileId)
          } catch (error) {
            return fieldError('pubkey', error)
          }
        }
        let account
        try {
          account = accountFromMnemonic(mnemonic ?? '')
        } catch (error) {
          return fieldError('mnemonic', error)
        }
        if (keep) {
          await requireStoreReady()
          await secrets.set(
            `mnemonic:${account.address}`,
            (mnemonic ?? '').trim().split(/\s+/u).join(' ').toLowerCase(),
          )
        }
        return saveToProfile({ ...account, kept: keep }, profileId)
      }),

    getSecretsStatus: () => secrets.list(),

    unlockSecrets: async ({ passphrase }) => {
      await secrets.unlock(passphrase)
      return secrets.list()
    },

    forgetAllSecrets: async () => {
      const { forgotten, hadFile } = await secrets.forgetAll()
      return { stored: forgotten, hadFile, session: deps.forgetSessionSecrets() }
    },
  }

  return {
    handlers,
    dispose: () => {
      for (const id of [...ceremonies.keys()]) drop(id)
    },
  }
}
