// Step 6 (Launch) against the lab's real `net` host with the stand-in gonka repository: the plan per
// server (nothing written before Approve), approval and the apply's progress, a container's live logs,
// and a failure card (port already allocated) with its fix and Copy — in English and Chinese.
import type { Page } from '@playwright/test'
import { expect } from './fixtures'
import { changeProfile, reopenApp } from './helpers'
import { addLabServer, skipWithoutLab, specLab } from './lab-fixtures'

const NOISY = 'ghw-launch-noisy'
const lab = specLab({ prefix: 'lu', hosts: ['net'] })
const test = lab.test
/** Runs a shell command on net as the SSH user. */
const onNet = (command: string): Promise<void> => lab.on('net', command)
const cloneDir = (language: 'en' | 'zh-CN'): string => `~/gonka-${language === 'en' ? 'en' : 'zh'}`

/** Step 1 as a user does it, then step 4's deployment files pointed at the lab's stand-in repository. */
async function setUp(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  const h = lab.host('net')
  await addLabServer(page, h, 'Network node')
  // Step 4's form belongs to another part of the app; its saved result is set through the same API.
  await changeProfile(page, (profile) => ({
    ...profile,
    deployment: { repoUrl: h.gonkaRepoUrl, repoRef: 'main', dir: cloneDir(language), publicHost: h.address },
  }))
  await reopenApp(page, language)
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
  skipWithoutLab(test, 'launch.spec.ts (step 6 on the lab)')
  test.beforeAll(async () => {
    test.setTimeout(300_000)
    await lab.up()
    // A container whose log says its port is taken, and keeps writing lines (a compose service label,
    // as compose sets it, so the app treats it as the deployment's proxy). No clone from an earlier
    // run on a reused lab.
    await onNet(
      `rm -rf ${cloneDir('en')} ${cloneDir('zh-CN')}; docker rm -f ${NOISY} >/dev/null 2>&1; docker run -d --name ${NOISY} --label com.docker.compose.service=proxy --entrypoint node ghcr.io/product-science/proxy:0.2.14 -e "let n = 0; setInterval(() => { if (n % 20 === 0) console.error('Error response from daemon: driver failed programming external connectivity on endpoint proxy: Bind for 0.0.0.0:8000 failed: port is already allocated'); console.log('tick ' + n++) }, 100)"`,
    )
  })
  test.afterAll(async () => {
    test.setTimeout(120_000)
    if (lab.isUp) {
      await onNet(`docker rm -f ${NOISY} >/dev/null 2>&1 || true`).catch(() => undefined)
      await lab.down()
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
      const dir = cloneDir(language)
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
