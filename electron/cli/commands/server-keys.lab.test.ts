import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { bech32 } from '@scure/base'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { labHost, type LabHost } from '../../../e2e/lab'
import { COLD_PASSWORD, coldCli, makeColdKey } from '../../../e2e/lab/cold-key'
import { describeLab } from '../../../e2e/lab/require-lab'
import type { ApplyResult, DeployPlan } from '../../shared/deploy'
import type { Profile } from '../../shared/profile'
import type { PushedEvent } from '../../shared/progress'
import type { ServerKeysStatus } from '../../shared/server-keys'
import { main } from '../index'
import { memoryIo } from '../../test-support/memory-io'
import {
  invokeOk,
  labServer,
  labShell as sh,
  removeDeploymentScript,
  runIds,
  saveLabProfile,
  seedUrlOf,
  startLabService,
} from '../../test-support/lab-setup'
import type { AppService } from '../../core/service'

const execFileP = promisify(execFile)

// Step 3 on the server against the lab (real sshd, dockerd, compose; Gonka stand-ins): the keys backup
// before any change, the warm key made once in the api container and reused, registration confirmed
// only when the seed shows the participant (a dropped one reported), grants detected after the
// stand-in grant command runs with a missing one named, and the keyring password (a canary) nowhere
// but config.env: not in ps on the server, container logs, the journal, markers or events.

const CANARY = 'canary-keyring-k10-5d1e'
const DIR = '~/gonka-keys'
const JOIN = `${DIR}/deploy/join`

