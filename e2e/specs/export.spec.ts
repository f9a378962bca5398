// Step 9 in Chromium, in every language: the config bundle is exported with a passphrase typed twice,
// imported with a wrong passphrase (refused, nothing written) and the right one (the deployment is
// there again), and a changed or truncated bundle is refused with its reason and nothing written.
import { readFileSync } from 'node:fs'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { addServer, expectSaved } from './helpers'

type Tree = { [key: string]: string | Tree }
const LOCALES = join(__dirname, '..', '..', 'renderer', 'src', 'i18n', 'locales')
const LANGUAGES = readdirSafe(LOCALES)

function readdirSafe(dir: string): string[] {
  return ['en', 'zh-CN', 'ru'].filter((l) => {
    try {
      readFileSync(join(dir, l, 'export.json'))
      return true
    } catch {
      return false
    }
  })
}

/** The UI text of `key` in `language`, with `{{name}}` filled from `params` (the files the app ships). */
function text(language: string, key: string, params: Record<string, string | number> = {}): string {
  const read = (file: string): Tree => JSON.parse(readFileSync(join(LOCALES, language, file), 'utf8')) as Tree
  let node: string | Tree | undefined = { ...read('export.json'), ...read('shell.json') }
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined
  if (typeof node !== 'string') throw new Error(`No text ${key} in ${language}`)
  return node.replace(/{{\s*(\w+)\s*}}/g, (_m, name: string) => String(params[name] ?? ''))
}

const PASSPHRASE = 'correct horse battery staple'
const KEYRING = 'E2e-keyring-pw!9'

async function profileFiles(dataDir: string): Promise<string[]> {
  return (await readdir(join(dataDir, 'profiles')).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort()
}

async function setUp(page: Page): Promise<void> {
  // A network server nobody answers on (the export lists it as not readable and goes on).
  await addServer(page, { name: 'net', address: '127.0.0.1', port: '9', user: 'gonka', role: 'Network node' })
  await expectSaved(page)
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /^Configuration/ })
    .click()
  // A keyring password held for the session: the bundle then has secrets to encrypt.
  await page.getByLabel('Keyring password (KEYRING_PASSWORD)').fill(KEYRING)
  await page.getByRole('button', { name: 'Use for this session' }).click()
  await expect(page.getByText('A keyring password is held for this session (not shown, not saved).')).toBeVisible()
}

