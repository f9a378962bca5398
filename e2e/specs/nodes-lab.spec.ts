// Steps 7 and 8 in Chromium against the lab's stand-ins, in English, Simplified Chinese and Russian. A split
// deployment (network server `net`, ML server `ml1`) is made once through the same API the UI uses,
// so the api stand-in runs on net with its admin API reachable only through the app's SSH tunnel.
// Then, as a user in each language: ml1 is listed as missing, its registration is refused by the api
// with the message at the Models field, it is registered and shown enabled, disabled, rehearsed (its
// plan shown, then approved; the network server receives the batches), and the status page shows the
// setup report and ml1.
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import type { Lab, LabHost } from '../lab'
import { test, expect } from './fixtures'
import { addServer } from './helpers'

const LAB_INDEX = resolve(__dirname, '..', 'lab', 'index.ts')
const LAB_PREFIX = process.env.LAB_PREFIX ?? 'ne2'
const DIR = '~/gonka-nodes-e2e'
const ACCOUNT_PUBKEY = 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/'
const UNKNOWN_MODEL = 'e2e/not-a-governance-model'

/** Runs lab code in a tsx child process (e2e/lab uses `import.meta`) and returns its JSON result. */
function labDo(code: string): Promise<unknown> {
  const script =
    `import(${JSON.stringify(LAB_INDEX)}).then(async (m) => { const lab = m.labUp ? m : m.default;` +
    `const out = await (async () => { ${code} })();` +
    `process.stdout.write('\\n@@' + JSON.stringify(out ?? null))` +
    `}).catch((e) => { console.error(e); process.exit(1) })`
  return new Promise((done, fail) => {
    execFile('npx', ['tsx', '--eval', script], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`lab call failed: ${code}\n${stderr}`))
      else done(JSON.parse(stdout.slice(stdout.lastIndexOf('\n@@') + 3)) as unknown)
    })
  })
}

const labReason = ((): string | undefined => {
  const forced = process.env.LAB_FORCE_UNAVAILABLE
  if (forced !== undefined && forced !== '') return `LAB_FORCE_UNAVAILABLE: ${forced}`
  if (process.platform !== 'linux') return `lab tests need Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'lab tests need root (network and mount namespaces)'
  return undefined
})()
if (labReason !== undefined && process.env.LAB_REQUIRED === '1')
  throw new Error(`LAB_REQUIRED=1 but the lab is unavailable: ${labReason}`)

let lab: Lab | undefined
let ownLab = false
let deployed = false
let model = ''
const theLab = (): Lab => {
  if (!lab) throw new Error('the lab is not up')
  return lab
}
const host = (name: string): LabHost => {
  const h = theLab().hosts.find((x) => x.name === name)
  if (!h) throw new Error(`the lab has no ${name} host`)
  return h
}
const seedOf = (): string => `http://${host('seed').address}:8000`
async function on(name: string, command: string): Promise<void> {
  const path = JSON.stringify(join(theLab().out, 'hosts.json'))
  await labDo(
    `const r = await lab.labSsh(lab.labHost(lab.readLab(${path}), ${JSON.stringify(name)}), ${JSON.stringify(command)}); if (r.code !== 0) throw new Error(r.stderr); return r.code`,
  )
}
const cleanup = (name: string, file: string): Promise<void> =>
  on(
    name,
    `cd ${DIR}/deploy/join 2>/dev/null && . ./config.env && docker compose -f ${file} down -v -t 1 >/dev/null 2>&1; sudo rm -rf ${DIR}; true`,
  )

const labTest = test.extend({
  homeDir: async ({ dataDir }, use) => {
    const home = join(dataDir, 'home')
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 })
    await writeFile(
      join(home, '.ssh', 'known_hosts'),
      theLab()
        .hosts.map((h) => `${h.knownHostsLine}\n`)
        .join(''),
      { mode: 0o600 },
    )
    await use(home)
  },
})

type Api = Record<
  string,
  (i: unknown, o?: unknown) => Promise<{ ok: boolean; value: unknown; error?: unknown }>
>

/**
 * Step 1 as a user does it (the network server); then, through the API, ml1, the settings with
 * `modelId` for ml1 and `seed` as the seed, the deployment the first time (started without keys: the
 * api stand-in serves the admin API without a warm key), and ml1 forgotten by the api if an earlier
 * run registered it.
 */
