import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  duplicateNames,
  placeholderNames,
  getVar,
  getVars,
  parseConfigEnv,
  quoteShellValue,
  setVar,
  writeConfigEnv,
} from './config-env'

const TEMPLATE = readFileSync(
  join(__dirname, '../../../e2e/lab/standins/gonka-repo/deploy/join/config.env.template'),
  'utf8',
)

const tmp = mkdtempSync(join(tmpdir(), 'config-env-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** What /bin/sh (dash here, as on Ubuntu/Debian servers) sees after `. ./file`: name → value. */
function sourceWithShell(text: string, names: readonly string[]): Record<string, string> {
  const file = join(tmp, 'config.env')
  writeFileSync(file, text)
  const script = `. "$1" >/dev/null 2>&1; shift; for n in "$@"; do eval "printf '%s\\0' \\"\\$$n\\""; done`
  const out = execFileSync('sh', ['-c', script, 'sh', file, ...names], { encoding: 'utf8' })
  const values = out.split('\0')
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']))
}

const hostile = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(
      ' ',
      "'",
      '"',
      '$',
      '#',
      '\\',
      '`',
      '!',
      '*',
      ';',
      '&',
      '(',
      ')',
      '=',
      'a',
      'Z',
      '9',
      '{',
      '}',
      '~',
      '\t',
      '中',
    ),
    maxLength: 30,
  }),
)
/** Values a config.env can carry: no NUL (a shell variable cannot hold one) and no line breaks. */
const storable = hostile.map((v) => v.replace(/[\0\n\r]/g, ''))

