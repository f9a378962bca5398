// Steps 2 (Prerequisites) and 5 (Network & firewall) against the lab's real hosts: results per host,
// a fault found with its fix, "Check again" after the fault is undone, and the topology picture.
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect } from './fixtures'
import { addLabServer, labDo, skipWithoutLab, specLab } from './lab-fixtures'

const lab = specLab({ prefix: 'ckui', hosts: ['net', 'ml1'] })
// Every test gets a fresh app whose ~/.ssh/known_hosts already trusts the lab's host keys.
const test = lab.test

type Undo = () => Promise<void>

/** A picture of the whole step for review (the step scrolls inside main, so the viewport grows). */
async function fullShot(page: Page, path: string): Promise<void> {
  const viewport = page.viewportSize()
  const height = await page.getByRole('main').evaluate((main) => main.scrollHeight + 60)
  await page.setViewportSize({ width: 1280, height: Math.max(860, height) })
  await page.screenshot({ path })
  if (viewport) await page.setViewportSize(viewport)
}

/** Stops ml1's dockerd; undo starts it again. */
async function stopDocker(name: string): Promise<Undo> {
  const read = `lab.readLab(${JSON.stringify(lab.hostsJson())})`
  await labDo(`await lab.stopDocker(${read}, ${JSON.stringify(name)})`)
  return async () => {
    await labDo(`await lab.startDocker(${read}, ${JSON.stringify(name)})`)
  }
}

/** Drops TCP to `port` on `target` from `from` (a silent firewall); undo deletes the rule. */
async function blockPort(target: string, port: number, from: string): Promise<Undo> {
  const rule = (op: '-I' | '-D') =>
    `await lab.rootExec(lab.labHost(lab.readLab(${JSON.stringify(lab.hostsJson())}), ${JSON.stringify(target)}), ` +
    JSON.stringify([
      'iptables',
      '-w',
      op,
      'INPUT',
      '-i',
      'eth0',
      '-p',
      'tcp',
      '--dport',
      String(port),
      '-s',
      lab.host(from).address,
      '-j',
      'DROP',
    ]) +
    ', { check: true })'
  await labDo(rule('-I'))
  return async () => {
    await labDo(rule('-D'))
  }
}

