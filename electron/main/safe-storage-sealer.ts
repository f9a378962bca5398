import { safeStorage } from 'electron'
import type { SecretSealer } from '../core/secrets/sealer'
import { SealerError } from '../core/secrets/sealer'
import { createPassphraseSealer } from '../core/secrets/passphrase-sealer'

/**
 * Why safeStorage cannot protect secrets here, or undefined when it can. On Linux without a
 * keyring the backend is `basic_text` (a hard-coded key, effectively plain text): refused.
 */
async function keychainProblem(): Promise<string | undefined> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return 'The OS keychain is not available.'
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return 'No keyring service (GNOME Keyring or KWallet) is running, so the OS cannot protect secrets.'
  }
  return undefined
}

/** The OS keychain through Electron's async safeStorage API (the sync one is removed in Electron 46). */
function safeStorageSealer(): SecretSealer {
  return {
    kind: 'os-keychain',
    async status() {
      const reason = await keychainProblem()
      return reason === undefined
        ? { ready: true, needsPassphrase: false }
        : { ready: false, needsPassphrase: false, reason }
    },
    async seal(plaintext) {
      return new Uint8Array(await safeStorage.encryptStringAsync(plaintext))
    },
    async open(sealed) {
      try {
        const { result } = await safeStorage.decryptStringAsync(Buffer.from(sealed))
        return result
      } catch {
        throw new SealerError(
          'wrong-key',
          'The OS keychain could not open the secrets file (another user or machine).',
        )
      }
    },
  }
}

/**
 * The sealer for the desktop app: the OS keychain when it really protects secrets, else a
 * passphrase the user gives (the same file format the CLI uses). Call after app 'ready'.
 */
export async function chooseDesktopSealer(): Promise<SecretSealer> {
  return (await keychainProblem()) === undefined ? safeStorageSealer() : createPassphraseSealer()
}
