import { join } from 'node:path'
import { ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { beforeAll, describe, expect, it } from 'vitest'

// The project's real eslint.config.mjs, run on small snippets as if they were files at the paths in
// question. Type-aware rules are switched off (the snippets are not on disk); the layer rules are
// exactly as configured.
const ROOT = join(import.meta.dirname, '..', '..')
let eslint: ESLint

// Loading the config (plugins, parsers) takes a few seconds on a busy machine: once, here.
beforeAll(async () => {
  eslint = new ESLint({
    cwd: ROOT,
    cache: false,
    overrideConfig: [
      {
        files: ['**/*.ts', '**/*.tsx'],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: { parserOptions: { projectService: false, project: null, program: null } },
      },
    ],
  })
  await eslint.lintText('export {}\n', { filePath: join(ROOT, 'electron/shared/warm-up.ts') })
}, 120_000)

/** The layer-rule messages ESLint reports for `code` placed at `path`. */
async function layerProblems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) })
  if (!result) throw new Error('ESLint returned no result')
  const fatal = result.messages.filter((m) => m.fatal)
  if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join('\n'))
  return result.messages
    .filter((m) => m.ruleId === 'ghw/layers' || m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message)
}

const use = (specifier: string): string => `import { x } from '${specifier}'\nexport const y = x\n`

const forbidden: [file: string, specifier: string][] = [
  // shared imports nothing env-specific and no other layer, at any depth.
  ['electron/shared/ops/feature.ts', '../../core/service'],
  ['electron/shared/ops/feature.ts', '../../main/ipc'],
  ['electron/shared/ops/feature.ts', '../../cli/index'],
  ['electron/shared/ops/feature.ts', '../../../renderer/src/api'],
  ['electron/shared/contract.ts', '../core/service'],
  ['electron/shared/contract.ts', 'node:fs'],
  ['electron/shared/contract.ts', 'fs'],
  ['electron/shared/contract.ts', 'electron'],
  ['electron/shared/contract.ts', 'ssh2'],
  // core: never electron, main, preload, renderer, and never the CLI on top of it.
  ['electron/core/service.ts', 'electron'],
  ['electron/core/handlers/feature.ts', '../../cli/io'],
  ['electron/core/handlers/feature.ts', '../../main/ipc'],
  ['electron/core/handlers/feature.ts', '../../preload/index'],
  ['electron/core/ssh/feature.ts', '../../../renderer/src/api'],
  // cli: never electron or the Electron edge.
  ['electron/cli/commands/feature.ts', 'electron'],
  ['electron/cli/commands/feature.ts', '../../main/ipc'],
  // main: core and shared, never the renderer (nor preload or cli).
  ['electron/main/feature.ts', '../../renderer/src/api'],
  ['electron/main/feature.ts', '../preload/index'],
  ['electron/main/feature.ts', '../cli/index'],
  // preload: only shared and electron.
  ['electron/preload/index.ts', '../core/service'],
  ['electron/preload/index.ts', '../main/ipc'],
  ['electron/preload/index.ts', 'node:fs'],
  ['electron/preload/index.ts', 'zod'],
  // production code never imports test support.
  ['electron/core/ssh/pool.ts', '../../test-support/test-sshd'],
  ['electron/core/ssh/pool.ts', 'vitest'],
  ['electron/cli/commands/check.ts', '../../test-support/memory-io'],
  ['electron/main/index.ts', 'vitest'],
  ['electron/shared/contract.ts', '../test-support/seed-stub'],
  ['electron/core/service.ts', '../../e2e/lab/require-lab'],
  // the renderer talks to the back end only through window.api.
  ['renderer/src/feature.ts', '../../electron/core/service'],
]

const allowed: [file: string, specifier: string][] = [
  ['electron/shared/ops/feature.ts', '../contract'],
  ['electron/shared/ops/feature.ts', 'zod'],
  ['electron/core/handlers/feature.ts', '../../shared/contract'],
  ['electron/core/handlers/feature.ts', '../ssh/pool'],
  ['electron/core/ssh/feature.ts', 'node:fs'],
  ['electron/core/ssh/feature.ts', 'ssh2'],
  ['electron/cli/commands/feature.ts', '../../core/service'],
  ['electron/main/feature.ts', '../core/service'],
  ['electron/main/feature.ts', '../shared/contract'],
  ['electron/main/feature.ts', 'electron'],
  ['electron/preload/index.ts', 'electron'],
  ['electron/preload/index.ts', '../shared/api-client'],
  // tests may use the test support and vitest.
  ['electron/core/ssh/pool.lab.test.ts', '../../test-support/test-sshd'],
  ['electron/core/ssh/pool.test.ts', 'vitest'],
  ['electron/cli/commands/check.test.ts', '../../test-support/memory-io'],
]

describe('layer rules', () => {
  it.each(forbidden)('%s may not import %s', async (file, specifier) => {
    expect(await layerProblems(file, use(specifier))).toHaveLength(1)
  })

  it.each(allowed)('%s may import %s', async (file, specifier) => {
    expect(await layerProblems(file, use(specifier))).toEqual([])
  })

  it('catches re-exports, dynamic imports and type-only imports too', async () => {
    const file = 'electron/shared/ops/feature.ts'
    expect(await layerProblems(file, "export * from '../../core/service'\n")).toHaveLength(1)
    expect(await layerProblems(file, "export { x } from '../../core/service'\n")).toHaveLength(1)
    expect(await layerProblems(file, "export const m = () => import('../../core/service')\n")).toHaveLength(1)
    expect(
      await layerProblems(
        file,
        "import type { AppService } from '../../core/service'\nexport type S = AppService\n",
      ),
    ).toHaveLength(1)
  })

  it('says which layer was crossed and why', async () => {
    const [message] = await layerProblems('electron/shared/ops/feature.ts', use('../../core/service'))
    expect(message).toContain('electron/shared may not import from core')
  })
})
