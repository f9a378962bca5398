import { execFileSync } from 'node:child_process'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppFailure } from '../errors'
import { buildCommand, quoteArg } from './quote'

/** Runs the built line in a real POSIX sh (as sshd does) and returns the argv printf saw. */
function roundTrip(argv: readonly string[]): string[] {
  // A leading marker keeps printf from printing its format once when argv is empty.
  const line = buildCommand(['printf', '%s\\0', 'MARK', ...argv])
  const out = execFileSync('/bin/sh', ['-c', line], { encoding: 'buffer' })
  const parts = out.toString('utf8').split('\0')
  parts.pop()
  expect(parts.shift()).toBe('MARK')
  return parts
}

describe('quoteArg / buildCommand', () => {
  it('passes hostile arguments to a real sh unchanged', () => {
    const hostile = [
      "it's",
      '$(id)',
      '`id`',
      'a\nb',
      '; rm -rf /',
      '"$HOME"',
      '*',
      '',
      ' ',
      '\\',
      "'",
      "''",
      '-n',
    ]
    expect(roundTrip(hostile)).toEqual(hostile)
  })

  it('round-trips arbitrary strings through sh (property)', () => {
    const arg = fc
      .string({ unit: 'binary', maxLength: 40 })
      .filter((s) => !s.includes('\0') && Buffer.from(s, 'utf8').toString('utf8') === s)
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (argv) => {
        expect(roundTrip(argv)).toEqual(argv)
      }),
      { numRuns: 150 },
    )
  })

  it('refuses NUL with INVALID_INPUT', () => {
    expect(() => quoteArg('a\0b')).toThrow(AppFailure)
    try {
      buildCommand(['echo', 'x\0'])
    } catch (error) {
      expect((error as AppFailure).code).toBe('INVALID_INPUT')
    }
  })

  it('refuses an empty command', () => {
    expect(() => buildCommand([])).toThrow(/empty command/)
  })

  it('leaves plain words readable', () => {
    expect(buildCommand(['sha256sum', '--', '/etc/hosts'])).toBe('sha256sum -- /etc/hosts')
  })
})
