import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test, expect } from './fixtures'

const GOOD = {
  schemaVersion: 1,
  id: 'good-one',
  name: 'Still fine',
  topology: 'single',
  servers: [
    {
      id: 's1',
      name: 'box',
      address: '198.51.100.9',
      port: 22,
      user: 'ubuntu',
      auth: 'agent',
      role: 'combined',
    },
  ],
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-02T00:00:00.000Z',
}

test('a corrupt profile file is reported, set aside untouched, and the app still works', async ({ app }) => {
  const dir = join(app.dataDir, 'profiles')
  await mkdir(dir, { recursive: true })
  const garbage = '{"schemaVersion": 1, "id": "broken", "name": "half-writ'
  await writeFile(join(dir, 'broken.json'), garbage)
  await writeFile(join(dir, 'good-one.json'), JSON.stringify(GOOD))
  await writeFile(
    join(dir, 'future.json'),
    JSON.stringify({ ...GOOD, id: 'future', schemaVersion: 99, name: 'From the future' }),
  )

  const page = await app.restart()
  const banner = page.getByRole('alert', { name: 'Some saved deployments could not be opened' })
  await expect(banner).toBeVisible()
  await expect(banner).toContainText('broken.json is damaged and was moved to')
  await expect(banner).toContainText('future.json was written by a newer version of this app')
  await expect(banner).toContainText('Nothing was deleted')
  // The readable profile opened.
  await expect(page.getByLabel('Deployment name')).toHaveValue('Still fine')

  // The damaged file's bytes are kept beside, never overwritten.
  const names = await readdir(dir)
  expect(names).not.toContain('broken.json')
  const aside = names.find((n) => n.startsWith('broken.json.corrupt-'))
  expect(aside).toBeDefined()
  expect(await readFile(join(dir, aside ?? ''), 'utf8')).toBe(garbage)
  expect(names.some((n) => n.startsWith('future.json.newer-version-'))).toBe(true)

  await banner.getByRole('button', { name: 'Dismiss' }).click()
  await expect(banner).toHaveCount(0)
})

test('the banner is in Chinese when the app is in Chinese', async ({ app }) => {
  let page = app.page
  await page.getByLabel('Language').selectOption('zh-CN')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('拓扑与服务器')
  const dir = join(app.dataDir, 'profiles')
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'bad.json'), 'not json at all')
  page = await app.restart()
  await expect(page.getByRole('alert', { name: '部分已保存的部署无法打开' })).toContainText('已损坏')
})

test('deployments can be created, switched and deleted', async ({ app }) => {
  let page = app.page
  await page.getByLabel('Deployment name').fill('First')
  await expect(page.getByText('All changes saved.')).toBeVisible()
  await page.getByRole('button', { name: 'New deployment' }).click()
  await page.getByLabel('Deployment name').fill('Second')
  await expect(page.getByText('All changes saved.')).toBeVisible()
  const picker = page.getByLabel('Deployment', { exact: true })
  await expect(picker.getByRole('option')).toHaveText(['Second', 'First'])
  await picker.selectOption({ label: 'First' })
  await expect(page.getByLabel('Deployment name')).toHaveValue('First')

  page = await app.restart()
  // The last deployment opened is the one that opens.
  await expect(page.getByLabel('Deployment name')).toHaveValue('First')
  await page.getByRole('button', { name: 'Delete deployment' }).click()
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  await expect(page.getByLabel('Deployment name')).toHaveValue('Second')
  await expect(page.getByLabel('Deployment', { exact: true }).getByRole('option')).toHaveText(['Second'])
})
