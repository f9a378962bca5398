// Steps 7 and 8 in Chromium, English and Simplified Chinese: the ML node page and the status page
// open, explain what they read, and say why when the network server cannot be used (here: a port on
// 127.0.0.1 where nothing listens), without blocking the page.
import { createServer, type AddressInfo } from 'node:net'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { addServer, expectSaved } from './helpers'

async function closedPort(): Promise<string> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return String(port)
}

const openStep = async (page: Page, name: RegExp): Promise<void> => {
  await page.getByRole('navigation').getByRole('button', { name }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name)
}

test('steps 7 and 8 explain what they read and why they could not, in both languages', async ({ app }) => {
  const page = app.page
  await addServer(page, {
    name: 'net',
    address: '127.0.0.1',
    port: await closedPort(),
    user: 'root',
    role: 'Network node',
    auth: 'Key file',
    keyPath: '/nonexistent/key',
  })
  await expectSaved(page)

  await openStep(page, /^ML nodes/)
  await expect(page.getByText(/node-config\.json is read only on the api's first start/)).toBeVisible()
  await expect(page.getByRole('alert')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Read again' })).toBeEnabled()
  // Nothing can be written while the api cannot be read: no plan is offered.
  await expect(page.getByRole('button', { name: 'Register or update all' })).toBeDisabled()

  await openStep(page, /^Status/)
  await expect(page.getByText(/Am I a working host\?/)).toBeVisible()
  await expect(page.getByRole('button', { name: 'Check now' })).toBeVisible()
  // The status read fails for the report and nodes parts; the page lists why instead of hanging.
  await expect(page.getByText(/Setup report not read:/)).toBeVisible()
  await expect(page.getByText('The setup report could not be read.')).toBeVisible()

  await page.getByLabel('Language').selectOption('zh-CN')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^状态/)
  await expect(page.getByText('设置报告', { exact: true })).toBeVisible()
  await expect(page.getByText(/未读取设置报告/)).toBeVisible()
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /^ML 节点/ })
    .click()
  await expect(page.getByText(/node-config\.json 只在 api 首次启动时读取/)).toBeVisible()
  await expect(page.getByRole('button', { name: '注册或更新全部' })).toBeDisabled()
})
