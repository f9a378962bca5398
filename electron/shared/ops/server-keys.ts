import { op } from '../op'
import type { DeployPlan } from '../deploy'
import {
  downloadKeysBackupInputSchema,
  planServerKeysInputSchema,
  serverKeysStatusInputSchema,
  type ServerKeysStatus,
} from '../server-keys'

/** Step 3 on the network server: backup, warm key, registration, grants. */
export const serverKeyOps = {
  /**
   * Plans, through the deploy engine, the server side of step 3 on the network server: a dated backup
   * of `.inference/keyring-file/` and `.tmkms/` (sudo), the warm key made once in the api container
   * (an existing KEY_NAME is reused; another existing key blocks, never replaced), and the registration
   * (`register-new-participant`, confirmed only when the seed shows the participant). Apply with applyPlan.
   */
  planServerKeys: op<DeployPlan>()(planServerKeysInputSchema, { long: true }),
  /**
   * Reads everything at once (nothing is written): the warm key, the backups, the participant on the
   * seed, the grants and fee allowance on chain, the grant command to run with the cold key, and
   * whether the host can serve (not until the grants are seen).
   */
  getServerKeysStatus: op<ServerKeysStatus>()(serverKeysStatusInputSchema),
  /** Polls the seed until the account's participant appears; TIMEOUT (with the known causes) otherwise. */
  waitForRegistration: op<ServerKeysStatus>()(serverKeysStatusInputSchema, { long: true }),
  /** Polls the chain until every permission and the fee allowance are granted; TIMEOUT names what is missing. */
  waitForGrants: op<ServerKeysStatus>()(serverKeysStatusInputSchema, { long: true }),
  /**
   * Copies a keys backup (default the newest) from the network server to this computer (mode 0600);
   * `host` is the network server's name. With `exclusive`, an existing file is refused (CONFLICT).
   */
  downloadKeysBackup: op<{ name: string; path: string; bytes: number; host: string }>()(
    downloadKeysBackupInputSchema,
  ),
} as const
