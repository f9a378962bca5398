import { defineConfig } from 'vitest/config'

// Three projects: fast unit tests (run by `npm run check`), the lab stand-ins' own tests (servers in
// subprocesses), and lab tests against real network-namespace hosts (`*.lab.test.ts`, need Linux + root;
// see e2e/lab/). `npm test` runs all three.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Unit tests share one module cache per worker (no per-file re-import of zod, ssh2, React…):
          // most of the run's time was imports. Tests keep their state in their own objects.
          isolate: false,
          // Generous: a loaded 2-core machine (parallel builds) must not turn slow into failed.
          testTimeout: 30_000,
          include: ['electron/**/*.test.ts', 'renderer/src/**/*.test.{ts,tsx}', 'e2e/**/*.unit.test.ts'],
          // The lab's stand-ins (subprocess servers, ~17 s) have a project of their own: `npm test`
          // runs them, `npm run check` stays fast.
          exclude: ['**/*.lab.test.ts', 'e2e/lab/standins/**', 'node_modules/**', 'out/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'standins',
          include: ['e2e/lab/standins/**/*.unit.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
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
