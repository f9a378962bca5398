import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { ServerRole } from '../../shared/profile'
import { AppFailure } from '../errors'

/** One command's output inside the probe's JSON. */
export const probeSectionSchema = z.object({ rc: z.number().int(), out: z.string(), err: z.string() })
/** See {@link probeSectionSchema}. */
export type ProbeSection = z.infer<typeof probeSectionSchema>

/** The JSON the probe script prints: raw output per command, keyed by section name. */
export const probeOutputSchema = z.object({
  probe: z.literal(1),
  role: z.string(),
  sections: z.record(z.string(), probeSectionSchema),
})
/** See {@link probeOutputSchema}. */
export type ProbeOutput = z.infer<typeof probeOutputSchema>

/** Where the remote scripts live: `GHW_RESOURCES_DIR`, the repo's `resources/`, or Electron's resources. */
export function resourcesDir(): string {
  const candidates = [
    process.env.GHW_RESOURCES_DIR,
    join(__dirname, '..', '..', '..', 'resources'),
    join(__dirname, '..', '..', 'resources'),
    (process as { resourcesPath?: string }).resourcesPath,
  ]
  for (const dir of candidates) if (dir && existsSync(join(dir, 'probe', 'probe.sh'))) return dir
  throw new AppFailure('INTERNAL', 'The probe scripts were not found next to the app.')
}

const scriptCache = new Map<string, string>()

/** The text of one remote script from `resources/probe/` (read once). */
export function probeScript(name: 'probe.sh' | 'listen.sh' | 'connect.sh' | 'stop.sh'): string {
  let text = scriptCache.get(name)
  if (text === undefined) {
    text = readFileSync(join(resourcesDir(), 'probe', name), 'utf8')
    scriptCache.set(name, text)
  }
  return text
}

/** Arguments of the probe script for one host (key=value, passed as separate argv words). */
export function probeArgs(
  role: ServerRole,
  options: { deployDir?: string; hfHome?: string; gpuTestImage?: string },
): string[] {
  return [
    'sh',
    '-s',
    '--',
    `role=${role}`,
    ...(options.deployDir ? [`deploy=${options.deployDir}`] : []),
    ...(options.hfHome ? [`hf=${options.hfHome}`] : []),
    ...(options.gpuTestImage ? [`gpuimage=${options.gpuTestImage}`] : []),
  ]
}

/** What the temporary listeners of one host should do (see `resources/probe/listen.sh`). */
export interface ListenRequest {
  /** Names this run's flag file on the host; letters and digits only. */
  readonly token: string
  /** The listeners stop on their own after this many seconds. */
  readonly seconds: number
  readonly ports: readonly number[]
}

/** The `sh -s -- TOKEN SECONDS PORT...` arguments of listen.sh, checked so they are safe as script text. */
export function listenArgs(request: ListenRequest): string[] {
  if (!/^[A-Za-z0-9]{1,64}$/.test(request.token))
    throw new AppFailure('INTERNAL', 'Listener token must be letters and digits.')
  const numbers = [request.seconds, ...request.ports]
  if (!numbers.every((n) => Number.isInteger(n) && n > 0 && n <= 65535))
    throw new AppFailure('INTERNAL', 'Listener seconds and ports must be whole numbers in 1..65535.')
  return [request.token, String(request.seconds), ...request.ports.map(String)]
}

/**
 * The probe's stdin: probe.sh, then (when `listen` is given) listen.sh for the same host, so the
 * temporary listeners start in the probe's own channel right after its port checks have run.
 */
export function probeStdin(listen?: ListenRequest): string {
  const probe = probeScript('probe.sh')
  if (!listen) return probe
  // Only validated words (see listenArgs) go into the script text.
  return `${probe}
set -- ${listenArgs(listen).join(' ')}
${probeScript('listen.sh')}`
}

/** The listeners' report in a probe's (or listen.sh's) stdout, when there is one. */
export const listenOutputSchema = z.object({
  tool: z.string(),
  ports: z.record(z.string(), z.enum(['temporary', 'existing', 'failed'])),
})
/** See {@link listenOutputSchema}. */
export type ListenOutput = z.infer<typeof listenOutputSchema>

/** Finds and parses the listen.sh line in a command's stdout; undefined when absent or malformed. */
export function parseListenOutput(stdout: string): ListenOutput | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"tool":')) continue
    try {
      const parsed = listenOutputSchema.safeParse(JSON.parse(line))
      if (parsed.success) return parsed.data
    } catch {
      // Not JSON after all: keep looking.
    }
  }
  return undefined
}

/** Parses the probe's stdout; REMOTE_COMMAND_FAILED when it is not the expected JSON. */
export function parseProbeOutput(stdout: string): ProbeOutput {
  const start = stdout.indexOf('{"probe":')
  if (start < 0) {
    throw new AppFailure('REMOTE_COMMAND_FAILED', 'The host did not answer the probe with its report.')
  }
  // A login banner or a noisy profile script may print before the JSON; take the first JSON line.
  const line = stdout.slice(start).split('\n')[0] ?? ''
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch (error) {
    throw new AppFailure('REMOTE_COMMAND_FAILED', 'The probe report from the host is not valid JSON.', {
      cause: error,
    })
  }
  const parsed = probeOutputSchema.safeParse(json)
  if (!parsed.success) {
    throw new AppFailure('REMOTE_COMMAND_FAILED', 'The probe report from the host has an unexpected shape.')
  }
  return parsed.data
}
