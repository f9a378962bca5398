import { test, expect } from './fixtures'
import type { Page } from '@playwright/test'

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
