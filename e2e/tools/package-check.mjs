// `npm run package:check`: validates electron-builder.yml and the package layout offline, as far as
// this machine allows. The Electron binary and the AppImage/deb/dmg/nsis tools cannot be downloaded
// here, so we build the unpacked Linux app against a stub Electron and inspect the asar.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const stub = join(root, 'node_modules', '.cache', 'electron-stub')
const output = join(root, 'dist-check')
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'

function run(args) {
  const result = spawnSync(npx, args, { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr)
    process.stderr.write(`\npackage:check failed at: npx ${args.join(' ')}\n`)
    process.exit(1)
  }
  return result.stdout
}

mkdirSync(stub, { recursive: true })
writeFileSync(join(stub, 'electron'), '#!/bin/sh\necho "stub electron: not runnable" >&2\nexit 1\n')
chmodSync(join(stub, 'electron'), 0o755)
rmSync(output, { recursive: true, force: true })

run(['electron-vite', 'build'])
run([
  'electron-builder',
  '--linux',
  'dir',
  `-c.electronDist=${stub}`,
  `-c.directories.output=${output}`,
  '--publish',
  'never',
])
const asar = join(output, 'linux-unpacked', 'resources', 'app.asar')
if (!existsSync(asar)) {
  process.stderr.write(`package:check: ${asar} was not produced\n`)
  process.exit(1)
}
const listing = run(['asar', 'list', asar]).split('\n')
const required = ['/out/main/index.js', '/out/preload/index.js', '/out/renderer/index.html', '/package.json']
const missing = required.filter((path) => !listing.includes(path))
const natives = listing.filter((path) => path.endsWith('.node'))
const probe = join(output, 'linux-unpacked', 'resources', 'probe')
const problems = [
  ...missing.map((m) => `missing in app.asar: ${m}`),
  ...natives.map((n) => `native addon packed (should be denied at install): ${n}`),
  ...(existsSync(probe) ? [] : ['resources/probe was not copied beside the app']),
]
if (problems.length > 0) {
  process.stderr.write(problems.join('\n') + '\n')
  process.exit(1)
}
process.stdout.write(
  `package:check passed: electron-builder.yml is valid, app.asar has main, preload and renderer, no native addons, probe scripts beside it.\n` +
    `Installers (AppImage, deb, dmg, nsis) need a networked machine with the Electron binary: npm run package.\n`,
)
