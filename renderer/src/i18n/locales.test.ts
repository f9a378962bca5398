import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
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

/** The set of `{{name}}` placeholders of a text, sorted. */
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]))].sort()
const en = flatten(resources.en.translation)

/** Every language the app ships; each must have every key of English. */
const SHIPPED = ['en', 'zh-CN', 'ru'] as const
const ROOT = join(__dirname, '..', '..', '..')
const SHARED = join(ROOT, 'electron', 'shared', 'locales')
/** The one back-end namespace the renderer does not load (the CLI's help; see index.ts). */
const RENDERER_SKIPS = 'cli-help'

/** One namespace file per language: renderer `locales/<lang>/<ns>.json`, back end `<ns>/<lang>.json`. */
interface Namespace {
  readonly name: string
  readonly file: (lang: string) => string
}
const NAMESPACES: Namespace[] = [
  ...readdirSync(join(LOCALES, 'en')).map((file) => ({
    name: file,
    file: (lang: string) => join(LOCALES, lang, file),
  })),
  ...readdirSync(SHARED).map((feature) => ({
    name: `shared ${feature}`,
    file: (lang: string) => join(SHARED, feature, `${lang}.json`),
  })),
]

function read(path: string): Map<string, string> | undefined {
  return existsSync(path) ? flatten(JSON.parse(readFileSync(path, 'utf8')) as Tree) : undefined
}

/**
 * Every translation problem of `lang`, one line each, grouped so a translator can work from the list:
 * the file, the key and the English text of every key that is missing; keys English does not have;
 * empty texts; and texts whose placeholder set differs from English's.
 */
function problemsOf(lang: string): { missing: string[]; other: string[] } {
  const missing: string[] = []
  const other: string[] = []
  for (const ns of NAMESPACES) {
    const base = read(ns.file('en')) ?? new Map<string, string>()
    const path = relative(ROOT, ns.file(lang))
    const translated = read(ns.file(lang))
    for (const [key, text] of base) {
      const mine = translated?.get(key)
      if (mine === undefined) missing.push(`${path}: ${key} = ${JSON.stringify(text)}`)
      else if (mine.trim() === '') other.push(`${path}: ${key} is empty`)
      else if (placeholders(mine).join(',') !== placeholders(text).join(','))
        other.push(
          `${path}: ${key} has placeholders {${placeholders(mine).join(', ')}}, English has {${placeholders(text).join(', ')}}`,
        )
    }
    for (const key of translated?.keys() ?? [])
      if (!base.has(key)) other.push(`${path}: ${key} is not in English`)
  }
  return { missing, other }
}

describe('locales', () => {
  it('ships English, Simplified Chinese and Russian', () => {
    expect(readdirSync(SHARED)).toContain(RENDERER_SKIPS)
    expect(resources.en.translation.cliHelp, 'the CLI help is not in the app bundle').toBeUndefined()
    expect(LANGS.sort()).toEqual([...SHIPPED].sort())
    expect(Object.keys(resources).sort()).toEqual([...SHIPPED].sort())
    for (const feature of readdirSync(SHARED))
      expect(readdirSync(join(SHARED, feature)).sort(), `electron/shared/locales/${feature}`).toEqual(
        SHIPPED.map((l) => `${l}.json`).sort(),
      )
  })

  // The missing-key test. On failure it lists exactly which keys a language lacks (file, key and the
  // English text to translate), e.g. after a branch added keys in en and zh-CN only.
  for (const lang of SHIPPED.filter((l) => l !== 'en')) {
    it(`${lang}: every key of every namespace is translated, non-empty, with English's placeholders`, () => {
      const { missing, other } = problemsOf(lang)
      expect(
        missing,
        `${missing.length} key(s) have no ${lang} text yet:\n  ${missing.join('\n  ')}\n`,
      ).toEqual([])
      expect(other, `${lang}: ${other.join('\n')}`).toEqual([])
    })
  }

  it('finds a missing key, an empty text and a changed placeholder (the check itself works)', () => {
    const placeholdersOf = (a: string, b: string) => placeholders(a).join() === placeholders(b).join()
    expect(placeholdersOf('{{a}} and {{b}}', '{{b}} и {{a}} ({{a}})')).toBe(true)
    expect(placeholdersOf('{{name}}', '{{имя}}')).toBe(false)
    expect(placeholdersOf('{{count}} GPUs', 'GPU')).toBe(false)
  })

  // Texts shared with the back end: the renderer's merged tree carries them (the glob in index.ts found them),
  // except the CLI's help, which only the CLI shows (its keys are still checked above like every namespace).
  for (const feature of readdirSync(SHARED).filter((f) => f !== RENDERER_SKIPS)) {
    it(`shared ${feature}: the renderer's tree has every key in every language`, () => {
      for (const lang of SHIPPED) {
        const tree = flatten(resources[lang].translation)
        const keys = read(join(SHARED, feature, `${lang}.json`)) ?? new Map<string, string>()
        for (const key of keys.keys())
          expect(tree.has(key), `${lang}: ${key} in the renderer's tree`).toBe(true)
      }
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
