import { describe, expect, it } from 'vitest'
import { cliLanguage } from './language'

describe('the CLI language', () => {
  it('is GHW_LANG when set', () => {
    expect(cliLanguage({ GHW_LANG: 'ru', LANG: 'zh_CN.UTF-8' })).toBe('ru')
    expect(cliLanguage({ GHW_LANG: 'zh-CN' })).toBe('zh-CN')
  })

  it('else follows the locale, else English', () => {
    expect(cliLanguage({ LANG: 'ru_RU.UTF-8' })).toBe('ru')
    expect(cliLanguage({ LC_ALL: 'zh_CN.UTF-8', LANG: 'ru_RU.UTF-8' })).toBe('zh-CN')
    expect(cliLanguage({ LC_MESSAGES: 'ru_RU.UTF-8', LANG: 'en_US.UTF-8' })).toBe('ru')
    expect(cliLanguage({ LANG: 'C.UTF-8' })).toBe('en')
    expect(cliLanguage({ LC_ALL: 'C', LANG: 'ru_RU.UTF-8' })).toBe('en')
    expect(cliLanguage({})).toBe('en')
  })
})
