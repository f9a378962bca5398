import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEPLOYMENT_VALIDATION_KEYS } from '../../shared/deployment'
import { FAILURE_IDS } from './failure-patterns'
import { CONFIG_VARIABLES } from './variables'

type Tree = { [key: string]: string | Tree }
const load = (lang: string): Tree =>
  JSON.parse(readFileSync(join(__dirname, `../../shared/locales/config/${lang}.json`), 'utf8')) as Tree
const at = (tree: Tree, key: string): unknown =>
  key
    .split('.')
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined),
      tree,
    )

const SOURCE = readFileSync(join(__dirname, 'desired-config.ts'), 'utf8')
const SOURCE_KEYS = [...SOURCE.matchAll(/'(config\.source\.[A-Za-z]+)'/g)].map((m) => m[1] as string)

describe('step 4 texts in every language', () => {
  for (const lang of ['en', 'zh-CN', 'ru']) {
    it(`${lang}: every validation key, variable, failure, layout and value source has its text`, () => {
      const tree = load(lang)
      const keys = [
        ...DEPLOYMENT_VALIDATION_KEYS.map((k) => `config.validation.${k}`),
        ...CONFIG_VARIABLES.flatMap((v) => [`config.vars.${v.name}.label`, `config.vars.${v.name}.help`]),
        ...FAILURE_IDS.flatMap((id) => [`config.failure.${id}.cause`, `config.failure.${id}.fix`]),
        ...['fits', 'tooSmall', 'noGpu', 'unknownModel'].map((k) => `config.layout.${k}`),
        ...SOURCE_KEYS,
      ]
      expect(SOURCE_KEYS.length).toBeGreaterThan(10)
      const missing = keys.filter(
        (k) => typeof at(tree, k) !== 'string' || (at(tree, k) as string).trim() === '',
      )
      expect(missing).toEqual([])
    })
  }
})
