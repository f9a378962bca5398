import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../../../electron/shared/result'
import { VALIDATION_KEYS } from '../../../electron/shared/profile'
import { STEPS } from '../steps/steps'
import { resources } from '.'

type Tree = { [key: string]: string | Tree }
const LOCALES = join(__dirname, 'locales')
const LANGS = readdirSync(LOCALES)

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [k, v] of flatten(value, path)) out.set(k, v)
  }
  return out
}

const placeholders = (text: string) => [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort()
const en = flatten(resources.en.translation)

describe('locales', () => {
  it('ships English and Simplified Chinese', () => {
    expect(LANGS.sort()).toEqual(['en', 'zh-CN'])
  })

  for (const file of readdirSync(join(LOCALES, 'en'))) {
    it(`${file}: every key exists in every language, non-empty, with the same placeholders`, () => {
      const base = flatten(JSON.parse(readFileSync(join(LOCALES, 'en', file), 'utf8')) as Tree)
      for (const lang of LANGS) {
        const other = flatten(JSON.parse(readFileSync(join(LOCALES, lang, file), 'utf8')) as Tree)
        expect([...other.keys()].sort(), `${lang}/${file} keys`).toEqual([...base.keys()].sort())
        for (const [key, text] of other) {
          expect(text.trim(), `${lang}/${file}: ${key} is empty`).not.toBe('')
          expect(placeholders(text), `${lang}/${file}: ${key} placeholders`).toEqual(
            placeholders(base.get(key) ?? ''),
          )
        }
      }
    })
  }

  // Texts shared with the back end: electron/shared/locales/<feature>/<lang>.json.
  const SHARED = join(__dirname, '..', '..', '..', 'electron', 'shared', 'locales')
  for (const feature of readdirSync(SHARED)) {
    it(`shared ${feature}: every key exists in every language, non-empty, with the same placeholders`, () => {
      const read = (lang: string) =>
        flatten(JSON.parse(readFileSync(join(SHARED, feature, `${lang}.json`), 'utf8')) as Tree)
      expect(readdirSync(join(SHARED, feature)).sort()).toEqual(LANGS.map((l) => `${l}.json`).sort())
      const base = read('en')
      for (const lang of LANGS) {
        const other = read(lang)
        expect([...other.keys()].sort(), `${lang}: ${feature} keys`).toEqual([...base.keys()].sort())
        for (const [key, text] of other) {
          expect(text.trim(), `${lang}/${feature}: ${key} is empty`).not.toBe('')
          expect(placeholders(text), `${lang}/${feature}: ${key} placeholders`).toEqual(
            placeholders(base.get(key) ?? ''),
          )
        }
      }
      // The renderer's merged tree carries them (the glob in index.ts found the files).
      for (const key of base.keys()) expect(en.has(key), `${key} in the renderer's tree`).toBe(true)
    })
  }

  it('translates every error code, validation message and step', () => {
    const needed = [
      ...ERROR_CODES.flatMap((code) => [`errors.${code}.message`, `errors.${code}.hint`]),
      ...VALIDATION_KEYS.map((key) => `validation.${key}`),
      ...STEPS.flatMap((step) => [`steps.${step.id}.title`, `steps.${step.id}.summary`]),
    ]
    const missing = needed.filter((key) => !en.has(key))
    expect(missing).toEqual([])
  })

  it('has every literal key the renderer asks for', () => {
    const used = new Set<string>()
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
          const source = readFileSync(path, 'utf8')
          for (const m of source.matchAll(/\bt\(\s*'([A-Za-z0-9_.-]+)'/g)) if (m[1]) used.add(m[1])
        }
      }
    }
    walk(join(__dirname, '..'))
    expect(used.size).toBeGreaterThan(20)
    expect([...used].filter((key) => !en.has(key))).toEqual([])
  })
})
