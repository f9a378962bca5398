import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

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