for (const language of LANGUAGES) {
  test(`step 9 exports, refuses a wrong passphrase and a changed file, and imports with the right one (${language})`, async ({
    app,
    dataDir,
  }) => {
    test.setTimeout(120_000)
    const page = app.page
    const T = (key: string, params?: Record<string, string | number>): string => text(language, key, params)
    await setUp(page)
    if (language !== 'en') await page.getByLabel('Language').selectOption(language)
    await page
      .getByRole('navigation')
      .getByRole('button', { name: new RegExp(`^${T('steps.export.title')}`) })
      .click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(T('steps.export.title'))

    // Export: the passphrase typed twice must be long enough and match.
    const exportPart = page.getByRole('region', { name: T('exportUi.export.title') })
    const bundle = join(dataDir, 'out', 'deployment.zip')
    await exportPart.getByLabel(T('exportUi.export.path')).fill(bundle)
    await exportPart.getByLabel(T('exportUi.export.passphrase', { min: 8 })).fill('short')
    await exportPart.getByLabel(T('exportUi.export.passphraseAgain')).fill('short')
    await exportPart.getByRole('button', { name: T('exportUi.export.button') }).click()
    await expect(exportPart.getByRole('alert')).toHaveText(T('exportUi.passphrase.short', { min: 8 }))
    await exportPart.getByLabel(T('exportUi.export.passphrase', { min: 8 })).fill(PASSPHRASE)
    await exportPart.getByLabel(T('exportUi.export.passphraseAgain')).fill(`${PASSPHRASE}x`)
    await exportPart.getByRole('button', { name: T('exportUi.export.button') }).click()
    await expect(exportPart.getByRole('alert')).toHaveText(T('exportUi.passphrase.differ'))
    await exportPart.getByLabel(T('exportUi.export.passphraseAgain')).fill(PASSPHRASE)
    await exportPart.getByRole('button', { name: T('exportUi.export.button') }).click()
    const exported = exportPart.getByRole('status')
    await expect(exported).toContainText(bundle, { timeout: 60_000 })
    await expect(exported).toContainText(T('exportUi.export.secretsIn'))
    // The passphrase fields are cleared; the page never shows a secret.
    await expect(exportPart.getByLabel(T('exportUi.export.passphrase', { min: 8 }))).toHaveValue('')
    const html = await page.content()
    expect(html).not.toContain(PASSPHRASE)
    expect(html).not.toContain(KEYRING)
    const zip = new Uint8Array(await readFile(bundle))
    expect(Object.keys(unzipSync(zip))).toContain('secrets.tar.age')

    const before = await profileFiles(dataDir)
    expect(before).toHaveLength(1)
    const importPart = page.getByRole('region', { name: T('exportUi.import.title') })
    const importWith = async (file: string, passphrase: string): Promise<void> => {
      await importPart.getByLabel(T('exportUi.import.path')).fill(file)
      await importPart.getByLabel(T('exportUi.import.passphrase')).fill(passphrase)
      await importPart.getByRole('button', { name: T('exportUi.import.button') }).click()
    }

    // A changed file inside the bundle: refused, naming the file, nothing written.
    const files = unzipSync(zip)
    files['profile.json'] = strToU8(strFromU8(files['profile.json']!).replace('127.0.0.1', '127.0.0.2'))
    const tampered = join(dataDir, 'out', 'tampered.zip')
    await writeFile(tampered, zipSync(files))
    await importWith(tampered, PASSPHRASE)
    const refusal = importPart.getByRole('alert')
    await expect(refusal).toContainText(
      T('exportUi.errors.refused', { reason: T('exportUi.reason.checksum', { file: 'profile.json' }) }),
    )
    await expect(refusal).toContainText(T('exportUi.errors.nothingWritten'))
    expect(await profileFiles(dataDir)).toEqual(before)

    // A truncated bundle: refused, nothing written.
    const truncated = join(dataDir, 'out', 'truncated.zip')
    await writeFile(truncated, zip.subarray(0, Math.floor(zip.length / 2)))
    await importWith(truncated, PASSPHRASE)
    await expect(importPart.getByRole('alert')).toContainText(
      T('exportUi.errors.refused', { reason: T('exportUi.reason.notZip') }),
    )
    expect(await profileFiles(dataDir)).toEqual(before)

    // The wrong passphrase: said so, nothing written.
    await importWith(bundle, 'not the passphrase')
    // Opening the secrets runs scrypt (age's work factor): seconds on a busy machine.
    await expect(importPart.getByRole('alert')).toContainText(T('exportUi.errors.wrongPassphrase'), { timeout: 30_000 })
    expect(await profileFiles(dataDir)).toEqual(before)

    // The right passphrase: imported (a new id, as this data folder has the original), secrets opened.
    await importWith(bundle, PASSPHRASE)
    const imported = importPart.getByRole('status')
    await expect(imported).toContainText(T('exportUi.import.secrets.opened'), { timeout: 30_000 })
    await expect(imported).toContainText(T('exportUi.import.renamed', { id: '' }).replace(/[.。]$/, '').trim())
    await expect.poll(() => profileFiles(dataDir)).toHaveLength(2)
    const name = (await page.getByRole('heading', { level: 1 }).textContent()) ?? ''
    expect(name).toBe(T('steps.export.title'))
    // A support bundle is saved (the unreachable server is noted inside, not a failure).
    const supportPart = page.getByRole('region', { name: T('exportUi.support.title') })
    const support = join(dataDir, 'out', 'support.zip')
    await supportPart.getByLabel(T('exportUi.support.path')).fill(support)
    await supportPart.getByRole('button', { name: T('exportUi.support.button') }).click()
    await expect(supportPart.getByRole('status')).toContainText(support, { timeout: 60_000 })
    const supportFiles = unzipSync(new Uint8Array(await readFile(support)))
    expect(Object.keys(supportFiles)).toEqual(expect.arrayContaining(['app.json', 'profile.json', 'problems.json']))
    for (const data of Object.values(supportFiles)) expect(strFromU8(data)).not.toContain(KEYRING)

    // The imported deployment opens with its server.
    await imported.getByRole('button').click()
    await expect(page.getByText('127.0.0.1').first()).toBeVisible()
  })
}
