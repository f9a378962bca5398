import { execFile, spawn } from 'node:child_process'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { labSchema, type Lab, type LabHost, type SudoMode } from './lab-schema'

const LAB_DIR = dirname(fileURLToPath(import.meta.url))

/** The repository root (two levels above e2e/lab). */
export const REPO_ROOT = resolve(LAB_DIR, '..', '..')

/** The shell script that does the system work; the TypeScript API only drives it. */
export const LAB_SCRIPT = join(LAB_DIR, 'lab.sh')

/** Every host the lab knows how to build. */
export const ALL_HOSTS = ['net', 'ml1', 'ml2', 'seed'] as const

const PREFIX_RE = /^[a-z][a-z0-9]{0,9}$/

/** Thrown when the lab script fails; `output` holds what it printed (LEFT: lines on a dirty down). */
export class LabError extends Error {
  readonly output: string
  constructor(message: string, output: string) {
    super(`${message}\n${output}`)
    this.name = 'LabError'
    this.output = output
  }
}

export interface LabUpOptions {
  prefix: string
  hosts?: readonly string[]
  /** Defaults to `<repo>/.lab/<prefix>`. Must not be under /tmp (hosts have a private /tmp). */
  outDir?: string
  sudoMode?: SudoMode
  /** Import the stand-in images into each host's dockerd (default true). */
  images?: boolean
  cacheDir?: string
  /** `inherit` streams the script's output (CLI); `pipe` keeps it for the error message (tests). */
  output?: 'inherit' | 'pipe'
  /** Take a failed start down again before throwing (default true). */
  cleanupOnFailure?: boolean
}

/**
 * Where labs keep their state: `<repo>/.lab`, or /var/tmp/gonka-lab for a checkout under /tmp
 * (the hosts have a private /tmp and could not see it). `LAB_ROOT` overrides; lab.sh agrees.
 */
export function labRoot(): string {
  const fromEnv = process.env.LAB_ROOT
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  return REPO_ROOT.startsWith('/tmp/') ? '/var/tmp/gonka-lab' : join(REPO_ROOT, '.lab')
}

/** Where a lab with this prefix keeps its state unless told otherwise. */
export function defaultOutDir(prefix: string): string {
  return join(labRoot(), prefix)
}

/** The hosts.json path of a lab. */
export function hostsJsonPath(outDir: string): string {
  return join(outDir, 'hosts.json')
}

function checkPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix)) throw new Error(`lab prefix '${prefix}' must match ${String(PREFIX_RE)}`)
}

function runScript(
  args: readonly string[],
  env: Record<string, string>,
  output: 'inherit' | 'pipe',
): Promise<{ code: number; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [LAB_SCRIPT, ...args], {
      env: { ...process.env, ...env },
      stdio: output === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    })
    let text = ''
    child.stdout?.on('data', (d: Buffer) => (text += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (text += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output: text }))
  })
}

/** Brings a lab up and returns its parsed hosts.json. */
export async function labUp(options: LabUpOptions): Promise<Lab> {
  checkPrefix(options.prefix)
  const out = options.outDir ?? defaultOutDir(options.prefix)
  const env: Record<string, string> = {
    HOSTS: (options.hosts ?? ALL_HOSTS).join(','),
    SUDO_MODE: options.sudoMode ?? 'nopasswd',
    IMAGES: options.images === false ? '0' : '1',
  }
  if (options.cacheDir !== undefined) env.CACHE_DIR = options.cacheDir
  const output = options.output ?? 'pipe'
  const result = await runScript(['up', options.prefix, out], env, output)
  if (result.code !== 0) {
    if (options.cleanupOnFailure ?? true) {
      await runScript(['down', options.prefix, out], {}, output)
    }
    throw new LabError(`lab ${options.prefix} did not come up`, result.output)
  }
  return readLab(hostsJsonPath(out))
}

/** Takes a lab down (also a half-finished one); throws LabError listing what was left. */
export async function labDown(
  prefix: string,
  options: { outDir?: string; output?: 'inherit' | 'pipe' } = {},
): Promise<void> {
  checkPrefix(prefix)
  const out = options.outDir ?? defaultOutDir(prefix)
  const result = await runScript(['down', prefix, out], {}, options.output ?? 'pipe')
  if (result.code !== 0) throw new LabError(`lab ${prefix} did not go down cleanly`, result.output)
}

/** Lists the labs on this machine (the script's text). */
export async function labStatus(output: 'inherit' | 'pipe' = 'pipe'): Promise<string> {
  return (await runScript(['status'], {}, output)).output
}

/** Reads and validates a hosts.json. */
export function readLab(path: string): Lab {
  return labSchema.parse(JSON.parse(readFileSync(path, 'utf8')))
}

/** Writes hosts.json and known_hosts back after a change (e.g. a rotated host key). */
export function writeLab(lab: Lab): void {
  const checked = labSchema.parse(lab)
  const path = hostsJsonPath(checked.out)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(checked, null, 2)}\n`)
  renameSync(`${path}.tmp`, path)
  writeFileSync(checked.knownHostsPath, checked.hosts.map((h) => `${h.knownHostsLine}\n`).join(''))
}

/** The host of that name; throws when the lab has no such host. */
export function labHost(lab: Lab, name: string): LabHost {
  const host = lab.hosts.find((h) => h.name === name)
  if (host === undefined) throw new Error(`lab ${lab.prefix} has no host '${name}'`)
  return host
}

export interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs argv as root inside a host's network, mount and UTS namespaces (never `ip netns exec`,
 * which hides the cgroup mounts dockerd needs). Throws when `check` is set and the command fails.
 */
export function rootExec(
  host: LabHost,
  argv: readonly string[],
  options: { input?: string; timeoutMs?: number; check?: boolean } = {},
): Promise<ExecResult> {
  const [cmd, ...prefixArgs] = host.rootExec
  if (cmd === undefined) throw new Error('empty rootExec prefix')
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      cmd,
      [...prefixArgs, ...argv],
      { timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        const result = { code, stdout, stderr }
        if (options.check === true && code !== 0) {
          reject(new Error(`on ${host.name}: ${argv.join(' ')} exited ${code}: ${stderr.trim()}`))
        } else {
          resolvePromise(result)
        }
      },
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
    else child.stdin?.end()
  })
}

/** Runs one lab.sh helper (start-sshd, start-dockerd) for a host of a running lab. */
export async function labScriptForHost(
  lab: Lab,
  command: 'start-sshd' | 'start-dockerd',
  host: string,
): Promise<void> {
  const result = await runScript([command, lab.prefix, lab.out, host], {}, 'pipe')
  if (result.code !== 0) throw new LabError(`${command} on ${host} failed`, result.output)
}
