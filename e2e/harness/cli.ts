// Browser mode: `npm start` on a machine without the Electron binary serves the app on loopback.
import { mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { resolveUserDataDir } from '../../electron/core/storage/user-data-dir'
import { startHarness } from './server'

async function run(): Promise<void> {
  const dataDir = resolveUserDataDir(process.platform, process.env, homedir())
  mkdirSync(dataDir, { recursive: true })
  const port = Number(process.env.GHW_PORT ?? 0)
  const harness = await startHarness({
    dataDir,
    homeDir: process.env.HOME ?? dataDir,
    port,
    injectClient: true,
  })
  process.stdout.write(
    `Gonka Host Wizard is running in browser mode (no Electron binary on this machine).\n` +
      `Open this address in Chromium on this computer:\n\n  ${harness.url}#token=${harness.token}\n\n` +
      `Data folder: ${dataDir}\nPress Ctrl+C to stop.\n`,
  )
  const stop = (): void => {
    void harness.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

void run()
