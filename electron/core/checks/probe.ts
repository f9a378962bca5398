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
