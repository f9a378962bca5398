import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { COLD_PASSWORD, coldCli, makeColdKey } from '../lab/cold-key'
import { test, expect } from './fixtures'
import { changeProfile, mustApi, reopenApp } from './helpers'
import { addLabServer, skipWithoutLab, specLab } from './lab-fixtures'

const FAUCET_PUBKEY = 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/'
const FAUCET_ADDRESS = 'gonka1kr8kwwzl93t7ufxrz8qxqs8n2q8v37935m25pn'

interface Texts {
  step: RegExp
  makeNew: string
  make: string
  words: string
  noted: string
  continue: string
  word: (n: number) => string
  check: string
  wrongWord: (n: number) => RegExp
  pasteOff: RegExp
  address: string
}

const EN: Texts = {
  step: /Keys & registration/,
  makeNew: 'Make a new key',
  make: 'Make the key',
  words: 'Your 24 words, in order',
  noted: 'I have written the 24 words down, in order',
  continue: 'Continue',
  word: (n) => `Word ${n}`,
  check: 'Check the words',
  wrongWord: (n) => new RegExp(`Word ${n} does not match`),
  pasteOff: /Pasting is turned off here: type the word/,
  address: 'Address',
}
const ZH: Texts = {
  step: /密钥|Keys/,
  makeNew: '生成新密钥',
  make: '生成密钥',
  words: '你的 24 个单词（按顺序）',
  noted: '我已按顺序抄写下 24 个单词',
  continue: '继续',
  word: (n) => `第 ${n} 个单词`,
  check: '核对单词',
  wrongWord: (n) => new RegExp(`第 ${n} 个单词不匹配`),
  pasteOff: /此处已禁止粘贴/,
  address: '地址',
}

async function openKeysStep(page: Page, texts: Texts): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: texts.step }).click()
}

for (const [language, texts] of [
  ['en', EN],
  ['zh-CN', ZH],
] as const) {
  test(`the key ceremony shows the words once, refuses paste and a wrong word, then forgets them (${language})`, async ({
    app,
  }) => {
    const { page } = app
    if (language === 'zh-CN') await page.getByLabel('Language').selectOption('zh-CN')
    await openKeysStep(page, texts)
    await page.getByRole('button', { name: texts.makeNew }).click()
    await page.getByRole('button', { name: texts.make }).click()

    const list = page.getByRole('list', { name: texts.words })
    await expect(list.getByRole('listitem')).toHaveCount(24)
    const words = (await list.getByRole('listitem').allInnerTexts()).map((w) => w.trim())
    await expect(page.getByRole('button', { name: texts.continue })).toBeDisabled()
    await page.getByLabel(texts.noted).check()
    await page.getByRole('button', { name: texts.continue }).click()

    // The words are gone from the screen.
    await expect(list).toHaveCount(0)
    const body = await page.locator('body').innerText()
    expect(body).not.toContain(words.slice(0, 3).join(' '))

    const fields = page.getByRole('textbox')
    await expect(fields).toHaveCount(3)
    const positions: number[] = []
    for (let i = 0; i < 3; i++) {
      const label = (await fields.nth(i).evaluate((el) => el.closest('label')?.textContent ?? '')).trim()
      positions.push(Number(/(\d+)/.exec(label)?.[1]))
    }
    // Paste is refused in the re-type fields.
    const first = page.getByLabel(texts.word(positions[0] ?? 1), { exact: true })
    await first.focus()
    await first.evaluate(
      (el, word) => {
        const data = new DataTransfer()
        data.setData('text/plain', word)
        el.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
        )
      },
      words[(positions[0] ?? 1) - 1] ?? '',
    )
    await expect(first).toHaveValue('')
    await expect(page.getByRole('status').filter({ hasText: texts.pasteOff })).toBeVisible()

    // A wrong word is refused and named.
    const wrong = words[(positions[0] ?? 1) - 1] === 'zoo' ? 'abandon' : 'zoo'
    await first.pressSequentially(wrong)
    for (const p of positions.slice(1)) {
      await page.getByLabel(texts.word(p), { exact: true }).pressSequentially(words[p - 1] ?? '')
    }
    await page.getByRole('button', { name: texts.check }).click()
    await expect(page.getByText(texts.wrongWord(positions[0] ?? 1))).toBeVisible()

    await first.fill('')
    await first.pressSequentially(words[(positions[0] ?? 1) - 1] ?? '')
    await page.getByRole('button', { name: texts.check }).click()
    await expect(page.getByText(texts.address, { exact: true })).toBeVisible()
    await expect(page.locator('#key-address')).toHaveText(/^gonka1[0-9a-z]{38}$/)
    await expect(page.locator('#key-pubkey')).toHaveText(/^[A-Za-z0-9+/]{44}$/)
    const after = await page.locator('body').innerText()
    for (const w of [words.slice(0, 3).join(' '), words.slice(10, 13).join(' ')])
      expect(after).not.toContain(w)
  })
}

