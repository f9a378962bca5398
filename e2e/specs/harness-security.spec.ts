import type { Page } from '@playwright/test'
import { startHarness } from '../harness/server'
import { test, expect } from './fixtures'

// The harness stands in for Electron's IPC; like IPC, it must refuse anyone but our own page.
test('the harness refuses a wrong token and a foreign origin', async ({ app, browser }) => {
  const { harness } = app
  const tryConnect = async (page: Page, url: string) =>
    page.evaluate(
      (target) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(target)
          ws.onopen = () => resolve('open')
          ws.onerror = () => resolve('refused')
        }),
      url,
    )

  // Our own origin with the right token works (this is what the app uses).
  expect(await tryConnect(app.page, `${harness.wsUrl}?token=${harness.token}`)).toBe('open')
  // Our own origin with a wrong token is refused.
  expect(await tryConnect(app.page, `${harness.wsUrl}?token=wrong-${harness.token}`)).toBe('refused')

  // Another origin (any other web page) is refused even with the right token.
  const context = await browser.newContext()
  const foreign = await context.newPage()
  await foreign.route('http://foreign.invalid/**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<p>foreign</p>' }),
  )
  await foreign.goto('http://foreign.invalid/')
  expect(await tryConnect(foreign, `${harness.wsUrl}?token=${harness.token}`)).toBe('refused')
  await context.close()
})

test('the page runs under a strict content security policy', async ({ app }) => {
  const csp = await app.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(csp).toContain("default-src 'none'")
  expect(csp).toContain("script-src 'self'")
  expect(csp).not.toContain('unsafe-inline')
  expect(csp).not.toContain('unsafe-eval')
  // An inline script is blocked by it.
  const ran = await app.page.evaluate(() => {
    const el = document.createElement('script')
    el.textContent = 'window.__inlineRan = true'
    document.body.appendChild(el)
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true
  })
  expect(ran).toBe(false)
})

// Browser mode (`npm start` without Electron): the address carries the token in its fragment.
test('browser mode takes the token out of the address and the history as soon as it is read', async ({
  browser,
  dataDir,
}) => {
  const harness = await startHarness({ dataDir, injectClient: true })
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(`${harness.url}#token=${harness.token}`)
    // The app started with the token (it reached the back end)...
    await expect(page.getByRole('main')).toHaveAttribute('aria-busy', 'false')
    // ...and the token is no longer in the address...
    expect(page.url()).toBe(harness.url)
    expect(await page.evaluate(() => location.hash)).toBe('')
    // ...nor in the history: back and forward return to the address without it, where the page no
    // longer reaches the back end.
    const refused = page.waitForEvent('console', (m) => m.type() === 'error' && /WebSocket/.test(m.text()))
    await page.goBack()
    await page.goForward()
    expect(page.url()).toBe(harness.url)
    await refused
  } finally {
    await context.close()
    await harness.close()
  }
})
