// Vitest global setup of the `lab` project: one lab per run, taken down at the end.
import type { TestProject } from 'vitest/node'
import { defaultOutDir, hostsJsonPath, labDown, labUp } from './lab-control'
import { labRequired, labUnavailableReason } from './require-lab'

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // A developer may point the run at a lab already up (`npm run lab -- up`): reuse it, leave it up.
  const existing = process.env.LAB_HOSTS_JSON
  if (existing !== undefined && existing !== '') {
    project.provide('labHostsJson', existing)
    project.provide('labSkipReason', '')
    return undefined
  }
  const reason = labUnavailableReason()
  if (reason !== undefined) {
    if (labRequired()) throw new Error(`LAB_REQUIRED=1 but the lab cannot run: ${reason}`)
    console.warn(`\n*** lab tests will be SKIPPED: ${reason} ***\n`)
    project.provide('labHostsJson', '')
    project.provide('labSkipReason', reason)
    return undefined
  }
  const prefix = process.env.LAB_PREFIX ?? `v${process.pid % 100000}`
  const outDir = defaultOutDir(prefix)
  await labUp({ prefix, outDir })
  const path = hostsJsonPath(outDir)
  process.env.LAB_HOSTS_JSON = path
  project.provide('labHostsJson', path)
  project.provide('labSkipReason', '')
  return async () => {
    await labDown(prefix, { outDir })
  }
}
