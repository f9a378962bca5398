import { describe, expect, it } from 'vitest'
import { main } from './index'
import { memoryIo } from '../test-support/memory-io'

describe('cli', () => {
  it('lists every command in --help and exits 0', async () => {
    const out = memoryIo()
    expect(await main(['--help'], out)).toBe(0)
    const text = out.lines.join('\n')
    for (const name of ['version', 'connect', 'profile init', 'check']) expect(text).toContain(name)
  })

  it('says what to do with an unknown command and exits 2', async () => {
    const out = memoryIo()
    expect(await main(['deploy-everything'], out)).toBe(2)
    expect(out.errors.join('\n')).toContain('npm run cli -- --help')
  })

  it('exits 2 with the usage line when an option is wrong', async () => {
    const out = memoryIo()
    expect(await main(['version', '--frobnicate'], out)).toBe(2)
    expect(out.errors.join('\n')).toMatch(/Usage: npm run cli -- version/)
  })
})
