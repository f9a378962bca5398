// Logs benchmark: a container on the lab's `net` writes 10 000 lines/s for 30 s (then exits by
// itself); step 6's live log view streams them through the harness into a Chromium page. Reports
// lines/s delivered into the page, the p95 input latency of the page while it streams (a key press in
// the filter field to the next frame) and the peak JS heap, as figures and ratios. Asserts no timing.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import type { Lab } from '../lab'
import { labSsh } from '../lab'
import { clientBundlePath } from '../harness/client-bundle'
import { startHarness } from '../harness/server'

const RATE = 10_000
const SECONDS = 30
const NAME = 'ghw-bench-logs'

/** The JSON the logs benchmark prints. */
export interface LogsBenchResult {
  readonly targetLinesPerSecond: number
  readonly seconds: number
  readonly linesReceived: number
  readonly linesPerSecondDelivered: number
  /** delivered / target: 1 means every line arrived in time. */
  readonly deliveredRatio: number
  readonly inputLatencyP95Ms: number
  readonly inputSamples: number
  /** One frame at 60 Hz is 16.7 ms: p95 / 16.7. */
  readonly inputLatencyFrames: number
  readonly heapBaselineMb: number
  readonly heapPeakMb: number
  readonly heapPeakRatio: number
  /** Lines the view keeps at most (its bound); the count shown at the end never exceeds it. */
  readonly linesShownAtEnd: number
}

const p95 = (values: number[]): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0
}

/** Runs the benchmark against the lab's `net` host. */
export async function runLogsBench(lab: Lab): Promise<LogsBenchResult> {
  const net = lab.hosts.find((h) => h.name === 'net')
  if (!net) throw new Error('the lab has no net host')
  const dataDir = await mkdtemp(join(tmpdir(), 'ghw-bench-logs-'))
  const homeDir = join(dataDir, 'home')
  await mkdir(join(homeDir, '.ssh'), { recursive: true, mode: 0o700 })
  await writeFile(
    join(homeDir, '.ssh', 'known_hosts'),
    lab.hosts.map((h) => `${h.knownHostsLine}\n`).join(''),
    {
      mode: 0o600,
    },
  )
  const harness = await startHarness({ dataDir, homeDir })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
    await page.addInitScript(
      (config) => {
        ;(globalThis as { __GHW_HARNESS__?: unknown }).__GHW_HARNESS__ = config
      },
      { url: harness.wsUrl, token: harness.token },
    )
    await page.addInitScript({ path: await clientBundlePath() })
    await page.goto(harness.url)
    await page.waitForSelector('main[aria-busy="false"]')
    const now = new Date().toISOString()
    await page.evaluate(
      async (profile) => {
        const api = (window as unknown as { api: Record<string, (i: unknown) => Promise<{ ok: boolean }>> })
          .api
        const r = await api['saveProfile']!({ profile })
        if (!r.ok) throw new Error(JSON.stringify(r))
      },
      {
        schemaVersion: 1,
        id: 'bench-logs',
        name: 'bench-logs',
        topology: 'single',
        servers: [
          {
            id: 'net',
            name: 'net',
            address: net.address,
            port: net.port,
            user: net.user,
            auth: 'key',
            keyPath: net.privateKeyPath,
            role: 'network',
          },
        ],
        createdAt: now,
        updatedAt: now,
      },
    )
    await page.reload()
    await page.waitForSelector('main[aria-busy="false"]')
    await page
      .getByRole('navigation')
      .getByRole('button', { name: /Launch/ })
      .click()

    // Self-stopping source: RATE lines/s for SECONDS, then the process exits.
    const script = `const end = Date.now() + ${SECONDS * 1000}; let n = 0; const t = setInterval(() => { let s = ''; for (let i = 0; i < ${RATE / 100}; i++) s += 'bench line ' + (n++) + ' lorem ipsum dolor sit amet\\n'; process.stdout.write(s); if (Date.now() > end) { clearInterval(t) } }, 10)`
    const run = await labSsh(
      net,
      `docker rm -f ${NAME} >/dev/null 2>&1; docker run -d --name ${NAME} --label com.docker.compose.service=bench --entrypoint node ghcr.io/product-science/proxy:0.2.14 -e "${script}"`,
    )
    if (run.code !== 0) throw new Error(`could not start the log source: ${run.stderr}`)

    // Input latency: a key press in the filter field to the next frame.
    await page.evaluate(() => {
      const w = window as unknown as { __lat: number[] }
      w.__lat = []
      document.addEventListener(
        'keydown',
        (e) => {
          const at = e.timeStamp
          requestAnimationFrame(() => w.__lat.push(performance.now() - at))
        },
        true,
      )
    })
    const heap = (): Promise<number> =>
      page.evaluate(
        () => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize,
      )
    const baseline = await heap()
    await page.getByRole('button', { name: 'Show live logs' }).click()
    const filter = page.getByRole('searchbox', { name: 'Filter' })
    const received = async (): Promise<number> => {
      const text = (await page.getByTestId('log-count').textContent()) ?? ''
      return Number(/(\d+) received/.exec(text)?.[1] ?? 0)
    }
    const started = Date.now()
    let peak = baseline
    let firstAt = 0
    let last = 0
    let lastChange = Date.now()
    // Bounded: at most SECONDS + 20 s, or 5 s after the lines stop.
    while (Date.now() - started < (SECONDS + 20) * 1000) {
      await filter.press('Space')
      await filter.press('Backspace')
      peak = Math.max(peak, await heap())
      const n = await received()
      if (n > 0 && firstAt === 0) firstAt = Date.now()
      if (n !== last) {
        last = n
        lastChange = Date.now()
      } else if (n > 0 && Date.now() - lastChange > 5000) break
      await page.waitForTimeout(200)
    }
    const latencies = await page.evaluate(() => (window as unknown as { __lat: number[] }).__lat)
    const shownText = (await page.getByTestId('log-count').textContent()) ?? ''
    await page
      .getByRole('button', { name: 'Stop' })
      .click()
      .catch(() => undefined)
    const seconds = firstAt > 0 ? Math.max(1, (lastChange - firstAt) / 1000) : SECONDS
    const delivered = last / seconds
    const mb = (b: number): number => Math.round((b / 1024 / 1024) * 10) / 10
    const p = p95(latencies)
    return {
      targetLinesPerSecond: RATE,
      seconds: SECONDS,
      linesReceived: last,
      linesPerSecondDelivered: Math.round(delivered),
      deliveredRatio: Math.round((delivered / RATE) * 1000) / 1000,
      inputLatencyP95Ms: Math.round(p * 10) / 10,
      inputSamples: latencies.length,
      inputLatencyFrames: Math.round((p / 16.7) * 100) / 100,
      heapBaselineMb: mb(baseline),
      heapPeakMb: mb(peak),
      heapPeakRatio: Math.round((peak / Math.max(1, baseline)) * 100) / 100,
      linesShownAtEnd: Number(/^\D*(\d+) lines shown/.exec(shownText)?.[1] ?? 0),
    }
  } finally {
    await labSsh(net, `docker rm -f ${NAME} >/dev/null 2>&1 || true`).catch(() => undefined)
    await browser.close()
    await harness.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}
