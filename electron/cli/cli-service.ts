// Minimal stand-in for the CLI seam the `cli-core` work adds (same signature): commands open the
// application service here and resolve --profile here. Replaced by that version when it lands on main.
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { profileSchema, type Profile } from '../shared/profile'
import { createLogger } from '../core/log'
import { createService, type AppService } from '../core/service'
import { CliUsageError, type CliIo } from './io'

/** What every CLI command works through: the application service over the app's data folder. */
export interface CliService {
  readonly service: AppService
  /** `--profile ARG`: a saved profile id, or a profile FILE (a path with a slash or ending in .json). */
  resolveProfile(arg: string): Promise<Profile>
  /** Cancels what is running and closes connections. */
  close(): Promise<void>
}

/** Opens the application service for a CLI command (data folder: `GHW_USER_DATA_DIR`, else ~/.config). */
export async function openCliService(io: CliIo): Promise<CliService> {
  const home = io.env.HOME !== undefined && io.env.HOME !== '' ? io.env.HOME : homedir()
  const dataDir = io.env.GHW_USER_DATA_DIR ?? join(home, '.config', 'gonka-host-wizard')
  const service = createService(
    {
      dataDir,
      appName: 'Gonka Host Wizard',
      appVersion: '0.1.0',
      platform: process.platform,
      runtime: 'cli',
      homeDir: home,
    },
    { logger: createLogger('warn', (line) => io.err(line)) },
  )
  return Promise.resolve({
    service,
    async resolveProfile(arg) {
      if (arg.includes('/') || arg.endsWith('.json')) {
        try {
          return profileSchema.parse(JSON.parse(await readFile(resolve(arg), 'utf8')))
        } catch {
          throw new CliUsageError(`${arg} is not a readable profile file.`)
        }
      }
      const loaded = await service.invoke('loadProfile', { id: arg })
      if (!loaded.ok) throw new CliUsageError(`No saved profile "${arg}": ${loaded.error.message}`)
      return loaded.value
    },
    close: () => service.dispose(),
  })
}
