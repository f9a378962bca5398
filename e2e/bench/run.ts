// `npm run bench`: brings up a lab of its own, runs every benchmark against it, prints one JSON
// document with the raw figures and their ratios, and takes the lab down. Asserts no timing.
import { labDown, labUp } from '../lab'
import { runApplyBench } from './apply.bench'
import { runChecksBench } from './checks.bench'
import { runLogsBench } from './logs.bench'
import { runSshBench } from './ssh.bench'

async function main(): Promise<void> {
  const unavailable =
    process.platform !== 'linux'
      ? 'it runs on Linux only'
      : process.getuid?.() !== 0
        ? 'it needs root (network namespaces, sshd, dockerd)'
        : undefined
  if (unavailable) {
    process.stderr.write(`npm run bench needs the lab (real test hosts): ${unavailable}\n`)
    process.exitCode = 2
    return
  }
  const prefix = `bn${process.pid % 10000}`
  const startedAt = new Date().toISOString()
  // `npm run bench -- logs` runs only the logs benchmark (on `net` alone); `-- apply` only the apply one.
  const only = process.argv[2]
  if (only !== undefined && only !== 'logs' && only !== 'apply') {
    process.stderr.write(`Unknown benchmark "${only}": use no argument (all), logs or apply.\n`)
    process.exitCode = 2
    return
  }
  const runs = (name: string): boolean => only === undefined || only === name
  const lab = await labUp({
    prefix,
    hosts: only === 'logs' ? ['net'] : ['net', 'ml1', 'ml2', 'seed'],
    output: 'pipe',
  })
  try {
    const ssh = only === undefined ? await runSshBench(lab.hosts, 20) : undefined
    const checks = only === undefined ? await runChecksBench(lab, ['ml1', 'ml2']) : undefined
    const logs = runs('logs') ? await runLogsBench(lab) : undefined
    const apply = runs('apply') ? await runApplyBench(lab) : undefined
    const report = {
      startedAt,
      machine: { platform: process.platform, node: process.version },
      lab: { prefix, hosts: lab.hosts.map((h) => h.name) },
      ssh,
      checks,
      logs,
      apply,
    }
    process.stdout.write(JSON.stringify(report, null, 2) + '\n')
  } finally {
    await labDown(prefix, { output: 'pipe' })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
