// The lab for Playwright specs: one lab per worker (workers: 1, so one per run), taken down after.
//
// Playwright compiles specs to CommonJS, where e2e/lab's `import.meta.url` cannot load; so the lab's
// API runs in a small child process under tsx (the same code the Vitest lab project uses).
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { test as appTest, expect } from './fixtures'
import { addServer } from './helpers'
import { labSchema, type Lab, type LabHost } from '../lab/lab-schema'

const REPO = resolve(__dirname, '..', '..')
const LAB_INDEX = join(REPO, 'e2e', 'lab', 'index.ts')

// Runs in the child: `lab` is e2e/lab/index.ts. Prints one JSON line, then holds until stdin closes.
const DRIVER = `
const [command, arg] = process.argv.slice(1)
;(async () => {
  const lab = (await import(${JSON.stringify(LAB_INDEX)})).default
  if (command === 'rotate') {
    const rotated = await lab.rotateHostKey(lab.readLab(arg), 'net')
    console.log(JSON.stringify({ lab: rotated.lab }))
    // Undo when the parent closes stdin (also when it dies).
    process.stdin.resume()
    await new Promise((r) => process.stdin.on('end', r))
    await rotated.undo()
    console.log(JSON.stringify({ undone: true }))
  }
})().catch((error) => {
  console.error(String(error && error.stack ? error.stack : error))
  process.exit(1)
})
`

function startDriver(command: string, arg: string): { child: ChildProcess; firstLine: Promise<unknown> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', DRIVER, command, arg], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const firstLine = new Promise<unknown>((resolveLine, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line !== undefined) resolveLine(JSON.parse(line))
    })
    child.on('close', (code) => reject(new Error(`lab ${command} exited ${code}: ${err.trim()}`)))
  })
  return { child, firstLine }
}

/** Reads and validates a lab's hosts.json. */
export function readLab(path: string): Lab {
  return labSchema.parse(JSON.parse(readFileSync(path, 'utf8')))
}

/** The host of that name. */
export function labHost(lab: Lab, name: string): LabHost {
  const host = lab.hosts.find((h) => h.name === name)
  if (!host) throw new Error(`lab ${lab.prefix} has no host '${name}'`)
  return host
}

/** Restarts the `net` host's sshd with a new host key; returns the updated lab and the undo. */
export async function rotateHostKey(lab: Lab): Promise<{ lab: Lab; undo: () => Promise<void> }> {
  const { child, firstLine } = startDriver('rotate', join(lab.out, 'hosts.json'))
  const first = (await firstLine) as { lab: unknown }
  return {
    lab: labSchema.parse(first.lab),
    async undo() {
      const closed = once(child, 'close')
      child.stdin?.end()
      await closed
    },
  }
}

/** Why the lab cannot run here, or undefined when it can (same rules as the Vitest lab project). */
export function labUnavailableReason(): string | undefined {
  // Lets a root developer see the skip / LAB_REQUIRED paths without a non-root checkout.
  const forced = process.env.LAB_FORCE_UNAVAILABLE
  if (forced !== undefined && forced !== '') return `LAB_FORCE_UNAVAILABLE: ${forced}`
  if (process.env.LAB_HOSTS_JSON) return undefined
  if (process.platform !== 'linux') return `lab specs need Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'lab specs need root (network and mount namespaces)'
  return undefined
}

/**
 * Call at the top of a lab `describe`: skips its tests loudly without a lab, and fails the run when
 * LAB_REQUIRED=1 (CI), so a missing lab is never a silent pass.
 */
export function requireLab(): void {
  const reason = labUnavailableReason()
  if (reason === undefined) return
  if (process.env.LAB_REQUIRED === '1')
    throw new Error(`LAB_REQUIRED=1 but the lab is unavailable: ${reason}`)
  console.warn(`\n*** SKIPPING lab specs: ${reason} ***\n`)
  test.skip(true, reason)
}

/**
 * Runs lab code in a tsx child process (e2e/lab uses `import.meta`, which Playwright's CommonJS
 * transform cannot load). The code sees `lab` (the e2e/lab module) and what it returns comes back as JSON.
 */
export function labDo(code: string): Promise<unknown> {
  const script =
    `import(${JSON.stringify(LAB_INDEX)}).then(async (m) => { const lab = m.labUp ? m : m.default;` +
    `const out = await (async () => { ${code} })();` +
    `process.stdout.write('\\n@@' + JSON.stringify(out ?? null))` +
    `}).catch((e) => { console.error(e); process.exit(1) })`
  return new Promise((done, fail) => {
    execFile('npx', ['tsx', '--eval', script], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`lab call failed: ${code}\n${stderr}`))
      else done(JSON.parse(stdout.slice(stdout.lastIndexOf('\n@@') + 3)) as unknown)
    })
  })
}

/** An app whose ~/.ssh/known_hosts already trusts the host keys of `lab()` (read when each test starts). */
export function trustingLab(lab: () => Lab): typeof appTest {
  return appTest.extend({
    homeDir: async ({ dataDir }, use) => {
      const home = join(dataDir, 'home')
      await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 })
      await writeFile(
        join(home, '.ssh', 'known_hosts'),
        lab()
          .hosts.map((h) => `${h.knownHostsLine}\n`)
          .join(''),
        { mode: 0o600 },
      )
      await use(home)
    },
  })
}

/** The lab of one spec file: see {@link specLab}. */
export interface SpecLab {
  /** The lab `up()` brought up or reused; throws before. */
  readonly lab: () => Lab
  /** True once `up()` has brought up or read the lab. */
  readonly isUp: boolean
  readonly host: (name: string) => LabHost
  /** The seed stand-in's URL (`http://<seed>:8000`). */
  readonly seedUrl: () => string
  /** The lab's hosts.json. */
  readonly hostsJson: () => string
  /** Runs a shell command on a host as its SSH user; a non-zero exit throws with its stderr. */
  readonly on: (name: string, command: string) => Promise<void>
  /** For `beforeAll`: brings the lab up, or reads the one at LAB_HOSTS_JSON (left up after). */
  readonly up: () => Promise<Lab>
  /** For `afterAll`: takes down the lab `up()` brought up; a reused one stays. */
  readonly down: () => Promise<void>
  /** App tests whose ~/.ssh/known_hosts trusts the lab's host keys. */
  readonly test: typeof appTest
}

