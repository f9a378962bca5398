// `npm start`: runs the desktop app when the Electron binary is installed; otherwise serves the same
// app in browser mode on loopback (this happens on machines where Electron cannot be downloaded).
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

function electronBinary() {
  if (process.env.ELECTRON_EXEC_PATH)
    return existsSync(process.env.ELECTRON_EXEC_PATH) ? process.env.ELECTRON_EXEC_PATH : undefined
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const pathFile = join(dir, 'path.txt')
    if (!existsSync(pathFile)) return undefined
    const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
    return existsSync(bin) ? bin : undefined
  } catch {
    return undefined
  }
}

const bin = electronBinary()
const child = bin
  ? spawn(bin, ['.'], { stdio: 'inherit' })
  : spawn(process.execPath, ['--import', 'tsx', 'e2e/harness/cli.ts'], { stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 0))
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
