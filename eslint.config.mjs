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
    plugins: { ghw: i18nPlugin },
    rules: { 'ghw/no-literal-ui-text': 'error' },
  },
  // Layer rules (ARCHITECTURE.md): they hold because lint enforces them.
  {
    files: ['electron/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'ssh2', 'dockerode', 'react', 'react-dom', ...nodeBuiltins],
              message: 'electron/shared is environment-free: plain TS and zod only.',
            },
            {
              group: ['../core/*', '../main/*', '../preload/*', '../cli/*', '**/renderer/**'],
              message: 'electron/shared imports nothing from other layers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*'],
              message: 'core and cli never import electron: keep Electron at the edge (electron/main).',
            },
            {
              group: ['**/main/*', '**/preload/*', '**/renderer/**'],
              message: 'core depends only on shared.',
            },
          ],
        },
      ],
    },
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
    ignores: ['electron/main/ipc.ts', 'electron/preload/index.ts'],
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
