import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { addServer, expectSaved } from './helpers'

interface Texts {
  addServer: string
  formName: string
  submit: string
  name: string
  address: string
  port: string
  user: string
  split: RegExp
  single: RegExp
  messages: Record<'name' | 'scheme' | 'path' | 'port' | 'duplicate' | 'splitWithoutMl', string>
}

const EN: Texts = {
  addServer: 'Add server',
  formName: 'Add a server',
  submit: 'Add server',
  name: 'Name',
  address: 'Address',
  port: 'SSH port',
  user: 'User',
  split: /Network server \+ GPU servers/,
  single: /Single machine/,
  messages: {
    name: 'Give this server a name.',
    scheme: 'Enter the address without http:// or any other scheme, for example 203.0.113.10.',
    path: 'Enter the address without a path: only the IP address or host name.',
    port: 'Enter a port number from 1 to 65535.',
    duplicate: 'This server (same address, port and user) is already in the list.',
    splitWithoutMl: 'A split setup needs at least one GPU server running an ML node. Add one.',
  },
}

const ZH: Texts = {
  addServer: '添加服务器',
  formName: '添加服务器',
  submit: '添加服务器',
  name: '名称',
  address: '地址',
  port: 'SSH 端口',
  user: '用户',
  split: /网络服务器 \+ GPU 服务器/,
  single: /单机部署/,
  messages: {
    name: '请为这台服务器命名。',
    scheme: '请输入不带 http:// 或其他协议前缀的地址，例如 203.0.113.10。',
    path: '请输入不带路径的地址：只填 IP 地址或主机名。',
    port: '请输入 1 到 65535 之间的端口号。',
    duplicate: '这台服务器（相同的地址、端口和用户）已在列表中。',
    splitWithoutMl: '分离部署至少需要一台运行 ML 节点的 GPU 服务器，请添加一台。',
  },
}

async function submitForm(
  page: Page,
  t: Texts,
  fields: { name: string; address: string; port: string; user: string },
) {
  const form = page.getByRole('form', { name: t.formName })
  await form.getByLabel(t.name, { exact: true }).fill(fields.name)
  await form.getByLabel(t.address, { exact: true }).fill(fields.address)
  await form.getByLabel(t.port, { exact: true }).fill(fields.port)
  await form.getByLabel(t.user, { exact: true }).fill(fields.user)
  await form.getByRole('button', { name: t.submit }).click()
  return form
}

async function expectEveryMessage(page: Page, t: Texts): Promise<void> {
  await page.getByRole('radio', { name: t.split }).check()
  await page.getByRole('button', { name: t.addServer, exact: true }).click()
  let form = await submitForm(page, t, {
    name: '',
    address: 'http://10.0.0.5',
    port: '70000',
    user: 'ubuntu',
  })
  await expect(form.getByText(t.messages.name)).toBeVisible()
  await expect(form.getByText(t.messages.scheme)).toBeVisible()
  await expect(form.getByText(t.messages.port)).toBeVisible()
  await expect(form.getByLabel(t.name, { exact: true })).toHaveAttribute('aria-invalid', 'true')
  // Nothing invalid reached the list.
  await expect(page.getByRole('listitem')).toHaveCount(9) // only the rail's steps

  form = await submitForm(page, t, { name: 'net', address: '10.0.0.5/admin', port: '0', user: 'ubuntu' })
  await expect(form.getByText(t.messages.path)).toBeVisible()
  await expect(form.getByText(t.messages.port)).toBeVisible()
  await expect(form.getByText(t.messages.name)).toHaveCount(0)

  // Fixed: the server is added; the topology still needs an ML server and says so.
  form = await submitForm(page, t, { name: 'net', address: '10.0.0.5', port: '22', user: 'ubuntu' })
  await expect(form).toHaveCount(0)
  await expect(page.getByTestId('topology-problem')).toHaveText(t.messages.splitWithoutMl)

  // The same address, port and user again is a duplicate.
  await page.getByRole('button', { name: t.addServer, exact: true }).click()
  form = await submitForm(page, t, { name: 'net-again', address: '10.0.0.5', port: '22', user: 'ubuntu' })
  await expect(form.getByText(t.messages.duplicate)).toBeVisible()
}

test('every server validation message is shown in English', async ({ app }) => {
  await expectEveryMessage(app.page, EN)
})

test('every server validation message is shown in Simplified Chinese', async ({ app }) => {
  const { page } = app
  await page.getByLabel('Language').selectOption('zh-CN')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('拓扑与服务器')
  await expectEveryMessage(page, ZH)
})

test('the language switch translates the whole shell and is remembered', async ({ app }) => {
  let page = app.page
  await page.getByLabel('Language').selectOption('zh-CN')
  const rail = page.getByRole('navigation', { name: '设置步骤' })
  await expect(rail).toContainText('前置条件')
  await expect(rail).toContainText('未开始')
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
  await expect(page.getByRole('button', { name: '添加服务器', exact: true })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Add server', exact: true })).toHaveCount(0)

  page = await app.restart()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('拓扑与服务器')
  await expect(page.getByLabel('语言')).toHaveValue('zh-CN')
  await page.getByLabel('语言').selectOption('en')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Topology & servers')
  page = await app.restart()
  await expect(page.getByRole('navigation', { name: 'Setup steps' })).toBeVisible()
})

test('a single machine with two servers is flagged, not silently changed', async ({ app }) => {
  const { page } = app
  await page.getByRole('radio', { name: EN.split }).check()
  await addServer(page, { name: 'net', address: '10.0.0.5', user: 'ubuntu', role: 'Network node' })
  await addServer(page, { name: 'gpu', address: '10.0.0.6', user: 'ubuntu', role: 'ML node (GPU)' })
  await expectSaved(page)
  await page.getByRole('radio', { name: EN.single }).check()
  await expect(page.getByTestId('topology-problem')).toHaveText(
    'A single-machine setup has exactly one server. Remove the others, or choose the split layout.',
  )
  await expect(page.getByRole('list', { name: 'Servers' }).getByRole('listitem')).toHaveCount(2)
  await expect(page.getByRole('listitem', { name: 'net' })).toContainText('Network + ML node')
})