test('import: a public key shows its address with Copy; an address alone is refused with why', async ({
  app,
}) => {
  const { page } = app
  await openKeysStep(page, EN)
  await page.getByRole('button', { name: 'Use an existing key' }).click()
  await page.getByLabel('Public key (base64)').fill(FAUCET_ADDRESS)
  await page.getByRole('button', { name: 'Show the address' }).click()
  await expect(page.getByText(/the key cannot be recovered from it/)).toBeVisible()
  await page.getByLabel('Public key (base64)').fill(Buffer.alloc(65, 4).toString('base64'))
  await page.getByRole('button', { name: 'Show the address' }).click()
  await expect(page.getByText(/65-byte uncompressed key/)).toBeVisible()
  await page.getByLabel('Public key (base64)').fill(FAUCET_PUBKEY)
  await page.getByRole('button', { name: 'Show the address' }).click()
  await expect(page.locator('#key-address')).toHaveText(FAUCET_ADDRESS)
  await expect(page.getByRole('button', { name: 'Copy the public key' })).toBeVisible()
})

test('import (zh-CN): 23 words are refused in Chinese', async ({ app }) => {
  const { page } = app
  await page.getByLabel('Language').selectOption('zh-CN')
  await openKeysStep(page, ZH)
  await page.getByRole('button', { name: '使用已有密钥' }).click()
  await page.getByLabel('24 个单词').check()
  await page.getByLabel('24 个单词，用空格分隔').fill(Array.from({ length: 23 }, () => 'abandon').join(' '))
  await page.getByRole('button', { name: '显示地址' }).click()
  await expect(page.getByText('账户密钥恰好有 24 个单词。')).toBeVisible()
})

// ---------------------------------------------------------------------------------------------
// Step 3 on the network server (lab): registration progress and the grant command with Copy and the
// wait, in both languages. The deployment and the warm key are prepared through the same API the UI
// uses; registration and the grants are driven from the page.

const lab = specLab({ prefix: `ks${process.pid % 100000}`, hosts: ['net', 'seed'] })
const labTest = lab.test

/** Step 1 as a user does it; then, through the API, the deployment (tmkms and node) and the warm key. */
async function prepareServer(page: Page, language: 'en' | 'zh-CN', pubkey: string): Promise<void> {
  const h = lab.host('net')
  const dir = `~/gonka-keys-${language === 'en' ? 'en' : 'zh'}`
  await lab.on(
    'net',
    `cd ${dir}/deploy/join 2>/dev/null && . ./config.env && docker compose down -v -t 1 >/dev/null 2>&1; sudo rm -rf ${dir} ~/gonka-keys-en ~/gonka-keys-zh; docker rm -f $(docker ps -aq) >/dev/null 2>&1; true`,
  )
  await addLabServer(page, h, 'Network node')
  const id = await changeProfile(page, (profile) => ({
    ...profile,
    seedApiUrl: lab.seedUrl(),
    deployment: {
      repoUrl: h.gonkaRepoUrl,
      repoRef: 'main',
      dir,
      publicHost: 'gonka-e2e.example.org',
      keyName: 'e2e-warm',
      accountPubkey: pubkey,
    },
  }))
  await mustApi(page, 'holdKeyringPassword', { profileId: id, password: 'e2e-keyring-pass' })
  const deploy = await mustApi<{ planId: string }>(
    page,
    'planDeployment',
    { profileId: id, waitSeconds: 60 },
    `p-${Date.now()}`,
  )
  await mustApi(page, 'applyPlan', { planId: deploy.planId }, `a-${Date.now()}`)
  const keys = await mustApi<{ planId: string }>(
    page,
    'planServerKeys',
    { profileId: id, steps: ['backup', 'warm'] },
    `k-${Date.now()}`,
  )
  await mustApi(page, 'applyPlan', { planId: keys.planId }, `w-${Date.now()}`)
  await reopenApp(page, language)
}