test.describe('checks on the lab (steps 2 and 5)', () => {
  skipWithoutLab(test, 'checks.spec.ts (steps 2 and 5 on the lab)')

  test.beforeAll(async () => {
    test.setTimeout(240_000)
    await lab.up()
  })
  test.afterAll(async () => {
    test.setTimeout(120_000)
    await lab.down()
  })

  /** Enters the lab's net and ml1 in step 1 as a user would, with key-file auth. */
  async function enterLabServers(page: Page): Promise<void> {
    await addLabServer(page, lab.host('net'), 'Network node')
    await addLabServer(page, lab.host('ml1'), 'ML node (GPU)')
  }

  const openStep = async (page: Page, title: RegExp): Promise<void> => {
    await page.getByRole('navigation').getByRole('button', { name: title }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  }
  const host = (page: Page, name: string): Locator => page.getByRole('region', { name, exact: true })
  const row = (page: Page, hostName: string, title: string): Locator =>
    host(page, hostName).getByRole('article', { name: title, exact: true })

  const withFault = async (
    inject: () => Promise<Undo>,
    body: (undo: () => Promise<void>) => Promise<void>,
  ) => {
    const undo = await inject()
    let undone = false
    try {
      await body(async () => {
        undone = true
        await undo()
      })
    } finally {
      if (!undone) await undo()
    }
  }

  test('step 2: every host reports, dockerd stopped on ml1 fails with its fix, passes again after the fix', async ({
    app,
  }) => {
    test.setTimeout(180_000)
    const { page } = app
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(page.url()).origin,
    })
    await enterLabServers(page)
    await openStep(page, /^Prerequisites/)

    await expect(page.getByText('Offline list', { exact: true })).toBeVisible()
    await page.getByRole('checkbox', { name: /Qwen\/Qwen3-32B-FP8/ }).check()
    await page.getByRole('button', { name: 'Run checks' }).click()

    for (const name of ['net', 'ml1']) {
      await expect(row(page, name, 'Docker Engine')).toContainText('Passed', { timeout: 90_000 })
      await expect(row(page, name, 'Docker Compose v2')).toContainText('Passed')
      await expect(host(page, name)).toContainText(/\d+ failed · \d+ warnings · \d+ passed/)
    }
    await expect(row(page, 'ml1', 'NVIDIA driver and GPUs')).toContainText('Passed')
    await expect(row(page, 'ml1', 'GPU memory for the model')).toContainText('Qwen/Qwen3-32B-FP8 needs 80 GB')
    await expect(page.getByRole('button', { name: 'Check all again' })).toBeEnabled()

    await withFault(
      () => stopDocker('ml1'),
      async (undo) => {
        await page.getByRole('button', { name: 'Check again: Docker Engine on ml1' }).click()
        const engine = row(page, 'ml1', 'Docker Engine')
        await expect(engine).toContainText('Failed', { timeout: 60_000 })
        await expect(engine).toContainText('Docker is installed but the daemon is not running.')
        await expect(engine).toContainText('Start the Docker daemon and enable it at boot.')
        await fullShot(page, test.info().outputPath('step2-failure.png'))
        await expect(engine.locator('code')).toHaveText('sudo systemctl enable --now docker')
        await engine.getByRole('button', { name: 'Copy the command for Docker Engine on ml1' }).click()
        await expect(engine.getByRole('status')).toHaveText('Copied')
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
          'sudo systemctl enable --now docker',
        )
        // The other host's row is untouched by a one-row re-check.
        await expect(row(page, 'net', 'Docker Engine')).toContainText('Passed')
        await expect(
          page.getByRole('navigation').getByRole('button', { name: /^Prerequisites/ }),
        ).toContainText('Needs attention')

        await undo()
        await page.getByRole('button', { name: 'Check again: Docker Engine on ml1' }).click()
        await expect(engine).toContainText('Passed', { timeout: 60_000 })
        await expect(engine).toContainText(/Docker \S+ is running\./)
        await expect(engine.getByRole('button', { name: /^Copy/ })).toHaveCount(0)
      },
    )

    // The results stay with the profile when the user leaves the step and comes back.
    await openStep(page, /^Topology/)
    await openStep(page, /^Prerequisites/)
    await expect(row(page, 'ml1', 'Docker Engine')).toContainText('Passed')
  })

  test('step 5: 9100 on net blocked from ml1 shows a blocked arrow and the allow rule; passes after the fix', async ({
    app,
  }) => {
    test.setTimeout(180_000)
    const { page } = app
    await enterLabServers(page)
    await openStep(page, /^Network & firewall/)
    const ml1Address = lab.host('ml1').address

    // Before any run every required connection is drawn, not tested yet.
    await expect(page.getByRole('img', { name: 'ml1 → net :9100 not tested' })).toBeVisible()
    await expect(page.getByRole('img', { name: 'net → ml1 :5050 not tested' })).toBeVisible()

    await withFault(
      () => blockPort('net', 9100, 'ml1'),
      async (undo) => {
        // A dropped port holds the run for the connect timeout: long enough to see progress and cancel.
        await page.getByRole('button', { name: 'Run checks' }).click()
        await expect(page.getByRole('progressbar', { name: 'Checks on ml1' })).toBeVisible()
        await expect(page.getByRole('progressbar', { name: 'Checks on net' })).toBeVisible()
        await page.getByRole('button', { name: 'Cancel' }).click()
        await expect(page.getByText('Cancelled. The results that arrived are shown.')).toBeVisible({
          timeout: 30_000,
        })
        await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(0)

        await page.getByRole('button', { name: /^(Run checks|Check all again)$/ }).click()
        const callback = row(page, 'ml1', 'ML node → network node :9100')
        await expect(callback).toContainText('Failed', { timeout: 90_000 })
        await expect(callback).toContainText('a firewall blocks it')
        await expect(callback).toContainText(`On net, allow 9100/tcp from ${ml1Address} only.`)
        await expect(callback.getByRole('button', { name: /^Copy the command/ })).toBeVisible()
        await expect(page.getByRole('img', { name: 'ml1 → net :9100 blocked' })).toBeVisible()
        await expect(page.getByRole('img', { name: 'net → ml1 :5050 reachable' })).toBeVisible()
        await expect(page.getByRole('img', { name: 'net → ml1 :8080 reachable' })).toBeVisible()
        const rules = page.getByRole('region', { name: 'Suggested firewall rules' })
        await expect(rules).toContainText('Run on net')
        await expect(rules).toContainText(`sudo ufw allow from ${ml1Address} to any port 9100 proto tcp`)
        await fullShot(page, test.info().outputPath('step5-blocked.png'))
        // The README's second picture: the top of step 5 (topology and suggested rules) as a user sees it.
        if (process.env.UPDATE_SCREENSHOTS === '1') {
          await page.getByRole('main').evaluate((main) => main.scrollTo(0, 0))
          await page.screenshot({ path: join('e2e', 'screenshots', 'network.png') })
        }

        await undo()
        await page.getByRole('button', { name: 'Check again: ML node → network node :9100 on ml1' }).click()
        await expect(callback).toContainText('Passed', { timeout: 60_000 })
        await expect(page.getByRole('img', { name: 'ml1 → net :9100 reachable' })).toBeVisible()
      },
    )

    // Nothing is deployed: only the temporary listeners answered, so the private ports are told apart
    // from a running service, and this machine (in the lab's subnet) is found to be inside the network.
    await expect(
      page.getByRole('img', {
        name: 'This computer → ml1 private :5050, :8080 would be exposed: nothing blocks it',
      }),
    ).toBeVisible()
    const where = page.getByRole('group', { name: 'Where is this computer?' })
    await expect(where.getByRole('status')).toContainText("This computer is inside the servers' network")
    const privateRow = row(page, 'ml1', 'Private ports closed to the outside')
    await expect(privateRow).toContainText(
      "This computer is inside the servers' network: nothing blocks 5050, 8080 from here",
    )
    // Told that it is outside, the same finding reads as the internet's view.
    await where.getByRole('radio', { name: 'Outside it, on the internet' }).check()
    await page
      .getByRole('button', { name: 'Check again: Private ports closed to the outside on ml1' })
      .click()
    await expect(privateRow).toContainText('Would be exposed: nothing blocks 5050, 8080 from outside', {
      timeout: 60_000,
    })
    await expect(where.getByRole('status')).toContainText('looks at the servers from outside')
  })

  test('step 2 in Chinese: a failure says what went wrong and the fix in Chinese', async ({ app }) => {
    test.setTimeout(180_000)
    const { page } = app
    await enterLabServers(page)
    await page.getByLabel('Language').selectOption('zh-CN')
    await openStep(page, /^前置条件/)
    await withFault(
      () => stopDocker('ml1'),
      async () => {
        await page.getByRole('button', { name: '运行检查' }).click()
        const engine = row(page, 'ml1', 'Docker Engine')
        await expect(engine).toContainText('失败', { timeout: 90_000 })
        await expect(engine).toContainText('已安装 Docker，但守护进程未运行。')
        await expect(engine).toContainText('请启动 Docker 守护进程并设置开机自启。')
        await fullShot(page, test.info().outputPath('step2-zh.png'))
        await expect(engine.getByRole('button', { name: '复制 ml1 上 Docker Engine 的命令' })).toBeVisible()
      },
    )
  })
})
