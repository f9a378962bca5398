import type { Profile, ProfileCheck } from '../../../electron/shared/profile'
import { STEPS, type StepId, type StepStatus } from '../steps/steps'

/** The status the rail shows for one step, derived from the profile and its check (never stored). */
export function stepStatus(
  step: StepId,
  profile: Profile | undefined,
  check: ProfileCheck | undefined,
): StepStatus {
  const def = STEPS.find((s) => s.id === step)
  if (!def?.available) return 'unavailable'
  if (step === 'topology') {
    if (!profile || profile.servers.length === 0) return 'notStarted'
    if (!check) return 'notStarted'
    return check.topology || Object.keys(check.servers).length > 0 ? 'attention' : 'done'
  }
  return 'notStarted'
}