const SERVER_TEXT = {
  en: {
    step: /Keys & registration/,
    section: 'On the network server',
    warm: /The warm key e2e-warm exists: gonka1/,
    notRegistered: /Not registered yet: the seed does not show gonka1/,
    plan: 'Plan: backup, warm key, registration',
    approve: 'Approve and apply',
    waiting: /waiting for the seed to show/i,
    registered: /Registered: the seed shows gonka1.* at http:\/\/gonka-e2e\.example\.org:8000/,
    copy: 'Copy the grant command',
    copied: 'Copied',
    wait: 'Wait for the grants',
    none: /0 of 20 permissions granted/,
    all: /20 of 20 permissions granted/,
    cannotServe: /The host cannot serve yet/,
    canServe: /the host can serve/,
  },
  'zh-CN': {
    step: /密钥|Keys/,
    section: '在网络服务器上',
    warm: /热密钥 e2e-warm 已存在：gonka1/,
    notRegistered: /尚未注册：种子节点未显示 gonka1/,
    plan: '计划：备份、热密钥、注册',
    approve: '批准并执行',
    waiting: /等待种子节点显示/,
    registered: /已注册：种子节点显示 gonka1.*gonka-e2e\.example\.org:8000/,
    copy: '复制授权命令',
    copied: '已复制',
    wait: '等待授权完成',
    none: /已授予 0 \/ 20 项权限/,
    all: /已授予 20 \/ 20 项权限/,
    cannotServe: /主机暂时还不能提供服务/,
    canServe: /主机可以提供服务/,
  },
} as const

labTest.describe('step 3 on the network server (lab)', () => {
  skipWithoutLab(labTest, 'step 3 on the network server (lab)')
  labTest.beforeAll(async () => {
    labTest.setTimeout(300_000)
    await lab.up()
  })
  labTest.afterAll(async () => {
    labTest.setTimeout(120_000)
    await lab.down()
  })

  for (const language of ['en', 'zh-CN'] as const) {
    const x = SERVER_TEXT[language]
    labTest(
      `registration progress, then the grant command with Copy and the wait (${language})`,
      async ({ app }) => {
        labTest.setTimeout(420_000)
        const { page } = app
        const keySeed = `e2e-${language}-${Date.now()}`
        const coldHome = await mkdtemp(join(tmpdir(), 'ghw-e2e-cold-'))
        const pubkey = await makeColdKey(coldHome, keySeed)
        await prepareServer(page, language, pubkey)
        await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
          origin: new URL(page.url()).origin,
        })
        // The seed takes a few seconds to take the registration in, so the progress is seen.
        await fetch(`${lab.seedUrl()}/standin/v1/registration`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ closed: false, allowlist: null, hold: false, delay_ms: 6000 }),
        })

        await page.getByRole('navigation').getByRole('button', { name: x.step }).click()
        const section = page.getByRole('region', { name: x.section })
        await expect(section.getByTestId('warm-state')).toHaveText(x.warm, { timeout: 60_000 })
        await expect(section.getByTestId('registration-state')).toHaveText(x.notRegistered)
        await expect(section.getByTestId('cannot-serve')).toContainText(x.cannotServe)

        // Registration: plan, approve, progress while the seed has not shown it, then confirmed.
        await section.getByRole('button', { name: x.plan }).click()
        await section.getByRole('button', { name: x.approve }).click({ timeout: 60_000 })
        await expect(section.getByTestId('server-keys-progress')).toHaveText(x.waiting, { timeout: 90_000 })
        await expect(section.getByTestId('registration-state')).toHaveText(x.registered, { timeout: 120_000 })

        // The grant command, filled in, with Copy.
        const command = section.locator('#grant-command')
        await expect(command).toHaveText(
          new RegExp(
            `^\\./inferenced tx inference grant-ml-ops-permissions gonka-account-key gonka1[0-9a-z]{38} --from gonka-account-key --keyring-backend file --gas 2000000 --node ${lab.seedUrl().replace(/\./g, '\\.')}/chain-rpc/$`,
          ),
        )
        await expect(section.getByTestId('grants-state')).toContainText(x.none)
        await section.getByRole('button', { name: x.copy }).click()
        await expect(section.getByRole('status').filter({ hasText: x.copied })).toBeVisible()
        const copied = await page.evaluate(() => navigator.clipboard.readText())
        expect(copied).toBe(await command.innerText())

        // The wait: the user runs the command with the cold key; the page sees every grant arrive.
        await section.getByRole('button', { name: x.wait }).click()
        await expect(section.getByTestId('server-keys-progress')).toBeVisible()
        const sent = await coldCli(
          [...copied.split(' ').slice(1), '--home', coldHome],
          `${COLD_PASSWORD}\n`,
          keySeed,
        )
        expect(sent).toContain('Transaction confirmed successfully!')
        await expect(section.getByTestId('grants-state')).toContainText(x.all, { timeout: 60_000 })
        await expect(section.getByText(x.canServe)).toBeVisible()
        await expect(section.getByTestId('cannot-serve')).toHaveCount(0)
        await rm(coldHome, { recursive: true, force: true })
      },
    )
  }
})
