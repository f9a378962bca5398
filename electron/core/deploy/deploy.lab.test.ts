import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { killSshConnections, labHost, smallDisk, stopDocker, type LabHost } from '../../../e2e/lab'
import { describeLab } from '../../../e2e/lab/require-lab'
import type { ApplyResult, DeployPlan } from '../../shared/deploy'
import type { Profile } from '../../shared/profile'
import type { PushedEvent } from '../../shared/progress'
import {
  invokeOk,
  labDeployment,
  labServer,
  labShell as sh,
  removeDeploymentScript,
  runIds,
  saveLabProfile,
  seedUrlOf,
  startLabService,
} from '../../test-support/lab-setup'
import type { AppService } from '../service'

// A full deployment on the lab through the service, as the CLI and the app run it: net (network
// node), ml1 and ml2 (ML nodes) from the lab's own gonka repository, then a second plan that is
// empty, refusals that must happen before anything is written, and a keyring-password canary that
// must never show up anywhere but the network server's 0600 config.env.

const CANARY = 'canary-keyring-9f31c7'
const DIR = '~/gonka-deploy'

describeLab('deploy engine on the lab: net + ml1 + ml2 from the stand-in repository', (lab) => {
  let service: AppService
  let stop: () => Promise<void>
  let dataDir: string
  let net: LabHost
  let ml1: LabHost
  let ml2: LabHost
  let profile: Profile
  const events: PushedEvent[] = []
  const runId = runIds()

  const plan = (options: Record<string, unknown> = {}): Promise<DeployPlan> =>
    invokeOk(service, 'planDeployment', { profileId: profile.id, ...options }, { runId: runId('plan') })
  const apply = (planId: string): Promise<ApplyResult> =>
    invokeOk(service, 'applyPlan', { planId }, { runId: runId('apply') })
  const cleanup = async (): Promise<void> => {
    await Promise.all([
      sh(net, removeDeploymentScript(DIR, 'docker-compose.yml')),
      sh(ml1, removeDeploymentScript(DIR, 'docker-compose.mlnode.yml')),
      sh(ml2, removeDeploymentScript(DIR, 'docker-compose.mlnode.yml')),
    ])
  }

  beforeAll(async () => {
    net = labHost(lab(), 'net')
    ml1 = labHost(lab(), 'ml1')
    ml2 = labHost(lab(), 'ml2')
    ;({ service, stop, dir: dataDir } = await startLabService(lab(), 'ghw-deploy-lab-', events))
    await cleanup()
    profile = await saveLabProfile(service, {
      id: 'lab-deploy',
      name: 'lab deploy',
      topology: 'split',
      servers: [labServer(net, 'network'), labServer(ml1, 'ml'), labServer(ml2, 'ml')],
      seedApiUrl: seedUrlOf(lab()),
      deployment: labDeployment(net, DIR),
    })
    const held = await service.invoke('holdKeyringPassword', { profileId: profile.id, password: CANARY })
    expect(held.ok).toBe(true)
  }, 120_000)

  afterAll(async () => {
    await cleanup()
    await stop()
  })

  it("plans, applies, and a second plan is empty; net's callback is its lab address; the canary stays in config.env", async () => {
    const first = await plan({ startWithoutKeys: true, waitSeconds: 60 })
    expect(first.empty).toBe(false)
    const netPlan = first.hosts.find((h) => h.host === 'net')
    expect(netPlan?.steps.map((s) => s.actionId)).toEqual(
      expect.arrayContaining(['net/repo', 'net/config.env', 'net/compose/tmkms,node', 'net/compose/rest']),
    )
    expect(JSON.stringify(first)).not.toContain(CANARY)

    // ps on the servers while the apply runs: the canary is never on a command line.
    let watching = true
    const seen: string[] = []
    const watcher = (async () => {
      while (watching) {
        seen.push(await sh(net, 'ps -eo args 2>/dev/null'), await sh(ml1, 'ps -eo args 2>/dev/null'))
        await new Promise((r) => setTimeout(r, 200))
      }
    })()
    const result = await apply(first.planId)
    watching = false
    await watcher
    expect(result.actions.filter((a) => a.outcome === 'failed')).toEqual([])
    expect(result.ok).toBe(true)
    expect(seen.join('\n')).not.toContain(CANARY)

    const env = await sh(net, `cat ${DIR}/deploy/join/config.env; stat -c %a ${DIR}/deploy/join/config.env`)
    expect(env).toContain(`DAPI_API__POC_CALLBACK_URL=http://${net.address}:9100`)
    expect(env.trim().endsWith('600')).toBe(true)
    const ps = await service.invoke('listContainers', { profileId: profile.id })
    if (!ps.ok) throw new Error(ps.error.message)
    const running = (host: string) =>
      ps.value.containers
        .filter((c) => c.host === host && c.state === 'running')
        .map((c) => c.service)
        .sort()
    expect(running('net')).toEqual(expect.arrayContaining(['api', 'node', 'proxy', 'tmkms']))
    expect(running('ml1')).toEqual(expect.arrayContaining(['inference', 'mlnode-308']))
    expect(running('ml2')).toEqual(expect.arrayContaining(['inference', 'mlnode-308']))

    const again = await plan({ startWithoutKeys: true })
    expect(again.hosts.map((h) => [h.host, h.changes])).toEqual([
      ['net', []],
      ['ml1', []],
      ['ml2', []],
    ])

    // The canary is nowhere but the server's config.env: not in the journal, profile, markers or events.
    const journal = readFileSync(join(dataDir, 'journal', `${profile.id}.jsonl`), 'utf8')
    expect(journal).toContain('"event":"end"')
    expect(journal).not.toContain(CANARY)
    for (const f of readdirSync(join(dataDir, 'profiles')))
      expect(readFileSync(join(dataDir, 'profiles', f), 'utf8')).not.toContain(CANARY)
    expect(JSON.stringify(events)).not.toContain(CANARY)
    expect(await sh(net, `cat ${DIR}/.ghw/journal.json`)).toContain('"net/config.env"')
    expect(await sh(net, `cat ${DIR}/.ghw/journal.json`)).not.toContain(CANARY)
  }, 300_000)

  it('refuses http://api:9100 as the callback of a split deployment before writing', async () => {
    const before = await sh(net, `sha256sum ${DIR}/deploy/join/config.env`)
    const saved = await service.invoke('saveProfile', {
      profile: { ...profile, deployment: { ...profile.deployment, callbackUrl: 'http://api:9100' } },
    })
    if (!saved.ok) throw new Error(saved.error.message)
    try {
      const p = await plan()
      const netSteps = p.hosts.find((h) => h.host === 'net')?.changes ?? []
      expect(netSteps.some((c) => c.kind === 'blocked')).toBe(true)
      const r = await apply(p.planId)
      expect(r.ok).toBe(false)
      expect(r.actions.find((a) => a.actionId === 'net/config.env')?.outcome).toBe('failed')
      expect(await sh(net, `sha256sum ${DIR}/deploy/join/config.env`)).toBe(before)
    } finally {
      await service.invoke('saveProfile', { profile })
    }
  }, 120_000)

  it("ml1's PoC batches reach the callback in net's config.env (stand-in ML node and api)", async () => {
    const line = await sh(net, `grep '^export DAPI_API__POC_CALLBACK_URL=' ${DIR}/deploy/join/config.env`)
    const callback = line
      .trim()
      .replace(/^export DAPI_API__POC_CALLBACK_URL=/, '')
      .replace(/^"|"$/g, '')
    expect(callback).toBe(`http://${net.address}:9100`)
    // What the api does at a PoC start (stand-in route): the ML node generates and posts its batches
    // to <callback>/v2/poc-batches/<model>/generated, from ml1 over the lab network to net:9100.
    const model = 'Qwen/Qwen3-0.6B'
    const body = JSON.stringify({
      url: `${callback}/v2/poc-batches/${encodeURIComponent(encodeURIComponent(model))}`,
      params: { model },
      node_id: 'ml1',
    })
    const started = await sh(
      ml1,
      `curl -s -m 10 -X POST -H 'Content-Type: application/json' --data '${body}' http://127.0.0.1:8080/api/v1/pow/init/generate`,
    )
    expect(started).toContain('GENERATING')
    let received = ''
    for (let i = 0; i < 60 && !received.includes('received generated PoC batch'); i++) {
      await new Promise((r) => setTimeout(r, 500))
      received = await sh(
        net,
        'docker logs $(docker ps -q -f label=com.docker.compose.service=api | head -1) 2>&1 | grep "PoC batch" | tail -3',
      )
    }
    expect(received).toContain('received generated PoC batch')
  }, 120_000)

  it('an SSH connection killed mid-apply leaves config.env old or new, never half; the next apply finishes', async () => {
    const path = `${DIR}/deploy/join/config.env`
    const old = await sh(net, `cat ${path}`)
    // Another keyring password: net's config.env is rewritten and its services recreated.
    const next = `${CANARY}-next`
    expect((await service.invoke('holdKeyringPassword', { profileId: profile.id, password: next })).ok).toBe(
      true,
    )
    const p = await plan({ startWithoutKeys: true, waitSeconds: 60 })
    expect(p.hosts.find((h) => h.host === 'net')?.steps.map((s) => s.actionId)).toContain('net/config.env')
    let killed: Promise<unknown> | undefined
    const off = service.onEvent((e) => {
      if (
        killed === undefined &&
        e.type === 'progress' &&
        e.event.stepId === 'net/config.env' &&
        e.event.kind === 'start'
      )
        killed = killSshConnections(lab(), 'net')
    })
    let interrupted: ApplyResult | undefined
    try {
      const r = await service.invoke('applyPlan', { planId: p.planId }, { runId: runId('apply') })
      interrupted = r.ok ? r.value : undefined
    } finally {
      off()
    }
    expect(killed).toBeDefined()
    await killed
    const now = await sh(net, `cat ${path}`)
    const isOld = now === old
    const isNew = now.includes(next) && now.split('\n').length === old.split('\n').length
    expect(isOld || isNew, `config.env is neither the old nor the new one:\n${now}`).toBe(true)
    // No temporary file is left half-written next to it.
    expect(await sh(net, `ls -A ${DIR}/deploy/join | grep -c 'config.env.*tmp' || true`)).toMatch(/^0/)

    // Resume: a new plan and apply finish what was left, and then nothing is to change.
    const resumed = await plan({ startWithoutKeys: true, waitSeconds: 60 })
    const r2 = await apply(resumed.planId)
    expect(
      r2.actions.filter((a) => a.outcome === 'failed'),
      JSON.stringify(interrupted?.actions),
    ).toEqual([])
    expect(r2.ok).toBe(true)
    expect(await sh(net, `cat ${path}`)).toContain(next)
    const done = await plan({ startWithoutKeys: true })
    expect(done.hosts.map((h) => [h.host, h.changes])).toEqual([
      ['net', []],
      ['ml1', []],
      ['ml2', []],
    ])
  }, 400_000)

  it('a disk too small for the deployment is refused before anything is written', async () => {
    const mount = '/mnt/ghw-small'
    const undo = await smallDisk(lab(), 'net', mount, 8)
    const small: Profile = {
      ...profile,
      id: 'lab-small',
      name: 'lab small',
      servers: profile.servers.filter((s) => s.id === 'net'),
      ...(profile.deployment ? { deployment: { ...profile.deployment, dir: `${mount}/gonka` } } : {}),
    }
    try {
      const saved = await service.invoke('saveProfile', { profile: small })
      if (!saved.ok) throw new Error(saved.error.message)
      const r = await service.invoke('planDeployment', { profileId: small.id }, { runId: runId('plan') })
      if (!r.ok) throw new Error(r.error.message)
      const repo = r.value.hosts[0]?.steps.find((s) => s.actionId === 'net/repo')
      expect(repo?.changes.map((c) => c.kind)).toEqual(['blocked'])
      expect(repo?.changes[0]?.summary.key).toBe('deploy.change.diskTooSmall')
      const applied = await apply(r.value.planId)
      expect(applied.ok).toBe(false)
      expect(applied.actions.find((a) => a.actionId === 'net/repo')?.outcome).toBe('failed')
      // Nothing was written: the small disk is as empty as it was (no clone, no config.env, no marker).
      expect((await sh(net, `ls -A ${mount}`)).trim()).toBe('')
    } finally {
      await service.invoke('deleteProfile', { id: small.id })
      await undo()
    }
  }, 120_000)

  it('says clearly that Docker is not answering when dockerd is stopped', async () => {
    const undo = await stopDocker(lab(), 'ml2')
    try {
      const r = await service.invoke('planDeployment', { profileId: profile.id }, { runId: runId('plan') })
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.error.message).toMatch(/Docker is not answering on .*198\.51\.100/)
        expect(r.error.hint).toMatch(/systemctl start docker/)
      }
    } finally {
      await undo()
    }
  }, 120_000)
})
