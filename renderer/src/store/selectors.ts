import type { Profile, ProfileCheck } from '../../../electron/shared/profile'
import { STEPS, type StepId, type StepStatus } from '../steps/steps'
import { currentConnection, type ConnectionState } from './connection-slice'

/**
 * The status the rail shows for one step, derived from the profile, its check and the connection
 * tests (never stored). Step 1 is done only when the topology fits and every server connected with a
 * trusted host key, as it is configured now.
 */
export function stepStatus(
  step: StepId,
  profile: Profile | undefined,
  check: ProfileCheck | undefined,
  connections: Readonly<Record<string, ConnectionState>> = {},
): StepStatus {
  const def = STEPS.find((s) => s.id === step)
  if (!def?.available) return 'unavailable'
  if (step === 'topology') {
    if (!profile || profile.servers.length === 0) return 'notStarted'
    const states = profile.servers.map((s) => currentConnection(s, connections))
    if (states.some((c) => c?.status === 'running')) return 'running'
    if (!check) return 'notStarted'
    if (check.topology || Object.keys(check.servers).length > 0) return 'attention'
    const allConnected = states.every(
      (c) => c?.status === 'connected' && c.report.connected && c.report.trusted,
    )
    return allConnected ? 'done' : 'attention'
  }
  return 'notStarted'
}