async function prepare(page: Page, modelId: string, seed: string): Promise<void> {
  const net = host('net')
  const ml1 = host('ml1')
  await addServer(page, {
    name: 'net',
    address: net.address,
    port: String(net.port),
    user: net.user,
    role: 'Network node',
    auth: 'Key file',
    keyPath: net.privateKeyPath,
  })
  await expect(page.getByText(net.address).first()).toBeVisible()
  await page.evaluate(
    async ({ repoUrl, dir, seed, pubkey, ml1, modelId, deploy }) => {
      const api = (window as unknown as { api: Api }).api
      const must = async (op: string, input: unknown, runId?: string): Promise<unknown> => {
        const r = await api[op]!(input, runId ? { runId } : undefined)
        if (!r.ok) throw new Error(`${op}: ${JSON.stringify(r.error)}`)
        return r.value
      }
      const list = (await must('listProfiles', {})) as { lastProfileId?: string; profiles: { id: string }[] }
      const id = list.lastProfileId ?? list.profiles[0]!.id
      const loaded = (await must('loadProfile', { id })) as Record<string, unknown> & { servers: unknown[] }
      await must('saveProfile', {
        profile: {
          ...loaded,
          topology: 'split',
          servers: [
            ...loaded.servers,
            {
              id: 'ml1',
              name: 'ml1',
              address: ml1.address,
              port: ml1.port,
              user: ml1.user,
              auth: 'key',
              keyPath: ml1.privateKeyPath,
              role: 'ml',
            },
          ],
          seedApiUrl: seed,
          deployment: {
            repoUrl,
            repoRef: 'main',
            dir,
            publicHost: 'gonka-e2e.example.org',
            keyName: 'e2e-warm',
            accountPubkey: pubkey,
            hfHome: '/tmp/hf-cache',
            mlNodes: [
              {
                serverId: 'ml1',
                nodeId: 'ml1',
                models: [{ id: modelId, args: [] }],
                maxConcurrent: 500,
                inferencePort: 5050,
                pocPort: 8080,
              },
            ],
          },
        },
      })
      if (deploy) {
        await must('holdKeyringPassword', { profileId: id, password: 'e2e-keyring-pass' })
        const plan = (await must(
          'planDeployment',
          { profileId: id, waitSeconds: 60, startWithoutKeys: true },
          `p-${Date.now()}`,
        )) as { planId: string }
        const applied = (await must('applyPlan', { planId: plan.planId }, `a-${Date.now()}`)) as {
          ok: boolean
          actions: { outcome: string }[]
        }
        if (!applied.ok) throw new Error(`deploy: ${JSON.stringify(applied.actions)}`)
      }
      // The api may still be starting: read until it answers, then forget ml1 if it is registered.
      let listing: { rows: { id: string; registered?: unknown }[] } | undefined
      for (let i = 0; i < 60 && !listing; i++) {
        const r = await api['listNodes']!({ profileId: id })
        if (r.ok) listing = r.value as typeof listing
        else await new Promise((done) => setTimeout(done, 1000))
      }
      if (!listing) throw new Error('the admin API did not answer through the tunnel')
      if (listing.rows.some((r) => r.id === 'ml1' && r.registered)) {
        const remove = (await must(
          'planNodes',
          { profileId: id, change: 'remove', nodeId: 'ml1', confirm: true },
          `r-${Date.now()}`,
        )) as { planId: string }
        await must('applyPlan', { planId: remove.planId }, `ra-${Date.now()}`)
      }
    },
    {
      repoUrl: net.gonkaRepoUrl,
      dir: DIR,
      seed,
      pubkey: ACCOUNT_PUBKEY,
      ml1: { address: ml1.address, port: ml1.port, user: ml1.user, privateKeyPath: ml1.privateKeyPath },
      modelId,
      deploy: !deployed,
    },
  )
  deployed = true
}

/** Saves ml1's model and the seed (a fix the user makes in step 4), then opens the app again. */
async function setModelAndSeed(page: Page, modelId: string, seed: string): Promise<void> {
  await page.evaluate(
    async ({ modelId, seed }) => {
      const api = (window as unknown as { api: Api }).api
      const list = (await api['listProfiles']!({})).value as {
        lastProfileId?: string
        profiles: { id: string }[]
      }
      const id = list.lastProfileId ?? list.profiles[0]!.id
      const loaded = (await api['loadProfile']!({ id })).value as {
        deployment: { mlNodes: { models: { id: string; args: string[] }[] }[] }
      }
      for (const n of loaded.deployment.mlNodes) n.models = [{ id: modelId, args: [] }]
      const r = await api['saveProfile']!({ profile: { ...loaded, seedApiUrl: seed } })
      if (!r.ok) throw new Error(`saveProfile: ${JSON.stringify(r.error)}`)
    },
    { modelId, seed },
  )
  await page.reload()
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false')
}

