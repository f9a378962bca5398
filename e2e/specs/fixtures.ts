import { test as base, expect, type BrowserContext, type Page } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clientBundlePath } from '../harness/client-bundle'
import { startHarness, type Harness } from '../harness/server'

/** The app as a user sees it: a page on the harness, plus a way to restart the back end. */
export interface AppUnderTest {
  readonly page: Page
  readonly dataDir: string
  readonly harness: Harness
  /** Stops the back end and opens the app again on the same data folder (an app restart). */
  restart(): Promise<Page>
}

async function openApp(context: BrowserContext, harness: Harness): Promise<Page> {
  const page = await context.newPage()
  await page.addInitScript(
    (config) => {
      ;(globalThis as { __GHW_HARNESS__?: unknown }).__GHW_HARNESS__ = config
    },
    { url: harness.wsUrl, token: harness.token },
  )
  await page.addInitScript({ path: await clientBundlePath() })
  await page.goto(harness.url)
  // Start-up is done when the first step is shown (profiles listed and the last one opened).
  await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false')
  return page
}

export const test = base.extend<{ app: AppUnderTest; dataDir: string; homeDir: string }>({
  // Playwright requires the destructuring form for fixture dependencies, even when there are none.
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'ghw-e2e-'))
    await use(dir)
    await rm(dir, { recursive: true, force: true })
  },
  // The home folder the back end sees (~/.ssh): inside dataDir, so tests never read the real one.
  // A spec may override it, e.g. to pre-trust host keys in its known_hosts.
  homeDir: async ({ dataDir }, use) => {
    await use(join(dataDir, 'home'))
  },
  app: async ({ browser, dataDir, homeDir }, use) => {
    let harness = await startHarness({ dataDir, homeDir })
    let context = await browser.newContext()
    const state = {
      page: await openApp(context, harness),
    }
    const app: AppUnderTest = {
      get page() {
        return state.page
      },
      dataDir,
      get harness() {
        return harness
      },
      async restart() {
        await context.close()
        await harness.close()
        harness = await startHarness({ dataDir, homeDir })
        context = await browser.newContext()
        state.page = await openApp(context, harness)
        return state.page
      },
    }
    await use(app)
    await context.close()
    await harness.close()
  },
})

export { expect }
