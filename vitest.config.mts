import { defineConfig } from 'vitest/config'

// Two projects: fast unit tests (run by `npm run check`) and lab tests against real
// network-namespace hosts (`*.lab.test.ts`, need Linux + root; see e2e/lab/).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Generous: a loaded 2-core machine (parallel builds) must not turn slow into failed.
          testTimeout: 30_000,
          include: ['electron/**/*.test.ts', 'renderer/src/**/*.test.{ts,tsx}', 'e2e/**/*.unit.test.ts'],
          exclude: ['**/*.lab.test.ts', 'node_modules/**', 'out/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'lab',
          include: ['electron/**/*.lab.test.ts', 'e2e/**/*.lab.test.ts'],
          exclude: ['node_modules/**', 'out/**'],
          environment: 'node',
          globalSetup: ['e2e/lab/vitest-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