const TEXT = {
  en: {
    step7: /^ML nodes/,
    step8: /^Status/,
    table: 'ML nodes',
    missing: /missing \(in the profile, not registered\)/,
    notRegistered: 'not registered',
    registered: /^registered$/,
    enabled: /^enabled/,
    disabled: /^disabled/,
    add: 'Add ML node ml1',
    showPlan: 'Show the plan',
    approve: 'Approve and apply',
    models: 'Models',
    unknownModel: "The api refused the model: it is not in the network's governance list.",
    registeredDone: 'The api has the ML node settings now.',
    disable: 'Disable ML node ml1',
    disabledDone: 'The node is disabled.',
    rehearse: 'Rehearse PoC on ML node ml1',
    rehearsal: 'PoC rehearsal on ml1',
    run: 'Start the rehearsal',
    restore: 'Stop ML node ml1 again at the end (the api starts it when the node is enabled)',
    received: /The network server received [1-9]\d* batch\(es\) from ml1: the PoC path works\./,
    close: 'Close',
    report: 'Setup report',
    mlnodeCheck: 'ML node ml1 answers its health check',
    nodeDisabled: /ml1 .*· disabled/,
  },
  'zh-CN': {
    step7: /^ML 节点/,
    step8: /^状态/,
    table: 'ML 节点',
    missing: /缺失（配置中有，未注册）/,
    notRegistered: '未注册',
    registered: /^已注册$/,
    enabled: /^已启用/,
    disabled: /^已停用/,
    add: '添加 ML 节点 ml1',
    showPlan: '查看计划',
    approve: '批准并执行',
    models: '模型',
    unknownModel: 'api 拒绝了该模型：它不在网络的治理列表中。',
    registeredDone: 'api 现在已有该 ML 节点的设置。',
    disable: '停用 ML 节点 ml1',
    disabledDone: '节点已停用。',
    rehearse: '在 ML 节点 ml1 上进行 PoC 演练',
    rehearsal: 'ml1 的 PoC 演练',
    run: '开始演练',
    restore: '结束时再次停止 ML 节点 ml1（节点启用后由 api 启动它）',
    received: /网络服务器收到了 ml1 的 [1-9]\d* 个批次：PoC 路径正常。/,
    close: '关闭',
    report: '设置报告',
    mlnodeCheck: 'ML 节点 ml1 健康检查正常',
    nodeDisabled: /ml1 .*· 已停用/,
  },
  ru: {
    step7: /^ML-узлы/,
    step8: /^Состояние/,
    table: 'ML-узлы',
    missing: /отсутствует \(есть в профиле, не зарегистрирован\)/,
    notRegistered: 'не зарегистрирован',
    registered: /^зарегистрирован$/,
    enabled: /^включён/,
    disabled: /^выключен/,
    add: 'Добавить ML-узел ml1',
    showPlan: 'Показать план',
    approve: 'Утвердить и применить',
    models: 'Модели',
    unknownModel: 'api отклонил модель: её нет в списке governance сети.',
    registeredDone: 'Теперь у api есть настройки ML-узла.',
    disable: 'Отключить ML-узел ml1',
    disabledDone: 'Узел отключён.',
    rehearse: 'Репетиция PoC на ML-узле ml1',
    rehearsal: 'Репетиция PoC на ml1',
    run: 'Начать репетицию',
    restore: 'В конце снова остановить ML-узел ml1 (api запустит его, когда узел будет включён)',
    received: /Сетевой сервер получил пакетов от ml1: [1-9]\d*\. Путь PoC работает\./,
    close: 'Закрыть',
    report: 'Отчёт о настройке',
    mlnodeCheck: 'ML-узел ml1 отвечает на проверку состояния',
    nodeDisabled: /ml1 .*· выключен/,
  },
} as const

