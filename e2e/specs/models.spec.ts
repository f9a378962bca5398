// Step 2's model list: read from a seed's governance list (a stand-in on 127.0.0.1), the offline list
// with the reason when the seed cannot be read, the seed address checked and kept in the profile.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { addServer, expectSaved } from './helpers'
import { closedPortUrl, startSeedStub, type SeedStub } from '../../electron/test-support/seed-stub'

let seed: SeedStub
let seedUrl = ''
let deadUrl = ''
test.beforeAll(async () => {
  seed = await startSeedStub([
    { id: 'MiniMaxAI/MiniMax-M2.7', v_ram: 320, model_args: ['--max-model-len', '180000'] },
    { id: 'test/Net-Model-96', v_ram: '96', model_args: [] },
  ])
  seedUrl = seed.url
  deadUrl = await closedPortUrl()
})
test.afterAll(() => seed.close())

const openPrerequisites = async (page: Page): Promise<void> => {
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /^Prerequisites/ })
    .click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Prerequisites/)
}

test("step 2 reads the seed's model list, says when it fell back to the offline list, and keeps the seed", async ({
  app,
}) => {
  let page = app.page
  await addServer(page, { name: 'gpu-1', address: '203.0.113.21', user: 'ubuntu', role: 'ML node (GPU)' })
  await expectSaved(page)
  await openPrerequisites(page)
  const models = page.getByRole('group', { name: 'Models your ML nodes will serve' })
  const field = models.getByLabel('Seed node API address')
  const read = models.getByRole('button', { name: 'Read the model list' })

  await expect(models.getByText('Offline list', { exact: true })).toBeVisible()
  await expect(models).toContainText("Enter a seed node's API address above")
  await expect(field).toHaveValue('')

  await field.fill('node2.gonka.ai:8000')
  await read.click()
  await expect(models).toContainText('The seed API address must start with http:// or https://.')
  await expect(field).toHaveAttribute('aria-invalid', 'true')

  await field.fill(deadUrl)
  await read.click()
  await expect(models).toContainText(`because the list could not be read from ${deadUrl}`)
  await expect(models).toContainText('the seed could not be reached')
  await expect(models.getByText('Offline list', { exact: true })).toBeVisible()
  await expect(models.getByRole('checkbox', { name: /Qwen\/Qwen3-32B-FP8/ })).toBeVisible()
  await mkdir(join('test-results', 'screenshots'), { recursive: true })
  await models.screenshot({ path: join('test-results', 'screenshots', 'models-offline.png') })

  await field.fill(seedUrl)
  await read.click()
  await expect(models.getByText('Network list', { exact: true })).toBeVisible()
  await expect(models).toContainText(`read from ${seedUrl}`)
  const netModel = models.getByRole('checkbox', { name: /test\/Net-Model-96/ })
  await expect(netModel).toBeVisible()
  await expect(models.getByText('needs 96 GB GPU memory per ML node')).toBeVisible()
  await expect(models.getByRole('checkbox', { name: /Qwen\/Qwen3-32B-FP8/ })).toHaveCount(0)
  await netModel.check()
  await page.screenshot({ path: join('test-results', 'screenshots', 'models-network.png') })

  // The seed address is part of the deployment (saved before the list was read): after a restart the
  // network list is read again.
  page = await app.restart()
  await openPrerequisites(page)
  const again = page.getByRole('group', { name: 'Models your ML nodes will serve' })
  await expect(again.getByLabel('Seed node API address')).toHaveValue(seedUrl)
  await expect(again.getByText('Network list', { exact: true })).toBeVisible()
})
