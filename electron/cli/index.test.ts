import { describe, expect, it } from 'vitest'
import { Readable } from 'node:stream'
import { main } from './index'
import type { CliIo } from './io'

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    stdin: Readable.from([]),
    env: {},
  }
}

describe('cli', () => {
  it('lists every command in --help and exits 0', async () => {
    const out = io()
    expect(await main(['--help'], out)).toBe(0)
    const text = out.lines.join('\n')
    for (const name of ['version', 'connect', 'profile init', 'check']) expect(text).toContain(name)
  })

  it('says what to do with an unknown command and exits 2', async () => {
    const out = io()
    expect(await main(['deploy-everything'], out)).toBe(2)
    expect(out.errors.join('\n')).toContain('npm run cli -- --help')
  })

  it('exits 2 with the usage line when an option is wrong', async () => {
    const out = io()
    expect(await main(['version', '--frobnicate'], out)).toBe(2)
    expect(out.errors.join('\n')).toMatch(/Usage: npm run cli -- version/)
  })
})
