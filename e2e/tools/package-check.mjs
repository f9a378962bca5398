// `npm run package:check`: validates the installers' configuration and the packed app offline, as far
// as this machine allows, and prints one JSON report (checks passed, problems, the packed app's size)
// on stdout; exit 1 on any problem. What it checks:
//   - electron-builder.yml: Linux AppImage + deb, macOS dmg, Windows NSIS, each with its icon;
//   - icons: every size each target needs, and that they are exactly what `npm run icons` makes from
//     resources/icon.png (so they cannot drift from the source);
//   - the menu and About box texts exist in every language the app ships, with the same keys;
//   - the packed app: app.asar has main, preload, renderer, no native addons; its main bundle has
//     single-instance, the About box and the menu in every language; probe scripts beside it; fuses.
// `--skip-build` reuses out/ (npm test builds once before it). The Electron binary and the AppImage/deb/dmg/nsis tools cannot be downloaded
// here, so we build the unpacked Linux app against a stub Electron and inspect the asar. The stub
// carries a fuse wire like a real Electron binary's (sentinel, version, length, one byte per fuse, in
// Electron's default states), so electron-builder flips the fuses in it as it would in the real one,
// and we read them back.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { ICNS_SIZES, ICO_SIZES, LINUX_SIZES, makeIcons } from './icons.mjs'
import { pngSize, readIcns, readIco } from './png.mjs'

// electron-builder's own asar library (a dependency of electron-builder).
const asarLib = createRequire(import.meta.url)('@electron/asar')

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
const skipBuild = process.argv.includes('--skip-build')
const passed = []
const problems = []
/** Records a named check: passed when `found` (a list of problems) is empty. */
function check(name, found) {
  if (found.length === 0) passed.push(name)
  else problems.push(...found.map((problem) => `${name}: ${problem}`))
}
function report(size) {
  const ok = problems.length === 0
  const json = JSON.stringify({ ok, passed, problems, ...(size ? { size } : {}) }, null, 2) + '\n'
  mkdirSync(join(root, 'test-results'), { recursive: true })
  writeFileSync(join(root, 'test-results', 'package-check.json'), json)
  process.stdout.write(json)
  if (!ok) process.stderr.write(`package:check failed:\n  ${problems.join('\n  ')}\n`)
  process.exit(ok ? 0 : 1)
}

// --- electron-builder.yml: targets and icons ---------------------------------------------------------
/** The target names of a platform section (`[AppImage, deb]`, `[{ target: dmg, arch: [...] }]`). */
const targetsOf = (section) =>
  [section?.target ?? []].flat().map((t) => (typeof t === 'string' ? t : t.target))
const REQUIRED_TARGETS = { linux: ['AppImage', 'deb'], mac: ['dmg'], win: ['nsis'] }
check(
  'installer targets (Linux AppImage and deb, macOS dmg, Windows NSIS)',
  Object.entries(REQUIRED_TARGETS).flatMap(([platform, wanted]) =>
    wanted
      .filter((target) => !targetsOf(config[platform]).includes(target))
      .map((target) => `electron-builder.yml ${platform}.target lacks ${target}`),
  ),
)
check(
  'electron fuses in electron-builder.yml',
  fuseProblems('electronFuses', config.electronFuses ?? undefined),
)

const iconProblems = []
const at = (path) => join(root, path ?? '')
const linuxIcons = config.linux?.icon
if (!linuxIcons || !existsSync(at(linuxIcons)) || !statSync(at(linuxIcons)).isDirectory())
  iconProblems.push('linux.icon must name the folder of sized PNGs (resources/icons)')
else
  for (const size of LINUX_SIZES) {
    const file = join(at(linuxIcons), `${size}x${size}.png`)
    const found = existsSync(file) ? pngSize(readFileSync(file)) : undefined
    if (found?.width !== size || found?.height !== size)
      iconProblems.push(`${relative(root, file)}: missing or not ${size} × ${size}`)
  }
const ico =
  config.win?.icon && existsSync(at(config.win.icon)) ? readIco(readFileSync(at(config.win.icon))) : undefined
if (!ico) iconProblems.push(`win.icon (${config.win?.icon}) is missing or not an .ico`)
else
  for (const size of ICO_SIZES)
    if (!ico.some((image) => image.width === size && image.png?.width === size))
      iconProblems.push(`${config.win.icon} has no ${size} × ${size} image`)
for (const key of ['installerIcon', 'uninstallerIcon'])
  if (config.nsis?.[key] !== config.win?.icon) iconProblems.push(`nsis.${key} must be ${config.win?.icon}`)
const icns =
  config.mac?.icon && existsSync(at(config.mac.icon))
    ? readIcns(readFileSync(at(config.mac.icon)))
    : undefined
if (!icns) iconProblems.push(`mac.icon (${config.mac?.icon}) is missing or not an .icns`)
else
  for (const size of ICNS_SIZES)
    if (!icns.some((entry) => entry.png?.width === size))
      iconProblems.push(`${config.mac.icon} has no ${size} × ${size} image`)
for (const [path, bytes] of makeIcons())
  if (!existsSync(path) || !readFileSync(path).equals(bytes))
    iconProblems.push(`${relative(root, path)} differs from what npm run icons makes from resources/icon.png`)