describe('config.env model', () => {
  it('writes the stand-in template back byte for byte and reads its values as the shell does', () => {
    const doc = parseConfigEnv(TEMPLATE)
    expect(writeConfigEnv(doc)).toBe(TEMPLATE)
    const names = Object.keys(getVars(doc))
    expect(names).toContain('DAPI_API__POC_CALLBACK_URL')
    expect(getVar(doc, 'DAPI_API__POC_CALLBACK_URL')).toBe('http://api:9100')
    // The template's placeholders are redirections to the shell: it refuses the file until they are set.
    expect(placeholderNames(doc)).toEqual([
      'KEY_NAME',
      'KEYRING_PASSWORD',
      'PUBLIC_URL',
      'P2P_EXTERNAL_ADDRESS',
      'ACCOUNT_PUBKEY',
    ])
    expect(getVar(doc, 'PUBLIC_URL')).toBe('http://<HOST>:<PORT>')
    expect(() => sourceWithShell(TEMPLATE, names)).toThrow()
    let filled = doc
    for (const n of placeholderNames(doc)) filled = setVar(filled, n, `set ${n}`)
    expect(placeholderNames(filled)).toEqual([])
    expect(getVars(filled)).toEqual(sourceWithShell(writeConfigEnv(filled), names))
  })

  it('keeps comments, blank lines, unknown variables, duplicates and quoting of upstream-style files', () => {
    const text = [
      '# Gonka config',
      '',
      'export KEY_NAME=warm-key  # your warm key',
      'export VERSIOND_VERSIONS="v4 v5"',
      "  export QUOTED='a b # not a comment'",
      'export MY_OWN=keep-me',
      'export DUP=first',
      'PLAIN=no-export',
      'export DUP="second $HOME"',
      'export ESC=a\\ b\\#c',
      'export MULTI="line1',
      'line2"',
      'export TAIL=x;echo hi',
      '',
    ].join('\n')
    const doc = parseConfigEnv(text)
    expect(writeConfigEnv(doc)).toBe(text)
    expect(getVar(doc, 'KEY_NAME')).toBe('warm-key')
    expect(getVar(doc, 'VERSIOND_VERSIONS')).toBe('v4 v5')
    expect(getVar(doc, 'QUOTED')).toBe('a b # not a comment')
    expect(getVar(doc, 'DUP')).toBe('second $HOME')
    expect(getVar(doc, 'ESC')).toBe('a b#c')
    expect(getVar(doc, 'MULTI')).toBe('line1\nline2')
    expect(getVar(doc, 'TAIL')).toBe('x')
    expect(duplicateNames(doc)).toEqual(['DUP'])
    const shell = sourceWithShell(text, ['VERSIOND_VERSIONS', 'QUOTED', 'ESC', 'MULTI', 'PLAIN'])
    expect(shell).toEqual({
      VERSIOND_VERSIONS: 'v4 v5',
      QUOTED: 'a b # not a comment',
      ESC: 'a b#c',
      MULTI: 'line1\nline2',
      PLAIN: 'no-export',
    })
  })

  it('setVar changes only the last assignment, keeping export, indentation and comment', () => {
    const text = 'export DUP=1 # one\n# c\n  export DUP=2   # two\nexport OTHER=x\n'
    const out = writeConfigEnv(setVar(parseConfigEnv(text), 'DUP', 'new value'))
    expect(out).toBe("export DUP=1 # one\n# c\n  export DUP='new value'   # two\nexport OTHER=x\n")
  })

  it('setVar appends a missing variable on its own line, also after a file without a final newline', () => {
    expect(writeConfigEnv(setVar(parseConfigEnv('export A=1'), 'B', '2'))).toBe('export A=1\nexport B=2\n')
    expect(writeConfigEnv(setVar(parseConfigEnv(''), 'B', 'x y'))).toBe("export B='x y'\n")
  })

  it('setVar with the same value leaves the text unchanged; quote always quotes a secret', () => {
    const doc = parseConfigEnv(TEMPLATE)
    expect(writeConfigEnv(setVar(doc, 'API_PORT', '8000'))).toBe(TEMPLATE)
    const out = writeConfigEnv(setVar(doc, 'KEYRING_PASSWORD', 'secretpass', { quote: 'always' }))
    expect(out).toContain("export KEYRING_PASSWORD='secretpass'\n")
  })

  it('a value glued to text after it stays one word after setVar', () => {
    const out = writeConfigEnv(setVar(parseConfigEnv('export A=x;echo hi\n'), 'A', 'y'))
    expect(out).toBe('export A=y;echo hi\n')
  })

  it('parse then write is the identity on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(writeConfigEnv(parseConfigEnv(text))).toBe(text)
      }),
      { numRuns: 400 },
    )
    const lines = fc.array(
      fc.oneof(
        fc.constantFrom(
          '',
          '# comment',
          '  # indented',
          'export A=1',
          "B='x",
          'C="y\\',
          'export D=a\\',
          '\r',
        ),
        hostile.map((v) => `export H=${v}`),
      ),
      { maxLength: 12 },
    )
    fc.assert(
      fc.property(lines, fc.constantFrom('\n', '\r\n'), (ls, eol) => {
        const text = ls.join(eol)
        expect(writeConfigEnv(parseConfigEnv(text))).toBe(text)
      }),
      { numRuns: 400 },
    )
  })

  it('setVar with hostile values reads back the same value, and leaves every other entry byte-identical', () => {
    fc.assert(
      fc.property(
        storable,
        fc.constantFrom('KEY_NAME', 'HF_HOME', 'NEW_VAR', 'DAPI_API__POC_CALLBACK_URL'),
        (value, name) => {
          const before = parseConfigEnv(TEMPLATE)
          const after = setVar(before, name, value)
          const reparsed = parseConfigEnv(writeConfigEnv(after))
          expect(getVar(reparsed, name)).toBe(value)
          expect(writeConfigEnv(reparsed)).toBe(writeConfigEnv(after))
          const others = (d: typeof before) =>
            d.entries.filter((e) => e.kind !== 'assignment' || e.name !== name).map((e) => JSON.stringify(e))
          expect(others(reparsed)).toEqual(others(before))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('the shell itself reads back hostile values written by setVar', () => {
    const values = fc.sample(storable, { numRuns: 60, seed: 42 })
    values.push(
      "it's",
      '$(touch /tmp/pwned)',
      '`id`',
      'a # b',
      '"quoted"',
      '\\',
      'a b  c',
      '中文 密码',
      '${HOME}',
    )
    let doc = parseConfigEnv(TEMPLATE)
    for (const n of placeholderNames(doc)) doc = setVar(doc, n, 'x')
    const names = values.map((_, i) => `V${i}`)
    values.forEach((v, i) => {
      doc = setVar(doc, names[i] as string, v)
    })
    doc = setVar(doc, 'KEY_NAME', values[values.length - 1] as string)
    const seen = sourceWithShell(writeConfigEnv(doc), [...names, 'KEY_NAME'])
    values.forEach((v, i) => expect(seen[names[i] as string]).toBe(v))
    expect(seen.KEY_NAME).toBe('${HOME}')
  })

  it('quoteShellValue leaves safe words bare and single-quotes the rest', () => {
    expect(quoteShellValue('http://api:9100')).toBe('http://api:9100')
    expect(quoteShellValue("it's")).toBe(`'it'\\''s'`)
    expect(quoteShellValue('')).toBe("''")
  })
})
