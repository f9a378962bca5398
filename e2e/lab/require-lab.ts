// For lab test files: the running lab, or a loud skip (a failure under LAB_REQUIRED=1).
import { describe, inject } from 'vitest'
import { readLab } from './lab-control'
import type { Lab } from './lab-schema'

declare module 'vitest' {
  export interface ProvidedContext {
    /** hosts.json of the lab the global setup brought up ('' when there is none). */
    labHostsJson: string
    /** Why there is no lab ('' when there is one). */
    labSkipReason: string
  }
}

/** Why lab tests cannot run here, or undefined when they can. */
export function labUnavailableReason(): string | undefined {
  // Lets a root developer see the skip / LAB_REQUIRED paths without a non-root checkout.
  const forced = process.env.LAB_FORCE_UNAVAILABLE
  if (forced !== undefined && forced !== '') return `LAB_FORCE_UNAVAILABLE: ${forced}`
  if (process.platform !== 'linux') return `lab tests need Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'lab tests need root (network and mount namespaces)'
  return undefined
}

/** True when CI demands the lab: a missing lab is then a failure, never a skip. */
export function labRequired(): boolean {
  return process.env.LAB_REQUIRED === '1'
}

function skipReason(): string | undefined {
  const local = labUnavailableReason()
  if (local !== undefined) return local
  const provided = inject('labHostsJson')
  if (provided === '' || provided === undefined) {
    const why = inject('labSkipReason')
    return why === '' || why === undefined ? 'the lab global setup did not provide a lab' : why
  }
  return undefined
}

/**
 * `describe` for lab tests: runs the suite with the lab when there is one; otherwise warns loudly
 * and skips, or throws when LAB_REQUIRED=1.
 */
export function describeLab(name: string, body: (lab: () => Lab) => void): void {
  const reason = skipReason()
  if (reason !== undefined) {
    if (labRequired()) throw new Error(`LAB_REQUIRED=1 but the lab is unavailable: ${reason}`)
    console.warn(`\n*** SKIPPING lab tests "${name}": ${reason} ***\n`)
    describe.skip(name, () =>
      body(() => {
        throw new Error('no lab')
      }),
    )
    return
  }
  let cached: Lab | undefined
  // Read lazily so a fault that rewrites hosts.json (a new host key) is seen by later tests.
  const lab = (): Lab => (cached ??= readLab(inject('labHostsJson')))
  describe(name, () => body(lab))
}

/** The lab's hosts.json path (throws when there is no lab). */
export function labHostsJsonPath(): string {
  const path = inject('labHostsJson')
  if (path === '' || path === undefined) throw new Error(skipReason() ?? 'no lab')
  return path
}
