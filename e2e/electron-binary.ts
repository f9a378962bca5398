import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createRequire } from 'node:module'

/**
 * Finds an installed Electron binary without `require('electron')` (which would start a download).
 * Honours ELECTRON_EXEC_PATH; otherwise reads node_modules/electron/path.txt.
 */
export function findElectronBinary(): string | undefined {
  const fromEnv = process.env.ELECTRON_EXEC_PATH
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined
  try {
    const dir = dirname(createRequire(__filename).resolve('electron/package.json'))
    const pathFile = join(dir, 'path.txt')
    if (!existsSync(pathFile)) return undefined
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}
