// Test support: the application service over a fresh temporary data folder, removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger } from '../core/log'
import { createService, type AppService } from '../core/service'

/** A service (version 9.9.9, runtime cli, quiet log) with its data and home in one temporary folder. */
export async function startTempService(
  prefix: string,
): Promise<{ service: AppService; dir: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  const service = createService(
    { dataDir: dir, appName: 'Test', appVersion: '9.9.9', platform: 'linux', runtime: 'cli', homeDir: dir },
    { logger: createLogger('error', () => undefined) },
  )
  return {
    service,
    dir,
    stop: async () => {
      await service.dispose()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
