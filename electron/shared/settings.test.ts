import { describe, expect, it } from 'vitest'
import { matchLanguage, settingsSchema } from './settings'

describe('matchLanguage', () => {
  it('starts in Russian, Chinese or English by the system’s preferred languages', () => {
    expect(matchLanguage(['ru-RU', 'en-US'])).toBe('ru')
    expect(matchLanguage(['ru'])).toBe('ru')
    expect(matchLanguage(['ru_RU.UTF-8'])).toBe('ru')
    expect(matchLanguage(['zh-CN'])).toBe('zh-CN')
    expect(matchLanguage(['zh-Hans-CN'])).toBe('zh-CN')
    expect(matchLanguage(['zh_CN.UTF-8'])).toBe('zh-CN')
    expect(matchLanguage(['en-GB', 'ru-RU'])).toBe('en')
  })

  it('takes the first language it ships and falls back to English', () => {
    expect(matchLanguage(['de-DE', 'ru-RU'])).toBe('ru')
    expect(matchLanguage(['de-DE', 'fr-FR'])).toBe('en')
    expect(matchLanguage([])).toBe('en')
    // Traditional Chinese readers are not switched to Simplified Chinese.
    expect(matchLanguage(['zh-TW'])).toBe('en')
    expect(matchLanguage(['zh-Hant-HK', 'ru'])).toBe('ru')
  })

  it('stores ru as a valid language', () => {
    expect(settingsSchema.parse({ language: 'ru' }).language).toBe('ru')
    expect(() => settingsSchema.parse({ language: 'de' })).toThrow()
  })
})
