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

/** What an operation answers through the page's `window.api`. */
export interface ApiResult {
  ok: boolean
  value: unknown
  error?: unknown
}

/** Calls an operation through the page's `window.api`, the way the UI does; returns its envelope. */
export async function callApi(page: Page, op: string, input: unknown, runId?: string): Promise<ApiResult> {
  return page.evaluate(
    async ({ op, input, runId }) => {
      const api = (
        window as unknown as { api: Record<string, (i: unknown, o?: unknown) => Promise<ApiResult>> }
      ).api
      const fn = api[op]
      if (!fn) throw new Error(`no operation ${op}`)
      return fn(input, runId === undefined ? undefined : { runId })
    },
    { op, input, runId },
  )
}

/** {@link callApi} for a step that must succeed: a refusal throws with its error; returns the value. */
export async function mustApi<T = unknown>(
  page: Page,
  op: string,
  input: unknown,
  runId?: string,
): Promise<T> {
  const r = await callApi(page, op, input, runId)
  if (!r.ok) throw new Error(`${op}: ${JSON.stringify(r.error)}`)
  return r.value as T
}

/**
 * The id of the profile the app has open. The server just added is saved in the background, so this
 * waits (bounded) until the profile is listed.
 */
export async function currentProfileId(page: Page): Promise<string> {
  type Listing = { lastProfileId?: string; profiles: { id: string }[] }
  let list = await mustApi<Listing>(page, 'listProfiles', {})
  for (let i = 0; i < 100 && list.lastProfileId === undefined && list.profiles.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100))
    list = await mustApi<Listing>(page, 'listProfiles', {})
  }
  const id = list.lastProfileId ?? list.profiles[0]?.id
  if (id === undefined) throw new Error('the profile with the server just added was never saved')
  return id
}

/** Loads the open profile, applies `change` to it and saves it through the API (as step 4 would). */
export async function changeProfile(
  page: Page,
  change: (profile: Record<string, unknown>) => Record<string, unknown>,
): Promise<string> {
  const id = await currentProfileId(page)
  const loaded = await mustApi<Record<string, unknown>>(page, 'loadProfile', { id })
  await mustApi(page, 'saveProfile', { profile: change(loaded) })
  return id
}

/** Opens the app again (a reload), waits for start-up, then picks `language` unless it is English. */
export async function reopenApp(page: Page, language: string = 'en'): Promise<void> {
  await page.reload()
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false')
  if (language !== 'en') await page.getByLabel('Language').selectOption(language)
}