/**
 * The lab for the serial `describe` of one spec file (or a worker), with only `hosts`. Its prefix is LAB_PREFIX,
 * else `prefix`; LAB_HOSTS_JSON reuses a lab that is up (`npm run lab -- up`) and leaves it up.
 * Call `skipWithoutLab()` in the describe, `up()` in beforeAll and `down()` in afterAll.
 */
export function specLab(options: { prefix: string; hosts: readonly string[]; images?: false }): SpecLab {
  const prefix = process.env.LAB_PREFIX ?? options.prefix
  let current: Lab | undefined
  let own = false
  let labTest: typeof appTest | undefined
  const lab = (): Lab => {
    if (!current) throw new Error('the lab is not up')
    return current
  }
  const hostsJson = (): string => join(lab().out, 'hosts.json')
  return {
    lab,
    get isUp() {
      return current !== undefined
    },
    host: (name) => labHost(lab(), name),
    seedUrl: () => `http://${labHost(lab(), 'seed').address}:8000`,
    hostsJson,
    on: async (name, command) => {
      await labDo(
        `const r = await lab.labSsh(lab.labHost(lab.readLab(${JSON.stringify(hostsJson())}), ${JSON.stringify(name)}), ${JSON.stringify(command)}); if (r.code !== 0) throw new Error(r.stderr); return r.code`,
      )
    },
    up: async () => {
      const existing = process.env.LAB_HOSTS_JSON
      if (existing) current = readLab(existing)
      else {
        current = (await labDo(
          `return lab.labUp(${JSON.stringify({ prefix, hosts: options.hosts, images: options.images })})`,
        )) as Lab
        own = true
      }
      return current
    },
    down: async () => {
      if (current && own) await labDo(`await lab.labDown(${JSON.stringify(prefix)})`)
    },
    get test() {
      return (labTest ??= trustingLab(lab))
    },
  }
}

/**
 * Call at the top of a lab `describe` (with the spec's own name in the message): without a lab its
 * tests are skipped loudly, or the run fails under LAB_REQUIRED=1; the tests run serially.
 */
export function skipWithoutLab(labTest: typeof appTest, what: string): void {
  const reason = labUnavailableReason()
  if (reason !== undefined) {
    if (process.env.LAB_REQUIRED === '1')
      throw new Error(`LAB_REQUIRED=1 but the lab is unavailable: ${reason}`)
    console.warn(`\n*** SKIPPING ${what}: ${reason} ***\n`)
  }
  labTest.skip(reason !== undefined, reason)
  labTest.describe.configure({ mode: 'serial' })
}

/** Step 1 as a user does it: adds a lab host with key-file auth and waits until it is listed. */
export async function addLabServer(
  page: Page,
  host: LabHost,
  role: 'Network node' | 'ML node (GPU)',
): Promise<void> {
  await addServer(page, {
    name: host.name,
    address: host.address,
    port: String(host.port),
    user: host.user,
    role,
    auth: 'Key file',
    keyPath: host.privateKeyPath,
  })
  await expect(page.getByText(host.address).first()).toBeVisible()
}

export const test = appTest.extend<object, { lab: Lab }>({
  lab: [
    // Playwright requires the destructuring form for fixture dependencies, even when there are none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      // A developer may point the run at a lab already up (`npm run lab -- up`): reuse it, leave it up.
      const existing = process.env.LAB_HOSTS_JSON
      if (existing) {
        await use(readLab(existing))
        return
      }
      const lab = specLab({ prefix: `pw${process.pid % 100000}`, hosts: ['net'], images: false })
      try {
        await use(await lab.up())
      } finally {
        await lab.down()
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
})

export { expect }