check('icons at every size (Linux 16–1024 PNGs, Windows .ico 16–256, macOS .icns 16–1024)', iconProblems)

// --- menu and About texts in every language -------------------------------------------------------------
const settingsSource = readFileSync(join(root, 'electron', 'shared', 'settings.ts'), 'utf8')
const languages = [
  ...(settingsSource.match(/LANGUAGES = \[([^\]]*)\]/)?.[1] ?? '').matchAll(/'([^']+)'/g),
].map((m) => m[1])
const flatten = (tree, prefix = '') =>
  Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [[`${prefix}${key}`, value]] : flatten(value, `${prefix}${key}.`),
  )
const menuDir = join(root, 'electron', 'shared', 'locales', 'menu')
const menuTexts = Object.fromEntries(
  languages.map((language) => {
    const file = join(menuDir, `${language}.json`)
    return [language, existsSync(file) ? new Map(flatten(JSON.parse(readFileSync(file, 'utf8')))) : undefined]
  }),
)
const menuProblems =
  languages.length < 3 ? [`electron/shared/settings.ts lists only ${languages.join(', ')}`] : []
for (const language of languages) {
  const texts = menuTexts[language]
  if (!texts) menuProblems.push(`electron/shared/locales/menu/${language}.json is missing`)
  else
    for (const key of menuTexts.en?.keys() ?? [])
      if (!texts.get(key)?.trim()) menuProblems.push(`menu/${language}.json lacks ${key}`)
}
check(`menu and About texts in ${languages.join(', ')}`, menuProblems)

if (problems.length > 0) report()

// --- the packed app -------------------------------------------------------------------------------------
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

if (!skipBuild || !existsSync(join(root, 'out', 'main', 'index.js'))) run(['electron-vite', 'build'])
run([
  'electron-builder',
  '--linux',
  'dir',
  `-c.electronDist=${stub}`,
  `-c.directories.output=${output}`,
  '--publish',
  'never',
])
const appDir = join(output, 'linux-unpacked')
const asar = join(appDir, 'resources', 'app.asar')
if (!existsSync(asar)) {
  problems.push(`the packed app: ${asar} was not produced`)
  report()
}
const listing = asarLib.listPackage(asar, { isPack: false })
const required = ['/out/main/index.js', '/out/preload/index.js', '/out/renderer/index.html', '/package.json']
const natives = listing.filter((path) => path.endsWith('.node'))
check('app.asar has main, preload, renderer and package.json, and no native addon', [
  ...required.filter((path) => !listing.includes(path)).map((m) => `missing in app.asar: ${m}`),
  ...natives.map((n) => `native addon packed (should be denied at install): ${n}`),
])
const mainBundle = asarLib.extractFile(asar, 'out/main/index.js').toString('utf8')
check('the packed main process: single instance, About box with version and data folder', [
  ...(mainBundle.includes('requestSingleInstanceLock') && mainBundle.includes('second-instance')
    ? []
    : ['no single-instance lock (requestSingleInstanceLock / second-instance)']),
  ...(mainBundle.includes('showMessageBox') && mainBundle.includes('aboutDialog')
    ? []
    : ['no About box (showMessageBox with the aboutDialog texts)']),
])
check(
  `the packed menu in ${languages.join(', ')}`,
  languages.flatMap((language) =>
    ['menu.file', 'menu.openData', 'menu.help', 'menu.aboutDialog.dataDir']
      .map((key) => menuTexts[language]?.get(key) ?? key)
      .filter((text) => !mainBundle.includes(JSON.stringify(text).slice(1, -1)) && !mainBundle.includes(text))
      .map((text) => `${language}: "${text}" is not in the packed main bundle`),
  ),
)
const binary = join(appDir, config.linux?.executableName ?? 'electron')
check(
  "the packed binary's fuses",
  fuseProblems(`packaged binary ${binary}`, existsSync(binary) ? readFuses(binary) : undefined),
)
check(
  'probe scripts beside the app',
  existsSync(join(appDir, 'resources', 'probe')) ? [] : ['resources/probe was not copied'],
)

/** Bytes of every file under `dir`. */
function folderBytes(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath ?? entry.path, entry.name)).size, 0)
}
const header = asarLib.getRawHeader(asar).header
const sizes = []
const walk = (node, path) => {
  for (const [name, child] of Object.entries(node.files ?? {})) {
    if (child.files) walk(child, `${path}/${name}`)
    else sizes.push([`${path}/${name}`, Number(child.size ?? 0)])
  }
}
walk(header, '')
const topLevel = {}
for (const [path, bytes] of sizes) {
  const top = path.split('/').slice(0, 3).join('/')
  topLevel[top] = (topLevel[top] ?? 0) + bytes
}
report({
  // What the app adds to Electron; the Electron runtime itself is a stub here, so not counted.
  note: 'app.asar and resources/ of the unpacked Linux app; the Electron runtime is not included',
  asarBytes: statSync(asar).size,
  asarFiles: sizes.length,
  resourcesBytes: folderBytes(join(appDir, 'resources')),
  largestInAsar: Object.entries(topLevel)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([path, bytes]) => ({ path, bytes })),
})
