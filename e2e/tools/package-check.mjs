// `npm run package:check`: validates electron-builder.yml and the package layout offline, as far as
// this machine allows. The Electron binary and the AppImage/deb/dmg/nsis tools cannot be downloaded
// here, so we build the unpacked Linux app against a stub Electron and inspect the asar. The stub
// carries a fuse wire like a real Electron binary's (sentinel, version, length, one byte per fuse, in
// Electron's default states), so electron-builder flips the fuses in it as it would in the real one,
// and we read them back.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

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

// Fuse wire V1 (@electron/fuses): '1' enabled, '0' disabled, in this order.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const FUSES = [
  ['runAsNode', '1'],
  ['enableCookieEncryption', '0'],
  ['enableNodeOptionsEnvironmentVariable', '1'],
  ['enableNodeCliInspectArguments', '1'],
  ['enableEmbeddedAsarIntegrityValidation', '0'],
  ['onlyLoadAppFromAsar', '0'],
  ['loadBrowserProcessSpecificV8Snapshot', '0'],
  ['grantFileProtocolExtraPrivileges', '1'],
]
// What the app requires (electron-builder.yml `electronFuses`); the rest keep Electron's defaults.
const REQUIRED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
}

/** The fuses of an Electron binary, by name: true when enabled. */
function readFuses(binary) {
  const bytes = readFileSync(binary)
  const at = bytes.indexOf(SENTINEL)
  if (at === -1) return undefined
  const wire = at + SENTINEL.length
  const length = bytes[wire + 1]
  return Object.fromEntries(
    FUSES.slice(0, length).map(([name], i) => [name, String.fromCharCode(bytes[wire + 2 + i]) === '1']),
  )
}

function fuseProblems(source, fuses) {
  if (!fuses) return [`${source}: no Electron fuses found`]
  return Object.entries(REQUIRED_FUSES)
    .filter(([name, wanted]) => fuses[name] !== wanted)
    .map(([name, wanted]) => `${source}: fuse ${name} is ${fuses[name]}, must be ${wanted}`)
}

const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8'))
const configProblems = fuseProblems('electron-builder.yml electronFuses', config.electronFuses ?? undefined)
if (configProblems.length > 0) {
  process.stderr.write(configProblems.join('\n') + '\n')
  process.exit(1)
}

mkdirSync(stub, { recursive: true })
const wire = Buffer.concat([
  Buffer.from(SENTINEL, 'latin1'),
  Buffer.from([1, FUSES.length]),
  Buffer.from(FUSES.map(([, state]) => state).join(''), 'latin1'),
])
writeFileSync(
  join(stub, 'electron'),
  Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stub electron: not runnable" >&2\nexit 1\n# '),
    wire,
    Buffer.from('\n'),
  ]),
)
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
const binary = join(output, 'linux-unpacked', config.linux?.executableName ?? 'electron')
const problems = [
  ...fuseProblems(`packaged binary ${binary}`, existsSync(binary) ? readFuses(binary) : undefined),
  ...missing.map((m) => `missing in app.asar: ${m}`),
  ...natives.map((n) => `native addon packed (should be denied at install): ${n}`),
  ...(existsSync(probe) ? [] : ['resources/probe was not copied beside the app']),
]
if (problems.length > 0) {
  process.stderr.write(problems.join('\n') + '\n')
  process.exit(1)
}
process.stdout.write(
  `package:check passed: electron-builder.yml is valid, the packaged binary's fuses are flipped (no RunAsNode, NODE_OPTIONS or --inspect; cookie encryption, ASAR integrity, only app.asar), app.asar has main, preload and renderer, no native addons, probe scripts beside it.\n` +
    `Installers (AppImage, deb, dmg, nsis) need a networked machine with the Electron binary: npm run package.\n`,
)
