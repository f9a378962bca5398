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
