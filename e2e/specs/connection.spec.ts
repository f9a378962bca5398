import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { createServer, type Server as NetServer, type Socket } from 'node:net'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import type { LabHost } from '../lab/lab-schema'
import { addServer, expectSaved } from './helpers'
import { expect, labHost, requireLab, rotateHostKey, test } from './lab-fixtures'

const rail = (page: Page) => page.getByRole('navigation').getByRole('button', { name: /Topology & servers/ })

/** A single-machine deployment with one server reached by password. */
async function addPasswordServer(page: Page, name: string, address: string, user: string): Promise<void> {
  await page.getByRole('radio', { name: /Single machine/ }).check()
  await addServer(page, { name, address, user, auth: 'Password' })
  await expectSaved(page)
}

const hostKeyDialog = (page: Page) => page.getByRole('dialog', { name: /Check the identity of/ })
const passwordDialog = (page: Page) => page.getByRole('dialog', { name: /Password for/ })

async function answerPassword(page: Page, password: string): Promise<void> {
  const dialog = passwordDialog(page)
  await expect(dialog).toBeVisible()
  const field = dialog.getByLabel('Password', { exact: true })
  await expect(field).toBeFocused()
  await field.fill(password)
  await dialog.getByRole('button', { name: 'Log in' }).click()
  await expect(dialog).toBeHidden()
}

/** First use: test, check the fingerprint shown against the lab's, trust it, log in. */
async function trustAndLogIn(page: Page, host: LabHost, name: string): Promise<void> {
  await page.getByRole('button', { name: `Test connection to ${name}` }).click()
  const dialog = hostKeyDialog(page)
  await expect(dialog).toBeVisible()
  await expect(dialog.getByTestId('fingerprint')).toHaveText(host.hostKeyFingerprint)
  await dialog.getByRole('button', { name: 'Trust this key' }).click()
  await answerPassword(page, host.password)
}

const status = (page: Page, name: string) => page.getByRole('group', { name: `Connection of ${name}` })

test.describe('connection tests without the lab', () => {
  test('hosts from ~/.ssh/config are listed and the chosen ones added', async ({ app }) => {
    const page = app.page
    const ssh = join(app.dataDir, 'home', '.ssh')
    await mkdir(ssh, { recursive: true })
    await writeFile(
      join(ssh, 'config'),
      [
        'Host gpu-a',
        '  HostName 203.0.113.21',
        '  User ubuntu',
        '  Port 2222',
        'Host gpu-b',
        '  HostName 203.0.113.22',
        '  User root',
        'Host *',
        '  ServerAliveInterval 30',
        '',
      ].join('\n'),
    )
    await page.getByRole('button', { name: 'Import from ~/.ssh/config' }).click()
    const panel = page.getByRole('region', { name: /Hosts in .*config/ })
    await expect(panel.getByRole('checkbox')).toHaveCount(2)
    await panel.getByRole('checkbox', { name: /gpu-b/ }).check()
    await panel.getByRole('button', { name: 'Add selected' }).click()
    await expectSaved(page)
    const list = page.getByRole('list', { name: 'Servers' })
    await expect(list.getByRole('listitem')).toHaveCount(1)
    await expect(list.getByRole('listitem', { name: 'gpu-b' })).toContainText('root@203.0.113.22, port 22')
  })

  test('a test that hangs can be cancelled', async ({ app }) => {
    // A loopback listener that accepts and never speaks SSH: the test waits until cancelled.
    const sockets: Socket[] = []
    const silent: NetServer = createServer((s) => sockets.push(s))
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const port = (silent.address() as { port: number }).port
    try {
      const page = app.page
      await page.getByRole('radio', { name: /Single machine/ }).check()
      await addServer(page, {
        name: 'silent',
        address: '127.0.0.1',
        port: String(port),
        user: 'nobody',
        auth: 'Password',
      })
      await expectSaved(page)
      await page.getByRole('button', { name: 'Test connection to silent' }).click()
      await expect(status(page, 'silent').getByRole('status')).toHaveText('Testing…')
      await expect(rail(page)).toContainText('Running')
      await page.getByRole('button', { name: 'Cancel the connection test of silent' }).click()
      await expect(status(page, 'silent').getByRole('status')).toHaveText('Cancelled')
      await expect(page.getByRole('button', { name: 'Test the connection to silent again' })).toBeEnabled()
      await expect(rail(page)).toContainText('Needs attention')
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => silent.close(() => r()))
    }
  })
})

