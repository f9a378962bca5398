import { mkdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { build } from 'vite'

const ROOT = resolve(__dirname, '..', '..')
const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'ghw-harness')

/**
 * Bundles `e2e/harness/client.ts` (and the contract it imports) into one IIFE script for the page,
 * once per process, and returns its path.
 */
let building: Promise<string> | undefined
export function clientBundlePath(): Promise<string> {
  building ??= (async () => {
    await mkdir(OUT_DIR, { recursive: true })
    await build({
      configFile: false,
      logLevel: 'warn',
      root: ROOT,
      build: {
        outDir: OUT_DIR,
        emptyOutDir: false,
        minify: false,
        lib: {
          entry: join(ROOT, 'e2e/harness/client.ts'),
          formats: ['iife'],
          name: 'ghwHarness',
          fileName: () => 'client.js',
        },
      },
    })
    const file = join(OUT_DIR, 'client.js')
    await stat(file)
    return file
  })()
  return building
}
