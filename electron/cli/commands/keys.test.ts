import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../index'
import type { CliIo } from '../io'

const FAUCET =
  'economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-keys-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function io(stdin: NodeJS.ReadableStream, terminal = false): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    stdin,
    env: { HOME: dir, GHW_USER_DATA_DIR: join(dir, 'data') },
    terminal,
  }
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10))
}

describe('keys import', () => {
  it('prints exactly {"address","pubkey"} for words on stdin and for a pubkey', async () => {
    const a = io(Readable.from([FAUCET + '\n']))
    expect(await main(['keys', 'import', '--mnemonic-stdin', '--json'], a)).toBe(0)
    expect(a.lines).toEqual([
      '{"address":"gonka1kr8kwwzl93t7ufxrz8qxqs8n2q8v37935m25pn","pubkey":"Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/"}',
    ])
    const b = io(Readable.from([]))
    expect(
      await main(['keys', 'import', '--pubkey', 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/', '--json'], b),
    ).toBe(0)
    expect(b.lines).toEqual(a.lines)
  })

  it('refuses an address (exit 1, says why), a wrong word count, and both or neither source (exit 2)', async () => {
    const a = io(Readable.from([]))
    expect(
      await main(['keys', 'import', '--pubkey', 'gonka1kr8kwwzl93t7ufxrz8qxqs8n2q8v37935m25pn'], a),
    ).toBe(1)
    expect(a.errors.join('\n')).toMatch(/cannot be recovered/)
    const b = io(Readable.from(['abandon abandon about\n']))
    expect(await main(['keys', 'import', '--mnemonic-stdin'], b)).toBe(1)
    expect(b.errors.join('\n')).toMatch(/24 words; 3 were given/)
    expect(b.errors.join('\n')).not.toContain('abandon')
    expect(await main(['keys', 'import'], io(Readable.from([])))).toBe(2)
    expect(await main(['keys', 'import', '--mnemonic-stdin', '--pubkey', 'x'], io(Readable.from([])))).toBe(2)
  })
})

describe('keys new', () => {
  it('refuses to print words when not on a terminal', async () => {
    const a = io(Readable.from([]), false)
    expect(await main(['keys', 'new', '--json'], a)).toBe(2)
    expect(a.lines).toEqual([])
    expect(a.errors.join('\n')).toMatch(/only on an interactive terminal/)
  })

  it('shows the words on stderr, refuses a wrong word, confirms the right ones, clears the screen', async () => {
    const stdin = new PassThrough()
    const t = io(stdin, true)
    const run = main(['keys', 'new', '--json'], t)
    await until(() => t.errors.some((l) => l.startsWith('\nPress Enter')))
    const words = t.errors.filter((l) => /^\s+\d+\. /.test(l)).map((l) => l.trim().split(' ')[1] ?? '')
    expect(words).toHaveLength(24)
    stdin.write('\n')
    const asked = (): number[] =>
      t.errors.flatMap((l) => (/^Word (\d+):$/.exec(l) ? [Number(/^Word (\d+):$/.exec(l)?.[1])] : []))
    await until(() => asked().length === 1)
    const first = asked()[0] ?? 1
    stdin.write((words[first - 1] === 'zoo' ? 'abandon' : 'zoo') + '\n')
    await until(() => asked().length === 2)
    stdin.write(`${words[(asked()[1] ?? 1) - 1]}\n`)
    await until(() => asked().length === 3)
    stdin.write(`${words[(asked()[2] ?? 1) - 1]}\n`)
    await until(() => t.errors.some((l) => /does not match/.test(l)))
    for (let i = 0; i < 3; i++) {
      await until(() => asked().length === 4 + i)
      stdin.write(`${words[(asked()[3 + i] ?? 1) - 1]}\n`)
    }
    expect(await run).toBe(0)
    const out = JSON.parse(t.lines.join('')) as { address: string; pubkey: string }
    expect(Object.keys(out)).toEqual(['address', 'pubkey'])
    expect(out.address).toMatch(/^gonka1/)
    expect(t.lines.join('\n')).not.toContain(words.slice(0, 3).join(' '))
    expect(t.errors.at(-1)).toContain('\x1b[3J')
  })
})

describe('secrets forget', () => {
  it('answers as JSON and needs no passphrase', async () => {
    const a = io(Readable.from([]))
    expect(await main(['secrets', 'forget', '--json'], a)).toBe(0)
    expect(JSON.parse(a.lines[0] ?? '')).toEqual({ stored: 0, hadFile: false, session: 0 })
  })
})
