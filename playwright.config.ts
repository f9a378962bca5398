import { defineConfig } from '@playwright/test'

// Debian's Chromium, never a browser download (none can be fetched on our machines).
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'e2e/specs',
  outputDir: 'test-results',
  workers: 1,
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: { screenshot: 'only-on-failure', trace: 'off' },
  projects: [
    {
      name: 'renderer',
      testIgnore: /electron\.spec\.ts/,
      use: {
        browserName: 'chromium',
        headless: true,
        viewport: { width: 1280, height: 860 },
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
    { name: 'electron', testMatch: /electron\.spec\.ts/ },
  ],
})
