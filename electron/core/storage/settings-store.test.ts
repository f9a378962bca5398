import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SettingsStore } from './settings-store'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ghw-settings-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the language setting', () => {
  it('starts in the language matched to the system until the user chooses one', async () => {
    expect((await new SettingsStore(dir, { language: 'ru' }).get()).language).toBe('ru')
    expect((await new SettingsStore(dir).get()).language).toBe('en')
  })

  it('keeps a chosen language across restarts, whatever the system says', async () => {
    await new SettingsStore(dir, { language: 'ru' }).update({ language: 'zh-CN' })
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toMatchObject({
      language: 'zh-CN',
    })
    expect((await new SettingsStore(dir, { language: 'ru' }).get()).language).toBe('zh-CN')
  })

  it('fills a settings file written without a language from the system', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ lastProfileId: 'p1' }))
    expect(await new SettingsStore(dir, { language: 'ru' }).get()).toMatchObject({
      language: 'ru',
      lastProfileId: 'p1',
    })
  })
})
