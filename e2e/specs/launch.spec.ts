// Step 6 (Launch) against the lab's real `net` host with the stand-in gonka repository: the plan per
// server (nothing written before Approve), approval and the apply's progress, a container's live logs,
// and a failure card (port already allocated) with its fix and Copy — in English and Chinese.
import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import type { Lab, LabHost } from '../lab'
import { expect, test as base } from './fixtures'
import { addServer } from './helpers'

const PREFIX = 'lu'
const LAB_INDEX = resolve(__dirname, '..', 'lab', 'index.ts')
const NOISY = 'ghw-launch-noisy'

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

function labUnavailableReason(): string | undefined {
  const forced = process.env.LAB_FORCE_UNAVAILABLE
  if (forced !== undefined && forced !== '') return `LAB_FORCE_UNAVAILABLE: ${forced}`
  if (process.platform !== 'linux') return `lab tests need Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'lab tests need root (network and mount namespaces)'
  return undefined
}
const unavailable = labUnavailableReason()
if (unavailable !== undefined) {
  if (process.env.LAB_REQUIRED === '1')
    throw new Error(`LAB_REQUIRED=1 but the lab is unavailable: ${unavailable}`)
  console.warn(`\n*** SKIPPING launch.spec.ts (step 6 on the lab): ${unavailable} ***\n`)
}

let lab: Lab | undefined
const theLab = (): Lab => {
  if (!lab) throw new Error('the lab is not up')
  return lab
}
const net = (): LabHost => {
  const h = theLab().hosts.find((x) => x.name === 'net')
  if (!h) throw new Error('the lab has no net host')
  return h
}
/** Runs a shell command on net as the SSH user. */
async function onNet(command: string): Promise<void> {
  const path = JSON.stringify(join(theLab().out, 'hosts.json'))
  await labDo(
    `const r = await lab.labSsh(lab.labHost(lab.readLab(${path}), 'net'), ${JSON.stringify(command)}); if (r.code !== 0) throw new Error(r.stderr); return r.code`,
  )
}

const test = base.extend({
  homeDir: async ({ dataDir }, use) => {
    const home = join(dataDir, 'home')
    await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 })
    await writeFile(
      join(home, '.ssh', 'known_hosts'),
      theLab()
        .hosts.map((h) => `${h.knownHostsLine}\n`)
        .join(''),
      {
        mode: 0o600,
      },
    )
    await use(home)
  },
})

/** Step 1 as a user does it, then step 4's deployment files pointed at the lab's stand-in repository. */
async function setUp(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  const h = net()
  await addServer(page, {
    name: 'net',
    address: h.address,
    port: String(h.port),
    user: h.user,
    role: 'Network node',
    auth: 'Key file',
    keyPath: h.privateKeyPath,
  })
  await expect(page.getByText(h.address).first()).toBeVisible()
  // Step 4's form belongs to another part of the app; its saved result is set through the same API.
  await page.evaluate(
    async ({ repoUrl, dir, address }) => {
      const api = (
        window as unknown as { api: Record<string, (i: unknown) => Promise<{ ok: boolean; value: unknown }>> }
      ).api
      type Listing = { value: { lastProfileId?: string; profiles: { id: string }[] } }
      // The server just added is saved in the background: wait (bounded) until the profile is listed.
      let list = (await api['listProfiles']!({})) as Listing
      for (
        let i = 0;
        i < 100 && list.value.lastProfileId === undefined && list.value.profiles.length === 0;
        i++
      ) {
        await new Promise((r) => setTimeout(r, 100))
        list = (await api['listProfiles']!({})) as Listing
      }
      const id = list.value.lastProfileId ?? list.value.profiles[0]?.id
      if (id === undefined) throw new Error('the profile with the server just added was never saved')
      const loaded = (await api['loadProfile']!({ id })) as { value: Record<string, unknown> }
      const saved = await api['saveProfile']!({
        profile: { ...loaded.value, deployment: { repoUrl, repoRef: 'main', dir, publicHost: address } },
      })
      if (!saved.ok) throw new Error(JSON.stringify(saved))
    },
    { repoUrl: h.gonkaRepoUrl, dir: `~/gonka-${language === 'en' ? 'en' : 'zh'}`, address: h.address },
  )
  await page.reload()
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false')
  if (language === 'zh-CN') await page.getByLabel('Language').selectOption('zh-CN')
}

const TEXT = {
  en: {
    step: 'Launch',
    make: 'Make the plan',
    planFor: 'Plan for net',
    approve: 'Approve and apply',
    clone: /Clone file:\/\/\/.* at main into/,
    done: 'Done',
    look: 'Look for problems',
    logs: 'Show live logs',
    logLabel: 'Log lines',
    copy: "Copy the command sudo ss -ltnp 'sport = :8000'",
    cause: 'port 8000 is already in use on the server',
  },
  'zh-CN': {
    step: '启动',
    make: '生成计划',
    planFor: 'net 的计划',
    approve: '批准并执行',
    clone: /file:\/\/\/.*main/,
    done: '完成',
    look: '检查问题',
    logs: '显示实时日志',
    logLabel: '日志行',
    copy: "复制命令 sudo ss -ltnp 'sport = :8000'",
    cause: '8000',
  },
} as const

test.describe('step 6 Launch on the lab', () => {
  test.skip(unavailable !== undefined, unavailable)
  test.describe.configure({ mode: 'serial' })
  test.beforeAll(async () => {
    test.setTimeout(300_000)
    lab = (await labDo(`return lab.labUp({ prefix: '${PREFIX}', hosts: ['net'] })`)) as Lab
    // A container whose log says its port is taken, and keeps writing lines (a compose service label,
    // as compose sets it, so the app treats it as the deployment's proxy).
    await onNet(
      `docker rm -f ${NOISY} >/dev/null 2>&1; docker run -d --name ${NOISY} --label com.docker.compose.service=proxy --entrypoint node ghcr.io/product-science/proxy:0.2.14 -e "let n = 0; setInterval(() => { if (n % 20 === 0) console.error('Error response from daemon: driver failed programming external connectivity on endpoint proxy: Bind for 0.0.0.0:8000 failed: port is already allocated'); console.log('tick ' + n++) }, 100)"`,
    )
  })
  test.afterAll(async () => {
    test.setTimeout(120_000)
    if (lab) {
      await onNet(`docker rm -f ${NOISY} >/dev/null 2>&1 || true`).catch(() => undefined)
      await labDo(`await lab.labDown('${PREFIX}')`)
    }
  })

  for (const language of ['en', 'zh-CN'] as const) {
    const x = TEXT[language]
    test(`plan review, approval, progress, logs and a failure card (${language})`, async ({ app }) => {
      test.setTimeout(240_000)
      const page = app.page
      await setUp(page, language)
      await page
        .getByRole('navigation')
        .getByRole('button', { name: new RegExp(x.step) })
        .click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(x.step)

      // The plan: per server, what will change; nothing written before Approve.
      await page.getByRole('button', { name: x.make }).click()
      const plan = page.getByRole('region', { name: x.planFor })
      await expect(plan).toBeVisible({ timeout: 60_000 })
      await expect(plan.locator('[data-kind="command"]').filter({ hasText: x.clone })).toBeVisible()
      // config.env cannot be written without step 3's keys and the keyring password: the plan says so.
      await expect(plan.locator('[data-kind="blocked"]').first()).toBeVisible()
      // The clone folder does not exist before approval.
      const dir = `~/gonka-${language === 'en' ? 'en' : 'zh'}`
      await onNet(`test ! -e ${dir}`)

      // Approve: the repository action runs and ends done, shown per host.
      await page.getByRole('button', { name: x.approve }).click()
      const repoRow = page.locator('[data-action$="/repo"]').filter({ hasText: x.done }).first()
      await expect(repoRow).toHaveAttribute('data-state', 'done', { timeout: 120_000 })
      await onNet(`test -d ${dir}/.git`)

      // A failure card with the cause and the fix's command to copy.
      await page.getByRole('button', { name: x.look }).click()
      const card = page.locator('[data-failure="port-allocated"]')
      await expect(card).toBeVisible({ timeout: 60_000 })
      await expect(card).toContainText(x.cause)
      await expect(card.getByRole('button', { name: x.copy })).toBeVisible()

      // The container list shows it; its logs stream live into the view.
      await expect(page.getByRole('table').getByRole('rowheader', { name: 'proxy' }).first()).toBeVisible({
        timeout: 30_000,
      })
      await page.getByRole('button', { name: x.logs }).click()
      const view = page.getByRole('log', { name: x.logLabel })
      await expect(view).toContainText('tick', { timeout: 30_000 })
      const count = page.getByTestId('log-count')
      const first = await count.textContent()
      await expect(count).not.toHaveText(first ?? '', { timeout: 10_000 })
    })
  }
})