test.describe('connection tests against the lab', () => {
  requireLab()

  test('first use: fingerprint, trust, password, facts; pinned after a restart', async ({ app, lab }) => {
    const host = labHost(lab, 'net')
    let page = app.page
    await addPasswordServer(page, 'net', host.address, host.user)
    await expect(rail(page)).toContainText('Needs attention')

    await page.getByRole('button', { name: 'Test connection to net' }).click()
    const dialog = hostKeyDialog(page)
    await expect(dialog).toBeVisible()
    await expect(dialog.getByTestId('fingerprint')).toHaveText(host.hostKeyFingerprint)
    await expect(dialog).toContainText('ssh-ed25519')
    await expect(dialog).toContainText(`${host.address}, port 22`)
    await expect(dialog).toContainText('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')
    await page.screenshot({ path: 'test-results/fingerprint-dialog.png' })
    await dialog.getByRole('button', { name: 'Trust this key' }).click()

    await answerPassword(page, host.password)
    const card = status(page, 'net')
    await expect(card.getByRole('status')).toHaveText('Connected')
    await expect(card).toContainText('tester (uid')
    await expect(card).toContainText('sudo without a password')
    await expect(rail(page)).toContainText('Done')
    await expect(page.getByText('All servers connected and trusted.')).toBeVisible()
    // Nothing the app wrote to disk holds the password.
    for (const file of await readdir(app.dataDir, { recursive: true })) {
      const path = join(app.dataDir, file)
      if ((await stat(path)).isFile()) expect(await readFile(path, 'utf8')).not.toContain(host.password)
    }

    page = await app.restart()
    await page.getByRole('button', { name: 'Test connection to net' }).click()
    // The key is pinned: the next thing asked is the password, never the fingerprint.
    await expect(passwordDialog(page)).toBeVisible()
    await expect(hostKeyDialog(page)).toHaveCount(0)
    await answerPassword(page, host.password)
    await expect(status(page, 'net').getByRole('status')).toHaveText('Connected')
  })

  test('refusing the fingerprint logs in nowhere', async ({ app, lab }) => {
    const host = labHost(lab, 'net')
    const page = app.page
    await addPasswordServer(page, 'net', host.address, host.user)
    await page.getByRole('button', { name: 'Test connection to net' }).click()
    const dialog = hostKeyDialog(page)
    await expect(dialog).toBeVisible()
    // The safe choice has the focus, and Tab stays inside the dialog.
    const refuse = dialog.getByRole('button', { name: 'Don’t trust' })
    await expect(refuse).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(dialog.getByRole('button', { name: 'Copy fingerprint' })).toBeFocused()
    await page.keyboard.press('Shift+Tab')
    await expect(refuse).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(hostKeyDialog(page)).toHaveCount(0)
    await expect(passwordDialog(page)).toHaveCount(0)
    const card = status(page, 'net')
    await expect(card.getByRole('status')).toHaveText('Failed')
    await expect(card).toContainText('You did not trust this server’s key')
  })

  test('a changed host key is a blocking warning with both fingerprints', async ({ app, lab }) => {
    const host = labHost(lab, 'net')
    let page = app.page
    await addPasswordServer(page, 'net', host.address, host.user)
    await trustAndLogIn(page, host, 'net')
    await expect(status(page, 'net').getByRole('status')).toHaveText('Connected')

    const rotated = await rotateHostKey(lab)
    try {
      const fresh = labHost(rotated.lab, 'net')
      page = await app.restart()
      await page.getByRole('button', { name: 'Test connection to net' }).click()
      const warning = page.getByRole('alertdialog', { name: /identity of .* has changed/ })
      await expect(warning).toBeVisible()
      await expect(warning.getByTestId('fingerprint-before')).toHaveText(host.hostKeyFingerprint)
      await expect(warning.getByTestId('fingerprint-now')).toHaveText(fresh.hostKeyFingerprint)
      await expect(passwordDialog(page)).toHaveCount(0)
      await page.screenshot({ path: 'test-results/host-key-changed-dialog.png' })

      // Replacing needs the address typed in; until then the button does nothing.
      await warning.getByText('Replace the trusted key').first().click()
      const replace = warning.getByRole('button', { name: 'Replace the trusted key' })
      await expect(replace).toBeDisabled()
      await warning.getByRole('button', { name: 'Keep blocked' }).click()
      await expect(warning).toBeHidden()
      const card = status(page, 'net')
      await expect(card.getByRole('status')).toHaveText('Failed')
      await expect(card).toContainText('identity has changed')
      await expect(rail(page)).toContainText('Needs attention')

      // Deliberately: type the address, replace, log in.
      await page.getByRole('button', { name: 'Test the connection to net again' }).click()
      await expect(warning).toBeVisible()
      await warning.getByText('Replace the trusted key').first().click()
      await warning.getByLabel('Server address to confirm').fill(host.address)
      await replace.click()
      await answerPassword(page, host.password)
      await expect(status(page, 'net').getByRole('status')).toHaveText('Connected')
    } finally {
      await rotated.undo()
    }
  })

  test('a wrong password says the login was refused, in English and Chinese', async ({ app, lab }) => {
    const host = labHost(lab, 'net')
    const page = app.page
    await addPasswordServer(page, 'net', host.address, host.user)
    await page.getByRole('button', { name: 'Test connection to net' }).click()
    await hostKeyDialog(page).getByRole('button', { name: 'Trust this key' }).click()
    await answerPassword(page, `${host.password}-wrong`)
    const card = status(page, 'net')
    await expect(card.getByRole('status')).toHaveText('Failed')
    await expect(card).toContainText('The server did not accept the login.')
    await expect(card).toContainText('Login methods tried: password')

    await page.getByLabel('Language').selectOption('zh-CN')
    const zhCard = page.getByRole('group', { name: 'net 的连接' })
    await expect(zhCard.getByRole('status')).toHaveText('失败')
    await expect(zhCard).toContainText('服务器没有接受登录')
    await expect(zhCard).toContainText('已尝试的登录方式：password')
  })

  test('an address nobody answers on says it cannot be reached', async ({ app, lab }) => {
    // The last address of the lab's /28: inside the lab network, never given to a host.
    const base = Number(lab.subnet.split('/')[0]?.split('.')[3] ?? '0')
    const unused = `198.51.100.${base + 14}`
    expect(lab.hosts.map((h) => h.address)).not.toContain(unused)
    const page = app.page
    await addPasswordServer(page, 'gone', unused, 'tester')
    await page.getByRole('button', { name: 'Test connection to gone' }).click()
    const card = status(page, 'gone')
    await expect(card.getByRole('status')).toHaveText('Failed', { timeout: 45_000 })
    await expect(card).toContainText(/The server could not be reached\.|The server did not answer in time\./)
    await expect(card).toContainText(`Tried tester@${unused}, port 22.`)
    await expect(hostKeyDialog(page)).toHaveCount(0)
  })
})
