// Step 4 in Chromium: a split deployment gets its PoC callback from the network server's address,
// `http://api:9100` typed as the callback is refused with its reason (English and Chinese), and the
// keyring password is held for the session without ever showing up in the page or the profile.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { addServer, expectSaved } from './helpers'

const PUBKEY = Buffer.from([2, ...Array.from({ length: 32 }, (_, i) => i + 7)]).toString('base64')
const CANARY = 'Canary pw $7#'

const openConfiguration = async (page: Page): Promise<void> => {
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /^Configuration/ })
    .click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Configuration/)
}

test('step 4 derives the split callback from the network server, refuses http://api:9100 and keeps the password out of the profile', async ({
  app,
  dataDir,
}) => {
  const page = app.page
  await addServer(page, { name: 'net', address: '10.20.0.2', user: 'ubuntu', role: 'Network node' })
  await expectSaved(page)
  await addServer(page, { name: 'ml1', address: '10.20.0.3', user: 'ubuntu', role: 'ML node (GPU)' })
  await expectSaved(page)
  await openConfiguration(page)

  await page.getByLabel("Network server's public address").fill('198.51.100.4')
  await page.getByLabel('Warm key name (KEY_NAME)').fill('warm-key')
  await page.getByLabel('Account public key (ACCOUNT_PUBKEY)').fill(PUBKEY)
  await page.getByLabel('Model weights folder (HF_HOME)').click()

  const callback = page.getByRole('group', { name: 'PoC callback URL' })
  await expect(callback.getByTestId('callback-value')).toHaveText('http://10.20.0.2:9100')
  await expect(callback).toContainText('Address of network server net (10.20.0.2) + port 9100')

  // The password is sent once, then the field is cleared and only "held" is shown.
  const keys = page.getByRole('group', { name: 'Keys and model cache' })
  await expect(
    keys.getByText('Enter the keyring password for this session; the api signs with it.'),
  ).toBeVisible()
  await page.getByLabel('Keyring password (KEYRING_PASSWORD)').fill('short')
  await page.getByRole('button', { name: 'Use for this session' }).click()
  await expect(keys.getByRole('alert')).toContainText('The keyring password needs at least 8 characters')
  await page.getByLabel('Keyring password (KEYRING_PASSWORD)').fill(CANARY)
  await page.getByRole('button', { name: 'Use for this session' }).click()
  await expect(
    page.getByText('A keyring password is held for this session (not shown, not saved).'),
  ).toBeVisible()
  await expect(page.getByLabel('Keyring password (KEYRING_PASSWORD)')).toHaveValue('')
  const netFile = page.getByLabel('config.env of net')
  await expect(netFile).toContainText("export KEYRING_PASSWORD='********'")
  await expect(netFile).toContainText('export DAPI_API__POC_CALLBACK_URL=http://10.20.0.2:9100')
  await expect(netFile).toContainText('export PUBLIC_URL=http://198.51.100.4:8000')
  expect(await page.content()).not.toContain('Canary')

  // The Docker-internal default typed as the callback: refused, with why and what to use.
  const own = page.getByLabel('Your own callback URL (optional)')
  await own.fill('http://api:9100')
  await own.blur()
  await expect(own).toHaveAttribute('aria-invalid', 'true')
  await expect(callback.getByRole('alert')).toContainText(
    '"api" is a name inside Docker on the network server; ML nodes on other servers cannot resolve it',
  )
  await expect(callback.getByRole('alert')).toContainText(
    "Use http://<network server's private address>:9100.",
  )
  await own.fill('http://10.20.0.2:9100/')
  await own.blur()
  await expect(callback.getByRole('alert')).toContainText('Remove the trailing slash (http://10.20.0.2:9100)')

  // The same refusal in Chinese.
  await own.fill('http://api:9100')
  await own.blur()
  await page.getByLabel('Language').selectOption('zh-CN')
  const callbackZh = page.getByRole('group', { name: 'PoC 回调地址' })
  await expect(callbackZh.getByRole('alert')).toContainText('"api" 是网络服务器 Docker 内部的名称')
  await expect(callbackZh).toContainText('网络服务器使用的回调地址')
  await expect(page.getByLabel('热密钥名称（KEY_NAME）')).toHaveValue('warm-key')

  // Saved to the profile, without the password.
  const readProfile = async (): Promise<{ deployment?: Record<string, unknown> } | undefined> => {
    const files = (await readdir(dataDir, { recursive: true })).map(String)
    const file = files.find((f) => f.includes('profiles') && f.endsWith('.json'))
    return file
      ? (JSON.parse(await readFile(join(dataDir, file), 'utf8')) as { deployment?: Record<string, unknown> })
      : undefined
  }
  await expect
    .poll(async () => (await readProfile())?.deployment)
    .toMatchObject({
      publicHost: '198.51.100.4',
      keyName: 'warm-key',
      accountPubkey: PUBKEY,
      callbackUrl: 'http://api:9100',
    })
  const files = (await readdir(dataDir, { recursive: true })).map(String)
  for (const f of files) {
    const text = await readFile(join(dataDir, f), 'utf8').catch(() => '')
    expect(text, f).not.toContain('Canary')
  }
})