labTest.describe('steps 7 and 8 against the stand-ins (lab)', () => {
  labTest.skip(labReason !== undefined, labReason)
  labTest.describe.configure({ mode: 'serial' })
  labTest.beforeAll(async () => {
    labTest.setTimeout(300_000)
    const existing = process.env.LAB_HOSTS_JSON
    if (existing) lab = (await labDo(`return lab.readLab(${JSON.stringify(existing)})`)) as Lab
    else {
      lab = (await labDo(
        `return lab.labUp({ prefix: '${LAB_PREFIX}', hosts: ['net', 'ml1', 'seed'] })`,
      )) as Lab
      ownLab = true
    }
    await Promise.all([cleanup('net', 'docker-compose.yml'), cleanup('ml1', 'docker-compose.mlnode.yml')])
    const gov = (await (await fetch(`${seedOf()}/v1/governance/models`)).json()) as {
      models: { id: string }[]
    }
    model = gov.models[0]?.id ?? ''
    expect(model).not.toBe('')
  })
  labTest.afterAll(async () => {
    labTest.setTimeout(180_000)
    if (!lab) return
    await Promise.all([cleanup('net', 'docker-compose.yml'), cleanup('ml1', 'docker-compose.mlnode.yml')])
    if (ownLab) await labDo(`await lab.labDown('${LAB_PREFIX}')`)
  })

  for (const language of ['en', 'zh-CN', 'ru'] as const) {
    const x = TEXT[language]
    labTest(
      `ml1: a field error, registered, disabled, rehearsed; the status page shows the report and ml1 (${language})`,
      async ({ app }) => {
        labTest.setTimeout(480_000)
        const { page } = app
        await prepare(page, model, seedOf())
        // Without a seed in the profile the plan cannot check the models, so the api itself (which
        // reads them from the seed it was deployed with) refuses the unknown one.
        await setModelAndSeed(page, UNKNOWN_MODEL, '')
        if (language !== 'en') await page.getByLabel('Language').selectOption(language)

        const openStep = async (name: RegExp): Promise<void> => {
          await page.getByRole('navigation').getByRole('button', { name }).click()
          await expect(page.getByRole('heading', { level: 1 })).toHaveText(name)
        }
        await openStep(x.step7)
        const table = page.getByRole('table', { name: x.table })
        const row = table.locator('tr[data-node="ml1"]')
        await expect(row).toContainText(x.missing, { timeout: 60_000 })
        await expect(row.getByRole('cell').nth(2)).toHaveText(x.notRegistered)

        // The api refuses the unknown model: back at the form, the message at the Models field.
        await row.getByRole('button', { name: x.add }).click()
        await page.getByRole('button', { name: x.showPlan }).click()
        await page.getByRole('button', { name: x.approve }).click({ timeout: 60_000 })
        const models = page.getByLabel(x.models, { exact: true })
        await expect(models).toHaveAttribute('aria-invalid', 'true', { timeout: 60_000 })
        await expect(models).toHaveAccessibleDescription(x.unknownModel)
        await expect(row.getByRole('cell').nth(2)).toHaveText(x.notRegistered)

        // The user fixes the model (and sets the seed); registration goes through.
        // (The language chosen is kept across the reload.)
        await setModelAndSeed(page, model, seedOf())
        await openStep(x.step7)
        await expect(row).toContainText(x.missing, { timeout: 60_000 })
        await row.getByRole('button', { name: x.add }).click()
        await page.getByRole('button', { name: x.showPlan }).click()
        await page.getByRole('button', { name: x.approve }).click({ timeout: 60_000 })
        await expect(page.getByText(x.registeredDone)).toBeVisible({ timeout: 90_000 })
        await expect(row.getByRole('cell').nth(0)).toHaveText(x.registered)
        await expect(row.getByRole('cell').nth(2)).toHaveText(x.enabled)

        // Disabled, then rehearsed: the network server receives ml1's batches.
        await row.getByRole('button', { name: x.disable }).click()
        await page.getByRole('button', { name: x.approve }).click({ timeout: 60_000 })
        await expect(page.getByText(x.disabledDone)).toBeVisible({ timeout: 90_000 })
        await expect(row.getByRole('cell').nth(2)).toHaveText(x.disabled)
        await row.getByRole('button', { name: x.rehearse }).click()
        // The rehearsal is a plan first: what it will do, down to the stop at the end; then approved.
        const dialog = page.getByRole('dialog', { name: x.rehearsal })
        await expect(dialog.getByText(x.restore)).toBeVisible({ timeout: 60_000 })
        await dialog.getByRole('button', { name: x.run }).click()
        await expect(dialog.getByRole('status').filter({ hasText: x.received })).toBeVisible({
          timeout: 120_000,
        })
        await dialog.getByRole('button', { name: x.close }).click()

        // Step 8: the setup report with its checks, and ml1 (disabled).
        await openStep(x.step8)
        await expect(page.getByRole('heading', { level: 2, name: x.report })).toBeVisible({ timeout: 60_000 })
        await expect(page.locator('p[data-overall]')).toBeVisible({ timeout: 60_000 })
        await expect(page.locator('ul.status-checks > li').first()).toBeVisible()
        await expect(page.locator('ul.status-checks')).toContainText(x.mlnodeCheck)
        await expect(page.locator('ul.status-nodes > li').filter({ hasText: 'ml1' })).toHaveText(
          x.nodeDisabled,
        )
      },
    )
  }
})
