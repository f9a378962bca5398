// The lab for Playwright specs: one lab per worker (workers: 1, so one per run), taken down after.
//
// Playwright compiles specs to CommonJS, where e2e/lab's `import.meta.url` cannot load; so the lab's
// API runs in a small child process under tsx (the same code the Vitest lab project uses).
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { test as appTest, expect } from './fixtures'
import { labSchema, type Lab, type LabHost } from '../lab/lab-schema'

const REPO = resolve(__dirname, '..', '..')
const LAB_INDEX = join(REPO, 'e2e', 'lab', 'index.ts')

// Runs in the child: `lab` is e2e/lab/index.ts. Each command prints one JSON line.
const DRIVER = `
const [command, arg] = process.argv.slice(1)
;(async () => {
  const lab = (await import(${JSON.stringify(LAB_INDEX)})).default
  if (command === 'up') {
    const up = await lab.labUp({ prefix: arg, outDir: lab.defaultOutDir(arg), hosts: ['net'], images: false })
    console.log(JSON.stringify({ hostsJson: lab.hostsJsonPath(up.out) }))
  } else if (command === 'down') {
    await lab.labDown(arg, { outDir: lab.defaultOutDir(arg) })
    console.log(JSON.stringify({ down: true }))
  } else if (command === 'rotate') {
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

async function runDriver(command: string, arg: string): Promise<unknown> {
  const { child, firstLine } = startDriver(command, arg)
  child.stdin?.end()
  const value = await firstLine
  if (child.exitCode === null) await once(child, 'close')
  return value
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
      const prefix = `pw${process.pid % 100000}`
      const { hostsJson } = (await runDriver('up', prefix)) as { hostsJson: string }
      try {
        await use(readLab(hostsJson))
      } finally {
        await runDriver('down', prefix)
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
})

export { expect }