describeLab('step 3 on the server: backup, warm key, registration, grants (lab)', (lab) => {
  let service: AppService
  let stop: () => Promise<void>
  let dataDir: string
  let net: LabHost
  let seedUrl: string
  let profile: Profile
  let coldHome: string
  const keySeed = `k10-${process.pid}-${Date.now()}`
  const events: PushedEvent[] = []
  const runId = runIds()

  const cold = (args: string[], input = ''): Promise<string> => coldCli(args, input, keySeed)
  const keysPlan = (extra: Record<string, unknown> = {}): Promise<DeployPlan> =>
    invokeOk(service, 'planServerKeys', { profileId: profile.id, ...extra }, { runId: runId('kplan') })
  const apply = (planId: string): Promise<ApplyResult> =>
    invokeOk(service, 'applyPlan', { planId }, { runId: runId('apply') })
  const status = (): Promise<ServerKeysStatus> =>
    invokeOk(service, 'getServerKeysStatus', { profileId: profile.id })
  const seedPost = async (path: string, body: unknown): Promise<unknown> => {
    const r = await fetch(`${seedUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return r.json()
  }
  const stepIds = (p: DeployPlan): string[] => p.hosts.flatMap((h) => h.steps.map((s) => s.actionId))
  const cleanup = async (): Promise<void> => {
    await sh(net, removeDeploymentScript(DIR, 'docker-compose.yml'))
  }

  beforeAll(async () => {
    net = labHost(lab(), 'net')
    seedUrl = seedUrlOf(lab())
    ;({ service, stop, dir: dataDir } = await startLabService(lab(), 'ghw-keys-lab-', events))
    await cleanup()
    await seedPost('/standin/v1/registration', { closed: false, allowlist: null, hold: false, delay_ms: 500 })
    // The cold key, made on "the secure machine" (here) with the stand-in CLI, as the user would.
    coldHome = mkdtempSync(join(tmpdir(), 'ghw-cold-'))
    const pubkey = await makeColdKey(coldHome, keySeed)
    profile = await saveLabProfile(service, {
      id: 'lab-keys',
      name: 'lab keys',
      topology: 'split',
      servers: [labServer(net, 'network')],
      seedApiUrl: seedUrl,
      deployment: {
        repoUrl: net.gonkaRepoUrl,
        repoRef: 'main',
        dir: DIR,
        publicHost: 'gonka-keys.example.org',
        keyName: 'lab-warm',
        accountPubkey: pubkey,
        mlNodes: [],
      },
    })
    const held = await service.invoke('holdKeyringPassword', { profileId: profile.id, password: CANARY })
    expect(held.ok).toBe(true)
    // Step 6's first part: clone, config.env, images, tmkms and node (api waits for the keys).
    const deploy = await invokeOk(
      service,
      'planDeployment',
      { profileId: profile.id, waitSeconds: 60 },
      { runId: runId('plan') },
    )
    const applied = await apply(deploy.planId)
    expect(applied.actions.find((a) => a.actionId === 'net/compose/tmkms,node')?.outcome).toBe('done')
    // The real tmkms makes its consensus key on first start (the stand-in does not): put one there,
    // root-owned like the real one, so the backup has something to keep.
    await sh(
      net,
      `sudo mkdir -p ${JOIN}/.tmkms/secrets && echo '{"lab":"stand-in consensus key"}' | sudo tee ${JOIN}/.tmkms/secrets/priv_validator_key.json >/dev/null && sudo chmod 700 ${JOIN}/.tmkms ${JOIN}/.tmkms/secrets`,
    )
  }, 300_000)

  afterAll(async () => {
    await cleanup()
    await stop()
    rmSync(coldHome, { recursive: true, force: true })
  })

  it('backs up the keys before any change, makes the warm key once, and reuses it on a second run', async () => {
    const first = await keysPlan({ steps: ['backup', 'warm'] })
    expect(stepIds(first)).toEqual(['net/keys/backup', 'net/keys/warm'])
    const watching = { on: true }
    const seen: string[] = []
    const watcher = (async () => {
      while (watching.on) {
        seen.push(await sh(net, 'ps -eo args 2>/dev/null'))
        await new Promise((r) => setTimeout(r, 150))
      }
    })()
    const result = await apply(first.planId)
    watching.on = false
    await watcher
    expect(result.actions.map((a) => [a.actionId, a.outcome])).toEqual([
      ['net/keys/backup', 'done'],
      ['net/keys/warm', 'done'],
    ])
    expect(seen.join('\n')).not.toContain(CANARY)

    // The backup holds .tmkms as it was and no keyring yet: it was made before the warm key.
    const s = await status()
    expect(s.backups).toHaveLength(1)
    const backup = s.backups[0]
    const listing = await sh(net, `tar -tzf ${backup?.path ?? ''}; stat -c '%a %U' ${backup?.path ?? ''}`)
    expect(listing).toContain('.tmkms/secrets/priv_validator_key.json')
    expect(listing).not.toContain('keyring-file')
    expect(listing.trim().split('\n').pop()).toBe(`600 ${net.user}`)
    const journal = readFileSync(join(dataDir, 'journal', `${profile.id}.jsonl`), 'utf8').split('\n')
    const at = (action: string, event: string) =>
      journal.findIndex((l) => l.includes(`"actionId":"${action}"`) && l.includes(`"event":"${event}"`))
    expect(at('net/keys/backup', 'end')).toBeGreaterThan(-1)
    expect(at('net/keys/backup', 'end')).toBeLessThan(at('net/keys/warm', 'start'))

    expect(s.warm).toMatchObject({ state: 'present', keyName: 'lab-warm' })
    expect(s.warm.address).toMatch(/^gonka1/)
    const infos = await sh(net, `sudo ls ${JOIN}/.inference/keyring-file | grep -c '\\.info$'`)
    expect(infos.trim()).toBe('1')

    // Second run: the warm key is reused and said so; the changed keyring is backed up again; nothing else.
    const second = await keysPlan({ steps: ['backup', 'warm'] })
    expect(stepIds(second)).toEqual(['net/keys/backup'])
    expect(JSON.stringify(second.hosts[0]?.notices)).toContain('deploy.keys.notice.warmReused')
    expect((await apply(second.planId)).ok).toBe(true)
    const third = await keysPlan({ steps: ['backup', 'warm'] })
    expect(third.empty).toBe(true)
    expect((await sh(net, `sudo ls ${JOIN}/.inference/keyring-file | grep -c '\\.info$'`)).trim()).toBe('1')
    expect((await status()).warm.address).toBe(s.warm.address)

    // CLI: keys warm says it reuses the key.
    const io = memoryIo({ HOME: dataDir, GHW_USER_DATA_DIR: dataDir })
    expect(await main(['keys', 'warm', '--profile', profile.id, '--yes', '--json'], io)).toBe(0)
    // The JSON of every writing command (as `apply --json`), with keys warm's own fields alongside.
    expect(JSON.parse(io.lines.join(''))).toEqual({
      ok: true,
      planEmpty: true,
      actions: [],
      blocked: [],
      notices: expect.arrayContaining([
        `The warm key lab-warm exists already (${s.warm.address ?? ''}): it is reused, not made again`,
      ]) as unknown,
      keyName: 'lab-warm',
      state: 'present',
      address: s.warm.address,
      reused: true,
      made: false,
      backups: (await status()).backups.map((b) => b.path),
    })
    expect(io.errors.join('\n')).toContain('  nothing to change')
    // The same in Russian for people: the plan and the outcome in the CLI's language.
    const ru = memoryIo({ HOME: dataDir, GHW_USER_DATA_DIR: dataDir, GHW_LANG: 'ru' })
    expect(await main(['keys', 'warm', '--profile', profile.id, '--yes'], ru)).toBe(0)
    expect(ru.errors).toContain('  менять нечего')
    expect(ru.lines).toEqual([
      'Менять нечего: каждый сервер уже в нужном состоянии.',
      `Использован повторно (уже существует): горячий ключ lab-warm ${s.warm.address ?? ''}`,
    ])
  }, 300_000)

  // What `inferenced keys list` in the api container says (the old, slow way: a throw-away container).
  const keysListed = async (): Promise<Array<{ name: string; address: string }>> => {
    const out = await sh(
      net,
      `cd ${JOIN} && set -a && . ./config.env && set +a && docker compose -f docker-compose.yml run --rm --no-deps -T api sh -c 'printf "%s\\n" "$KEYRING_PASSWORD" | inferenced keys list --keyring-backend file --output json' 2>/dev/null`,
    )
    return JSON.parse(out.split('\n').find((l) => l.trim().startsWith('[')) ?? '[]') as Array<{
      name: string
      address: string
    }>
  }
  /** Containers created on net while `during` runs (docker events), and `docker ps -a` before/after. */
  const containersMadeDuring = async (
    during: () => Promise<void>,
  ): Promise<{ before: number; after: number; created: string[] }> => {
    const count = async (): Promise<number> => Number((await sh(net, 'docker ps -aq | wc -l')).trim())
    const before = await count()
    const since = (await sh(net, 'date +%s')).trim()
    await during()
    await new Promise((r) => setTimeout(r, 1100))
    const until = (await sh(net, 'date +%s')).trim()
    const after = await count()
    const events = await sh(
      net,
      `docker events --since ${since} --until ${until} --filter type=container --filter event=create --format '{{.Actor.Attributes.name}}'`,
    )
    return { before, after, created: events.split('\n').filter((l) => l.trim() !== '') }
  }

  it('a deployment plan on a server with a keyring reads the warm key without creating any container', async () => {
    const truth = await keysListed()
    expect(truth.map((k) => k.name)).toEqual(['lab-warm'])
    let notices = ''
    const seen = await containersMadeDuring(async () => {
      for (let i = 0; i < 2; i++) {
        const r = await service.invoke('planDeployment', { profileId: profile.id }, { runId: runId('plan') })
        if (!r.ok) throw new Error(r.error.message)
        notices = JSON.stringify(r.value.hosts.flatMap((h) => h.notices))
      }
    })
    expect(seen.created).toEqual([])
    expect(seen.after).toBe(seen.before)
    // The same answer as the container gave: present, and the address read from the file names.
    const s = await status()
    expect(s.warm).toMatchObject({ state: 'present', keyName: 'lab-warm', address: truth[0]?.address })
    expect(s.warm.reason).toBeUndefined()
    expect(notices).toContain('deploy.keys.cannotServe.titleHost')
  }, 180_000)

  it('with two keys and no api running the address is said to be unknown; a running api is asked by exec', async () => {
    // A second key in the keyring (made here by the test, as a user might have done by hand).
    const addSecond = await sh(
      net,
      `cd ${JOIN} && set -a && . ./config.env && set +a && docker compose -f docker-compose.yml run --rm --no-deps -T api sh -c 'printf "%s\\n" "$KEYRING_PASSWORD" | inferenced keys add lab-second --keyring-backend file --no-backup >/dev/null 2>&1; echo rc=$?'`,
    )
    expect(addSecond).toContain('rc=0')
    const truth = await keysListed()
    const warmTruth = truth.find((k) => k.name === 'lab-warm')?.address
    expect(truth.map((k) => k.name).sort()).toEqual(['lab-second', 'lab-warm'])
    try {
      const stopped = await status()
      expect(stopped.warm).toMatchObject({ state: 'present', keyName: 'lab-warm' })
      expect(stopped.warm.address).toBeUndefined()
      expect(stopped.warm.keys.map((k) => k.name)).toEqual(['lab-second', 'lab-warm'])
      expect(stopped.warm.reason).toMatch(/more than one key.*keyring password/)
      const p = await keysPlan({ steps: ['warm'] })
      expect(p.empty).toBe(true)
      expect(JSON.stringify(p.hosts[0]?.notices)).toContain('deploy.keys.notice.warmReusedNoAddress')

      // The api running: asked with docker compose exec (no new container), the addresses are known.
      await sh(
        net,
        `cd ${JOIN} && set -a && . ./config.env && set +a && docker compose -f docker-compose.yml up -d --no-deps api >/dev/null 2>&1`,
      )
      let running: ServerKeysStatus | undefined
      const seen = await containersMadeDuring(async () => {
        running = await status()
      })
      expect(seen.created).toEqual([])
      expect(running?.warm).toMatchObject({ state: 'present', address: warmTruth })
      expect(running?.warm.keys).toEqual(
        expect.arrayContaining(truth.map((k) => ({ name: k.name, address: k.address }))),
      )
    } finally {
      // Back as before: api stopped and removed, the second key's files gone.
      const secondAddr = truth.find((k) => k.name === 'lab-second')?.address ?? ''
      const hex = Buffer.from(
        bech32.fromWords(bech32.decode(secondAddr as `${string}1${string}`).words),
      ).toString('hex')
      await sh(
        net,
        `cd ${JOIN} && set -a && . ./config.env && set +a && docker compose -f docker-compose.yml rm -sf api >/dev/null 2>&1; sudo rm -f .inference/keyring-file/lab-second.info .inference/keyring-file/${hex}.address`,
      )
    }
    expect((await status()).warm).toMatchObject({
      state: 'present',
      address: warmTruth,
      keys: [{ name: 'lab-warm' }],
    })
  }, 240_000)

  it('keys backup copies the newest backup (a real tar.gz with the keyring) mode 0600, never over a file', async () => {
    const s = await status()
    const newest = s.backups[0]
    expect(newest?.name).toMatch(/^keys-[0-9TZ]+\.tar\.gz$/)
    const out = mkdtempSync(join(tmpdir(), 'ghw-keys-backup-'))
    try {
      const dir = join(out, 'saved')
      const env = { HOME: dataDir, GHW_USER_DATA_DIR: dataDir }
      const io = memoryIo(env)
      expect(await main(['keys', 'backup', '--profile', profile.id, '--out', dir, '--json'], io)).toBe(0)
      const answer = JSON.parse(io.lines.join('')) as {
        files: { path: string; bytes: number; host: string }[]
      }
      const path = join(dir, newest?.name ?? '')
      expect(answer.files).toEqual([{ path, bytes: statSync(path).size, host: net.name }])
      expect(statSync(path).mode & 0o777).toBe(0o600)
      // A real gzip'd tar (listed by tar itself) holding the keyring made by keys warm and .tmkms.
      const listing = (await execFileP('tar', ['-tzf', path])).stdout
      expect(listing).toMatch(/keyring-file\/.*\.info/)
      expect(listing).toContain('.tmkms/secrets/priv_validator_key.json')
      expect(listing).not.toContain(CANARY)

      // A second run into the same folder refuses (exit 1), says so, and leaves the first file as it was.
      const before = readFileSync(path)
      const mtime = statSync(path).mtimeMs
      const again = memoryIo(env)
      expect(await main(['keys', 'backup', '--profile', profile.id, '--out', dir], again)).toBe(1)
      expect(again.errors.join('\n')).toContain(`${path} exists already and is never overwritten`)
      expect(readFileSync(path).equals(before)).toBe(true)
      expect(statSync(path).mtimeMs).toBe(mtime)
      expect(readdirSync(dir)).toEqual([newest?.name])

      // A deployment folder without backups: exit 1, "run step 3 / keys warm first", nothing written.
      const bare = await service.invoke('saveProfile', {
        profile: {
          ...profile,
          id: 'lab-keys-bare',
          name: 'lab keys bare',
          deployment: { ...profile.deployment!, dir: '~/gonka-keys-bare' },
        },
      })
      if (!bare.ok) throw new Error(bare.error.message)
      const none = memoryIo(env)
      const noneDir = join(out, 'none')
      expect(await main(['keys', 'backup', '--profile', 'lab-keys-bare', '--out', noneDir], none)).toBe(1)
      expect(none.errors.join('\n')).toContain(
        `There is no keys backup on ${net.name} yet: run step 3 first (\`keys warm --profile lab-keys-bare\`)`,
      )
      expect(existsSync(noneDir)).toBe(false)

      // Human output: the path and the size, in the CLI's language.
      const zh = memoryIo({ ...env, GHW_LANG: 'zh-CN' })
      expect(await main(['keys', 'backup', '--profile', profile.id, '--out', join(out, 'zh')], zh)).toBe(0)
      expect(zh.lines.join('\n')).toContain(
        `已写入 ${join(out, 'zh', newest?.name ?? '')}（${before.length} 字节`,
      )
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 120_000)

  it('shows a different existing key and never makes a second one', async () => {
    const other = await service.invoke('saveProfile', {
      profile: { ...profile, deployment: { ...profile.deployment!, keyName: 'another-warm' } },
    })
    if (!other.ok) throw new Error(other.error.message)
    try {
      const p = await keysPlan({ steps: ['warm'] })
      const change = p.hosts[0]?.changes[0]
      expect(change?.kind).toBe('blocked')
      expect(JSON.stringify(change)).toContain('lab-warm (gonka1')
      const r = await apply(p.planId)
      expect(r.ok).toBe(false)
      expect((await sh(net, `sudo ls ${JOIN}/.inference/keyring-file | grep -c '\\.info$'`)).trim()).toBe('1')
    } finally {
      await service.invoke('saveProfile', { profile })
    }
  }, 120_000)

  it('reports a registration the seed drops, and confirms one only when the participant appears', async () => {
    // Step 6 waits for the registration before it starts api and the rest.
    const deployPlan = async (): Promise<string> => {
      const r = await service.invoke('planDeployment', { profileId: profile.id }, { runId: runId('plan') })
      if (!r.ok) throw new Error(r.error.message)
      return JSON.stringify(r.value.hosts.flatMap((h) => h.changes))
    }
    expect(await deployPlan()).toContain('deploy.keys.change.waitRegistration')
    await seedPost('/standin/v1/registration', { closed: true })
    try {
      const p = await keysPlan({ steps: ['register'], registerWaitSeconds: 6 })
      expect(stepIds(p)).toEqual(['net/keys/register'])
      const r = await apply(p.planId)
      const reg = r.actions.find((a) => a.actionId === 'net/keys/register')
      expect(reg?.outcome).toBe('failed')
      expect(reg?.reason).toMatch(/did not appear on the seed within 6 s; the registration is not done/)
      expect(reg?.reason).toMatch(/closed, or limited to an allowlist/)
      expect((await status()).registration.state).toBe('not-found')
    } finally {
      await seedPost('/standin/v1/registration', { closed: false })
    }
    const io = memoryIo({ HOME: dataDir, GHW_USER_DATA_DIR: dataDir })
    expect(
      await main(['register', '--profile', profile.id, '--wait', '--timeout', '90', '--yes', '--json'], io),
    ).toBe(0)
    const out = JSON.parse(io.lines.join('')) as { registered: boolean; url: string }
    expect(out).toMatchObject({ registered: true, url: 'http://gonka-keys.example.org:8000' })
    const s = await status()
    expect(s.registration.state).toBe('registered')
    expect(s.cannotServeWhy.map((w) => w.key)).not.toContain('deploy.keys.cannotServe.notRegistered')
    expect((await keysPlan({ steps: ['register'] })).empty).toBe(true)
    expect(await deployPlan()).not.toContain('deploy.keys.change.waitRegistration')
  }, 240_000)

  it('detects the grants after the grant command runs, and names a missing permission', async () => {
    const deployNotices = async (): Promise<string> => {
      const r = await service.invoke('planDeployment', { profileId: profile.id }, { runId: runId('plan') })
      if (!r.ok) throw new Error(r.error.message)
      return JSON.stringify(r.value.hosts.flatMap((h) => h.notices))
    }
    const before = await status()
    expect(before.canServe).toBe(false)
    // The deployment plan says plainly that the host cannot serve yet, and why.
    expect(await deployNotices()).toContain('deploy.keys.cannotServe.titleHost')
    expect(await deployNotices()).toContain('deploy.keys.cannotServe.grantsMissing')
    expect(before.grants?.missing).toHaveLength(20)
    const command = before.grantCommand ?? ''
    expect(command).toBe(
      `./inferenced tx inference grant-ml-ops-permissions gonka-account-key ${before.warm.address ?? ''} --from gonka-account-key --keyring-backend file --gas 2000000 --node ${seedUrl}/chain-rpc/`,
    )
    // The user runs it on the secure machine (here: the stand-in CLI with the cold keyring).
    const args = command.split(' ').slice(1)
    const sent = await cold([...args, '--home', coldHome], `${COLD_PASSWORD}\n`)
    expect(sent).toContain('Transaction confirmed successfully!')
    const waited = await service.invoke(
      'waitForGrants',
      { profileId: profile.id, timeoutSeconds: 30, intervalSeconds: 1 },
      { runId: runId('grants') },
    )
    if (!waited.ok) throw new Error(waited.error.message)
    expect(waited.value.grants).toMatchObject({ complete: true, missing: [], feeAllowance: 'present' })
    expect(waited.value.canServe).toBe(true)
    expect(await deployNotices()).not.toContain('deploy.keys.cannotServe')

    await seedPost('/standin/v1/revoke', {
      granter: before.account?.address,
      grantee: before.warm.address,
      msg: '/inference.inference.MsgClaimRewards',
    })
    const io = memoryIo({ HOME: dataDir, GHW_USER_DATA_DIR: dataDir })
    expect(await main(['grants', '--profile', profile.id, '--json'], io)).toBe(1)
    const out = JSON.parse(io.lines.join('')) as { complete: boolean; missing: string[] }
    expect(out).toMatchObject({ complete: false, missing: ['/inference.inference.MsgClaimRewards'] })
    expect(io.errors.join('\n')).toMatch(
      /cannot serve yet: 1 permissions are not granted to the warm key: MsgClaimRewards/,
    )
  }, 180_000)

  it('the keyring password is nowhere but config.env: not in container logs, journal, markers, events or backups', async () => {
    const logs = await sh(net, `cd ${JOIN} && for c in $(docker ps -aq); do docker logs $c 2>&1; done`)
    expect(logs.length).toBeGreaterThan(0)
    expect(logs).not.toContain(CANARY)
    const backups = await sh(net, `for f in ${DIR}/.ghw/backups/*.tar.gz; do tar -xzOf "$f"; done`)
    expect(backups).not.toContain(CANARY)
    expect(await sh(net, `cat ${DIR}/.ghw/journal.json`)).not.toContain(CANARY)
    const journal = readFileSync(join(dataDir, 'journal', `${profile.id}.jsonl`), 'utf8')
    expect(journal).not.toContain(CANARY)
    for (const f of readdirSync(join(dataDir, 'profiles')))
      expect(readFileSync(join(dataDir, 'profiles', f), 'utf8')).not.toContain(CANARY)
    expect(JSON.stringify(events)).not.toContain(CANARY)
  }, 60_000)
})
