import type { Profile, ProfileCheck } from '../../../electron/shared/profile'
import { STEPS, type StepId, type StepStatus } from '../steps/steps'
import { resultKey, stepOfCheckId, type CheckStep, type ProfileChecks } from './checks-slice'
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
  checks?: ProfileChecks,
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
  if (step === 'prerequisites' || step === 'network') return checksStepStatus(step, profile, checks)
  return 'notStarted'
}

/**
 * Steps 2 and 5: running while a run of the step goes; needs attention while a check fails, a warning
 * is not accepted, a server has no results or the last run broke off; done when every server was
 * checked and nothing is open.
 */
export function checksStepStatus(
  step: CheckStep,
  profile: Profile | undefined,
  checks: ProfileChecks | undefined,
): StepStatus {
  if (!profile || profile.servers.length === 0 || !checks) return 'notStarted'
  if (checks.running[step]) return 'running'
  const ids = new Set(profile.servers.map((s) => s.id))
  const rows = Object.values(checks.results).filter(
    (r) => ids.has(r.serverId) && stepOfCheckId(r.checkId) === step,
  )
  const error = checks.lastError[step]
  if (rows.length === 0) return error && error.code !== 'CANCELLED' ? 'attention' : 'notStarted'
  const open = rows.some(
    (r) =>
      r.status === 'fail' ||
      (r.status === 'warn' && checks.acknowledged[resultKey(r.serverId, r.checkId)] !== r.messageKey),
  )
  const unchecked = profile.servers.some((s) => !rows.some((r) => r.serverId === s.id))
  const sshFailed = profile.servers.some(
    (s) => checks.results[resultKey(s.id, 'ssh.connect')]?.status === 'fail',
  )
  return open || unchecked || sshFailed || error !== undefined ? 'attention' : 'done'
}
