import { describe, expect, it } from 'vitest'
import { assertWritablePath, expandHome, isProtectedPath, lineDiff } from './remote-file'

describe('protected paths', () => {
  it.each([
    '/home/u/gonka/deploy/join/.tmkms',
    '/home/u/gonka/deploy/join/.tmkms/secrets/priv_validator_key.json',
    '/home/u/gonka/deploy/join/.inference/keyring-file/x.info',
    '/home/u/gonka/deploy/join/.dapi/gonka.db',
    '/home/u/gonka/deploy/join/secrets/key',
    '/home/u/gonka/deploy/join/x/../.inference',
  ])('refuses to write %s', (path) => {
    expect(isProtectedPath(path)).toBe(true)
    expect(() => assertWritablePath(path)).toThrow(/never overwrites or deletes/)
  })

  it.each([
    '/home/u/gonka/deploy/join/config.env',
    '/home/u/gonka/deploy/join/node-config.json',
    '/home/u/.ghw/journal.json',
    '/home/u/gonka/secrets.txt',
  ])('allows %s', (path) => {
    expect(isProtectedPath(path)).toBe(false)
    expect(() => assertWritablePath(path)).not.toThrow()
  })
})

describe('expandHome', () => {
  it('expands ~ and ~/ only', () => {
    expect(expandHome('~/gonka', '/home/u')).toBe('/home/u/gonka')
    expect(expandHome('~', '/home/u')).toBe('/home/u')
    expect(expandHome('/srv/gonka', '/home/u')).toBe('/srv/gonka')
    expect(expandHome('~other/x', '/home/u')).toBe('~other/x')
  })
})

describe('lineDiff', () => {
  it('marks removed and added lines and keeps the rest', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nB\nc\n')).toBe('  a\n- b\n+ B\n  c')
    expect(lineDiff('', 'x\n')).toBe('+ x')
  })
})
