import { expect, type Page } from '@playwright/test'

/** What a user types into the server form. */
export interface ServerInput {
  name: string
  address: string
  port?: string
  user: string
  role?: 'Network node' | 'ML node (GPU)'
  auth?: 'SSH agent' | 'Key file' | 'Password'
  keyPath?: string
}

/** Opens the server form, fills it as a user would and submits it (English UI). */
export async function addServer(page: Page, server: ServerInput): Promise<void> {
  await page.getByRole('button', { name: 'Add server', exact: true }).click()
  const form = page.getByRole('form', { name: 'Add a server' })
  await fillServerForm(page, server)
  await form.getByRole('button', { name: 'Add server' }).click()
}

/** Fills the open server form. */
export async function fillServerForm(page: Page, server: ServerInput): Promise<void> {
  const form = page.getByRole('form')
  await form.getByLabel('Name', { exact: true }).fill(server.name)
  await form.getByLabel('Address', { exact: true }).fill(server.address)
  await form.getByLabel('SSH port').fill(server.port ?? '22')
  await form.getByLabel('User', { exact: true }).fill(server.user)
  if (server.role) await form.getByRole('radio', { name: server.role }).check()
  if (server.auth) await form.getByRole('radio', { name: server.auth }).check()
  if (server.keyPath !== undefined) await form.getByLabel('Private key file').fill(server.keyPath)
}

/** Waits until the last change is on disk. */
export async function expectSaved(page: Page): Promise<void> {
  await expect(page.getByText('All changes saved.')).toBeVisible()
}
