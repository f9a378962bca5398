import { builtinModules } from 'node:module'
import { dirname, relative, resolve, sep } from 'node:path'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// Every user-visible string goes through i18n: flag letters written straight into JSX text or into
// the attributes people read (labels, titles, placeholders).
const VISIBLE_ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt', 'label', 'aria-description'])
const hasLetters = (text) => /\p{L}/u.test(text)
export const i18nPlugin = {
  rules: {
    'no-literal-ui-text': {
      meta: {
        type: 'problem',
        messages: { literal: 'User-visible text "{{text}}" must come from i18n (t(...)).' },
      },
      create(context) {
        return {
          JSXText(node) {
            if (hasLetters(node.value))
              context.report({ node, messageId: 'literal', data: { text: node.value.trim().slice(0, 40) } })
          },
          JSXAttribute(node) {
            const name = typeof node.name.name === 'string' ? node.name.name : ''
            if (!VISIBLE_ATTRIBUTES.has(name) || !node.value) return
            const value =
              node.value.type === 'Literal'
                ? node.value.value
                : node.value.type === 'JSXExpressionContainer' && node.value.expression.type === 'Literal'
                  ? node.value.expression.value
                  : undefined
            if (typeof value === 'string' && hasLetters(value))
              context.report({ node, messageId: 'literal', data: { text: value.slice(0, 40) } })
          },
        }
      },
    },
  },
}

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'net',
  'http',
  'https',
  'events',
  'stream',
  'util',
]

// Layer rules (ARCHITECTURE.md), as data. Each layer under electron/ lists the layers its relative
// imports may land in (resolved against the importing file, so `../../core/x` from shared/ops/ is
// caught as surely as `../core/x`) and the packages it may or may not import. Tests (`*.test.ts`)
// may also use the test support (electron/test-support, e2e/) and test-only packages; production
// code never.
const ROOT = import.meta.dirname
const TEST_ONLY_LAYERS = ['test-support', 'e2e']
const TEST_ONLY_PACKAGES = ['vitest', '@vitest/*', 'fast-check', '@playwright/test']
export const LAYERS = {
  shared: {
    layers: ['shared'],
    deny: ['electron', 'ssh2', 'dockerode', 'react', 'react-dom', 'node:*'],
    why: 'electron/shared is environment-free (plain TS and zod) and imports nothing from other layers.',
  },
  core: {
    layers: ['shared', 'core'],
    deny: ['electron'],
    why: 'core depends only on shared and never imports electron (keep Electron at the edge, in electron/main); the CLI sits on top of core, not under it.',
  },
  cli: {
    layers: ['shared', 'core', 'cli'],
    deny: ['electron'],
    why: 'the CLI runs headless over core/service: it never imports electron, main, preload or the renderer.',
  },
  main: {
    layers: ['shared', 'core', 'main'],
    deny: [],
    why: 'main is Electron glue over core and shared; it never imports the renderer, preload or cli.',
  },
  preload: {
    layers: ['shared', 'preload'],
    allow: ['electron'],
    why: 'the preload is sandboxed: it imports only electron and electron/shared.',
  },
}

/** The layer a path is in: `shared`, `core`, ... for electron/<layer>/, `renderer`, `e2e`, or `other`. */
function layerOf(file) {
  const parts = relative(ROOT, file).split(sep)
  if (parts[0] === 'electron' && parts.length > 2) return parts[1]
  if (parts[0] === 'renderer' || parts[0] === 'e2e') return parts[0]
  return 'other'
}

/** The package a bare specifier names (`@scope/name`, `name`, or `node:*` for a Node built-in). */
function packageOf(specifier) {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return 'node:*'
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : parts[0]
}

function packageMatches(name, patterns) {
  return patterns.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : name === p))
}

