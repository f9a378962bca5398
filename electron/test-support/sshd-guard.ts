/**
 * Test helper: `describe` for tests that need a real sshd (root on Linux). Skips loudly when one
 * cannot run, and fails instead under LAB_REQUIRED=1, like the lab's own helper.
 */
import { describe } from 'vitest'
import { sshdUnavailableReason } from './test-sshd'

/** Runs `body` when a test sshd can be started here. */
export function describeSshd(name: string, body: () => void): void {
  const reason = sshdUnavailableReason()
  if (reason === undefined) {
    describe(name, body)
    return
  }
  if (process.env.LAB_REQUIRED === '1') throw new Error(`LAB_REQUIRED=1 but ${reason}`)
  console.warn(`\n*** SKIPPING "${name}": ${reason} ***\n`)
  describe.skip(name, body)
}
