import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { addServer, expectSaved } from './helpers'

test('topology and servers are saved and come back after a restart', async ({ app }) => {
  let page = app.page
  await page.getByLabel('Deployment name').fill('Rack A')
  await page.getByRole('radio', { name: /Network server \+ GPU servers/ }).check()
  await addServer(page, { name: 'net-1', address: '203.0.113.10', user: 'ubuntu', role: 'Network node' })
  await expectSaved(page)
  // Without an ML server the step needs attention and says why.
  await expect(page.getByTestId('topology-problem')).toHaveText(/at least one GPU server/)
  await expect(
    page.getByRole('navigation').getByRole('button', { name: /Topology & servers/ }),
  ).toContainText('Needs attention')
  await addServer(page, {
    name: 'gpu-1',
    address: 'gpu1.example.net',
    port: '2222',
    user: 'root',
    role: 'ML node (GPU)',
    auth: 'Key file',
    keyPath: '~/.ssh/id_ed25519',
  })
  await expectSaved(page)
  await expect(page.getByTestId('topology-problem')).toHaveCount(0)
  // The layout is right, but the step is done only once every server has connected and is trusted.
  await expect(
    page.getByRole('navigation').getByRole('button', { name: /Topology & servers/ }),
  ).toContainText('Needs attention')

  // The file on disk holds what was entered, and no secret.
  const files = (await readdir(join(app.dataDir, 'profiles'))).filter((f) => f.endsWith('.json'))
  expect(files).toHaveLength(1)
  const saved = JSON.parse(await readFile(join(app.dataDir, 'profiles', files[0] ?? ''), 'utf8')) as {
    name: string
    topology: string
    servers: { name: string; port: number; role: string; keyPath?: string }[]
  }
  expect(saved.name).toBe('Rack A')
  expect(saved.topology).toBe('split')
  expect(saved.servers.map((s) => [s.name, s.port, s.role])).toEqual([
    ['net-1', 22, 'network'],
    ['gpu-1', 2222, 'ml'],
  ])

  page = await app.restart()
  await expect(page.getByLabel('Deployment name')).toHaveValue('Rack A')
  await expect(page.getByRole('radio', { name: /Network server \+ GPU servers/ })).toBeChecked()
  const list = page.getByRole('list', { name: 'Servers' })
  await expect(list.getByRole('listitem')).toHaveCount(2)
  await expect(list.getByRole('listitem', { name: 'gpu-1' })).toContainText(
    'root@gpu1.example.net, port 2222, Key file',
  )
  await expect(list.getByRole('listitem', { name: 'net-1' })).toContainText('Network node')
})

test('a server can be edited and removed, and the change is kept', async ({ app }) => {
  let page = app.page
  await page.getByRole('radio', { name: /Single machine/ }).check()
  await addServer(page, { name: 'box', address: '198.51.100.7', user: 'ubuntu' })
  await expectSaved(page)
  // A single machine holds exactly one server: no second "Add server".
  await expect(page.getByRole('button', { name: 'Add server', exact: true })).toHaveCount(0)
  await page.getByRole('button', { name: 'Edit box' }).click()
  const form = page.getByRole('form', { name: 'Edit server' })
  await form.getByLabel('SSH port').fill('2200')
  await form.getByRole('button', { name: 'Save changes' }).click()
  await expectSaved(page)
  await expect(page.getByRole('listitem', { name: 'box' })).toContainText('port 2200')

  page = await app.restart()
  await expect(page.getByRole('listitem', { name: 'box' })).toContainText('port 2200')
  await page.getByRole('button', { name: 'Remove box' }).click()
  await page.getByRole('button', { name: 'Remove', exact: true }).click()
  await expectSaved(page)
  await expect(page.getByRole('listitem', { name: 'box' })).toHaveCount(0)
  page = await app.restart()
  await expect(page.getByText('No server yet.')).toBeVisible()
})

test('the server form works from the keyboard alone', async ({ app }) => {
  const { page } = app
  await page.getByRole('button', { name: 'Add server', exact: true }).focus()
  await page.keyboard.press('Enter')
  // The form opens with the first field focused.
  await expect(page.getByRole('form').getByLabel('Name', { exact: true })).toBeFocused()
  await page.keyboard.type('kb-net')
  await page.keyboard.press('Tab')
  await page.keyboard.type('192.0.2.44')
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  await page.keyboard.type('admin')
  await page.keyboard.press('Enter')
  await expectSaved(page)
  await expect(page.getByRole('listitem', { name: 'kb-net' })).toContainText('admin@192.0.2.44, port 22')
})