export const layersPlugin = {
  rules: {
    layers: {
      meta: {
        type: 'problem',
        messages: {
          layer: 'electron/{{from}} may not import from {{to}} ("{{specifier}}"): {{why}}',
          package: 'electron/{{from}} may not import "{{specifier}}": {{why}}',
          testOnly:
            '"{{specifier}}" is test support: production code under electron/{{from}} may not import it (only *.test.ts files may).',
        },
      },
      create(context) {
        const file = context.filename
        const from = layerOf(file)
        const rule = LAYERS[from]
        if (!rule) return {}
        const isTest = /\.test\.tsx?$/.test(file)
        const check = (node, specifier) => {
          if (typeof specifier !== 'string') return
          const data = { from, specifier, why: rule.why }
          if (specifier.startsWith('.')) {
            const to = layerOf(resolve(dirname(file), specifier))
            if (rule.layers.includes(to)) return
            if (TEST_ONLY_LAYERS.includes(to)) {
              if (!isTest) context.report({ node, messageId: 'testOnly', data })
              return
            }
            context.report({ node, messageId: 'layer', data: { ...data, to } })
            return
          }
          const name = packageOf(specifier)
          if (packageMatches(name, TEST_ONLY_PACKAGES)) {
            if (!isTest) context.report({ node, messageId: 'testOnly', data })
            return
          }
          const denied = rule.allow ? !packageMatches(name, rule.allow) : packageMatches(name, rule.deny)
          if (denied) context.report({ node, messageId: 'package', data })
        }
        const literal = (node) => (node?.type === 'Literal' ? node.value : undefined)
        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => check(node, literal(node.source)),
          TSImportType: (node) => check(node, literal(node.argument?.literal ?? node.argument)),
          TSExternalModuleReference: (node) => check(node, literal(node.expression)),
          CallExpression: (node) => {
            if (node.callee.type === 'Identifier' && node.callee.name === 'require')
              check(node, literal(node.arguments[0]))
          },
        }
      },
    },
  },
}

// One plugin namespace for the project's own rules.
const ghwPlugin = { rules: { ...i18nPlugin.rules, ...layersPlugin.rules } }

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'dist-check/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.lab/**',
      'e2e/lab/images/**/*.js',
      'resources/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'e2e/tools/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['electron/**/*.ts', 'e2e/**/*.ts', '*.config.ts', '*.config.mts', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    ...reactHooks.configs.flat['recommended-latest'],
  },
  {
    files: ['renderer/**/*.tsx'],
    plugins: { ghw: ghwPlugin },
    rules: { 'ghw/no-literal-ui-text': 'error' },
  },
  // Layer rules (ARCHITECTURE.md): they hold because lint enforces them (tested in
  // e2e/tools/layer-rules.unit.test.ts).
  {
    files: ['electron/**/*.ts'],
    plugins: { ghw: ghwPlugin },
    rules: { 'ghw/layers': 'error' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/**/*.test.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/electron/shared/*', '**/electron/shared/**'],
              allowTypeImports: true,
              message: 'The renderer imports only types from electron/shared.',
            },
            {
              group: [
                '**/electron/core/**',
                '**/electron/main/**',
                '**/electron/preload/**',
                'electron',
                'ssh2',
                'dockerode',
                ...nodeBuiltins,
              ],
              message: 'The renderer talks to the back end only through window.api (renderer/src/api.ts).',
            },
          ],
        },
      ],
    },
  },
  // Raw IPC lives in exactly one file on each side.
  {
    files: ['**/*.{ts,tsx}'],
    // The IPC test drives ipc.ts through the Electron stand-in's ipcMain.
    ignores: [
      'electron/main/ipc.ts',
      'electron/preload/index.ts',
      'electron/main/ipc.test.ts',
      'electron/test-support/fake-electron.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Identifier[name='ipcMain']",
          message: 'Raw ipcMain is used only in electron/main/ipc.ts.',
        },
        {
          selector: "Identifier[name='ipcRenderer']",
          message: 'Raw ipcRenderer is used only in electron/preload/index.ts.',
        },
      ],
    },
  },
)
