// Steps 7 and 8 in Chromium against the lab's stand-ins, in English, Simplified Chinese and Russian. A split
// deployment (network server `net`, ML server `ml1`) is made once through the same API the UI uses,
// so the api stand-in runs on net with its admin API reachable only through the app's SSH tunnel.
// Then, as a user in each language: ml1 is listed as missing, its registration is refused by the api
// with the message at the Models field, it is registered and shown enabled, disabled, rehearsed (its
// plan shown, then approved; the network server receives the batches), and the status page shows the
// setup report and ml1.
import type { Page } from '@playwright/test'
import { expect } from './fixtures'
import { callApi, changeProfile, mustApi, reopenApp } from './helpers'
import { addLabServer, skipWithoutLab, specLab } from './lab-fixtures'

const DIR = '~/gonka-nodes-e2e'
const ACCOUNT_PUBKEY = 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/'
const UNKNOWN_MODEL = 'e2e/not-a-governance-model'

const lab = specLab({ prefix: 'ne2', hosts: ['net', 'ml1', 'seed'] })
const labTest = lab.test
const { host, seedUrl: seedOf, on } = lab
let deployed = false
let model = ''
const cleanup = (name: string, file: string): Promise<void> =>
  on(
    name,
    `cd ${DIR}/deploy/join 2>/dev/null && . ./config.env && docker compose -f ${file} down -v -t 1 >/dev/null 2>&1; sudo rm -rf ${DIR}; true`,
  )

/**
 * Step 1 as a user does it (the network server); then, through the API, ml1, the settings with
 * `modelId` for ml1 and `seed` as the seed, the deployment the first time (started without keys: the
 * api stand-in serves the admin API without a warm key), and ml1 forgotten by the api if an earlier
 * run registered it.
 */
async function prepare(page: Page, modelId: string, seed: string): Promise<void> {
  const net = host('net')
  const ml1 = host('ml1')
  await addLabServer(page, net, 'Network node')
  const id = await changeProfile(page, (loaded) => ({
    ...loaded,
    topology: 'split',
    servers: [
      ...(loaded.servers as unknown[]),
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
      repoUrl: net.gonkaRepoUrl,
      repoRef: 'main',
      dir: DIR,
      publicHost: 'gonka-e2e.example.org',
      keyName: 'e2e-warm',
      accountPubkey: ACCOUNT_PUBKEY,
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
  }))
  if (!deployed) {
    await mustApi(page, 'holdKeyringPassword', { profileId: id, password: 'e2e-keyring-pass' })
    const plan = await mustApi<{ planId: string }>(
      page,
      'planDeployment',
      { profileId: id, waitSeconds: 60, startWithoutKeys: true },
      `p-${Date.now()}`,
    )
    const applied = await mustApi<{ ok: boolean; actions: { outcome: string }[] }>(
      page,
      'applyPlan',
      { planId: plan.planId },
      `a-${Date.now()}`,
    )
    if (!applied.ok) throw new Error(`deploy: ${JSON.stringify(applied.actions)}`)
  }
  // The api may still be starting: read until it answers, then forget ml1 if it is registered.
  let listing: { rows: { id: string; registered?: unknown }[] } | undefined
  for (let i = 0; i < 60 && !listing; i++) {
    const r = await callApi(page, 'listNodes', { profileId: id })
    if (r.ok) listing = r.value as typeof listing
    else await new Promise((done) => setTimeout(done, 1000))
  }
  if (!listing) throw new Error('the admin API did not answer through the tunnel')
  if (listing.rows.some((r) => r.id === 'ml1' && r.registered)) {
    const remove = await mustApi<{ planId: string }>(
      page,
      'planNodes',
      { profileId: id, change: 'remove', nodeId: 'ml1', confirm: true },
      `r-${Date.now()}`,
    )
    await mustApi(page, 'applyPlan', { planId: remove.planId }, `ra-${Date.now()}`)
  }
  deployed = true
}

/** Saves ml1's model and the seed (a fix the user makes in step 4), then opens the app again. */
async function setModelAndSeed(page: Page, modelId: string, seed: string): Promise<void> {
  await changeProfile(page, (loaded) => {
    const deployment = loaded.deployment as { mlNodes: { models: { id: string; args: string[] }[] }[] }
    for (const n of deployment.mlNodes) n.models = [{ id: modelId, args: [] }]
    return { ...loaded, seedApiUrl: seed }
  })
  await reopenApp(page)
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
  skipWithoutLab(labTest, 'steps 7 and 8 against the stand-ins (lab)')
  labTest.beforeAll(async () => {
    labTest.setTimeout(300_000)
    await lab.up()
    await Promise.all([cleanup('net', 'docker-compose.yml'), cleanup('ml1', 'docker-compose.mlnode.yml')])
    const gov = (await (await fetch(`${seedOf()}/v1/governance/models`)).json()) as {
      models: { id: string }[]
    }
    model = gov.models[0]?.id ?? ''
    expect(model).not.toBe('')
  })
  labTest.afterAll(async () => {
    labTest.setTimeout(180_000)
    if (!lab.isUp) return
    await Promise.all([cleanup('net', 'docker-compose.yml'), cleanup('ml1', 'docker-compose.mlnode.yml')])
    await lab.down()
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
