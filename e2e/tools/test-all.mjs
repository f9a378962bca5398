// `npm test`: everything — typecheck, lint, build, the package check, unit and lab tests (vitest), e2e
// in Chromium (Playwright) — then one closing line "N passed, N failed, N skipped" summed over all of them. The
// typecheck and lint each count as one entry (passed or failed), so a broken type or layer rule fails
// CI exactly like a failing test. Exit code 1 if anything failed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const results = join(root, 'test-results')
mkdirSync(results, { recursive: true })
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'

function run(title, args) {
  process.stdout.write(`\n=== ${title}: ${args.join(' ')}\n`)
  const child = spawnSync(npx, args, { cwd: root, stdio: 'inherit', env: process.env })
  return child.status ?? 1
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 }
let broken = false

// Static checks: each is one entry in the closing line. They run first and never stop the tests.
const staticChecks = [
  ['typecheck (strict TypeScript)', ['tsc', '-b', '--noEmit']],
  ['lint (layer rules, i18n, promises)', ['eslint', '.', '--max-warnings=0']],
]
const staticFailures = []
for (const [title, args] of staticChecks) {
  if (run(title, args) === 0) {
    totals.passed += 1
  } else {
    totals.failed += 1
    staticFailures.push(title)
  }
}

function closingLine() {
  if (staticFailures.length > 0)
    process.stdout.write(`\nFailed checks (one failure each): ${staticFailures.join(', ')}\n`)
  process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
}

if (run('build', ['electron-vite', 'build']) !== 0) {
  process.stdout.write('\nThe build failed; nothing was tested: counted as one failure.\n')
  totals.failed += 1
  closingLine()
  process.exit(1)
}

// The installers' configuration and the packed app, offline (npm run package:check on the build above):
// one entry, like the static checks. Its JSON report (checks, the packed app's size) is in the log and
// in test-results/package-check.json.
const packageCheck = 'package check (installer targets, icons, menu languages, asar, fuses)'
if (run(packageCheck, ['node', 'e2e/tools/package-check.mjs', '--skip-build']) === 0) {
  totals.passed += 1
} else {
  totals.failed += 1
  staticFailures.push(packageCheck)
}

const vitestJson = join(results, 'vitest.json')
rmSync(vitestJson, { force: true })
const vitestCode = run('unit and lab tests', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
])
const vitest = readJson(vitestJson)
if (vitest) {
  totals.passed += vitest.numPassedTests
  totals.failed += vitest.numFailedTests
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests
  // A suite that failed to load (syntax error, failed global setup) has no tests to count.
  if (vitestCode !== 0 && vitest.numFailedTests === 0) broken = true
} else if (vitestCode !== 0) {
  broken = true
}

const playwrightJson = join(results, 'playwright.json')
rmSync(playwrightJson, { force: true })
const playwrightCode = run('end-to-end tests in Chromium', ['playwright', 'test'])
const playwright = existsSync(playwrightJson) ? readJson(playwrightJson) : undefined
if (playwright?.stats) {
  totals.passed += playwright.stats.expected + (playwright.stats.flaky ?? 0)
  totals.failed += playwright.stats.unexpected
  totals.skipped += playwright.stats.skipped
  if (playwrightCode !== 0 && playwright.stats.unexpected === 0) broken = true
} else if (playwrightCode !== 0) {
  broken = true
}

if (broken) {
  process.stdout.write(
    '\nA test runner failed before it could run its tests (see above): counted as one failure.\n',
  )
  totals.failed += 1
}
closingLine()
process.exit(totals.failed > 0 ? 1 : 0)
