import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { test, expect } from './fixtures'
import { addServer, expectSaved } from './helpers'

// Takes the README's screenshot from a real run. It is written to test-results/ every time and copied
// over e2e/screenshots/ when UPDATE_SCREENSHOTS=1 (then commit it).
test('README screenshot: a split deployment with its servers', async ({ app }) => {
  const { page } = app
  await page.getByLabel('Deployment name').fill('Rack A — Frankfurt')
  await addServer(page, { name: 'network-1', address: '203.0.113.10', user: 'ubuntu', role: 'Network node' })
  await addServer(page, {
    name: 'gpu-h100-1',
    address: '203.0.113.21',
    user: 'ubuntu',
    role: 'ML node (GPU)',
  })
  await addServer(page, {
    name: 'gpu-h100-2',
    address: '203.0.113.22',
    user: 'root',
    role: 'ML node (GPU)',
    auth: 'Key file',
    keyPath: '~/.ssh/gonka_ed25519',
  })
  await expectSaved(page)
  await expect(page.getByRole('list', { name: 'Servers' }).getByRole('listitem')).toHaveCount(3)
  const file = join('test-results', 'screenshots', 'wizard.png')
  await mkdir(join('test-results', 'screenshots'), { recursive: true })
  await page.screenshot({ path: file })
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(join('e2e', 'screenshots'), { recursive: true })
    await copyFile(file, join('e2e', 'screenshots', 'wizard.png'))
  }
})
