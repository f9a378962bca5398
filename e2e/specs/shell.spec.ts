import { test, expect } from './fixtures'

const STEP_TITLES = [
  'Topology & servers',
  'Prerequisites',
  'Keys & registration',
  'Configuration',
  'Network & firewall',
  'Launch',
  'ML nodes',
  'Status',
  'Export',
]

test('the shell loads with the nine-step rail and the first step open', async ({ app }) => {
  const { page } = app
  const rail = page.getByRole('navigation', { name: 'Setup steps' })
  await expect(rail).toBeVisible()
  const steps = rail.getByRole('listitem')
  await expect(steps).toHaveCount(9)
  for (const [index, title] of STEP_TITLES.entries()) {
    await expect(steps.nth(index)).toContainText(title)
  }
  await expect(rail.getByRole('button', { name: /Topology & servers/ })).toHaveAttribute(
    'aria-current',
    'step',
  )
  // Every step can be opened, step 9 (export) too.
  await expect(rail.getByRole('button', { name: /Launch/ })).toBeEnabled()
  await expect(steps.nth(5)).toContainText('starts the containers in order')
  await expect(steps.nth(8).getByRole('button')).toBeEnabled()
  await expect(page.getByRole('heading', { level: 1, name: 'Topology & servers' })).toBeVisible()
})

test('the header switches to Russian: the whole shell is in Russian, and it is remembered', async ({
  app,
}) => {
  let page = app.page
  const language = page.getByLabel('Language')
  await expect(language.getByRole('option')).toHaveText(['English', '简体中文', 'Русский'])
  await language.selectOption({ label: 'Русский' })

  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
  const rail = page.getByRole('navigation', { name: 'Шаги настройки' })
  await expect(rail).toBeVisible()
  await expect(rail).toContainText('Требования')
  await expect(rail).toContainText('Ключи и регистрация')
  await expect(page.getByRole('heading', { level: 1, name: 'Топология и серверы' })).toBeVisible()
  await expect(page.getByText('Как устроены ваши серверы?')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Добавить сервер', exact: true }).first()).toBeVisible()
  await expect(page.getByRole('button', { name: 'Add server', exact: true })).toHaveCount(0)
  await expect(page.getByRole('navigation', { name: 'Setup steps' })).toHaveCount(0)

  page = await app.restart()
  await expect(page.getByLabel('Язык')).toHaveValue('ru')
  await expect(page.getByRole('heading', { level: 1, name: 'Топология и серверы' })).toBeVisible()
  await page.getByLabel('Язык').selectOption('en')
  await expect(page.getByRole('heading', { level: 1, name: 'Topology & servers' })).toBeVisible()
})
