/**
 * The `config.env` model: a shell file of `export VAR=value` lines that is sourced (`. ./config.env`)
 * before every `docker compose` call. Parsing keeps every byte (comments, blank lines, order, unknown
 * variables, duplicates, the user's own quoting) so that writing the document back gives the same text,
 * and {@link setVar} changes one value and nothing else.
 */

/** One assignment `[export ]NAME=value[ rest]` (the value may span lines inside quotes). */
export interface ConfigEnvAssignment {
  readonly kind: 'assignment'
  readonly name: string
  /** Whether the line starts with `export`. */
  readonly exported: boolean
  /** Everything before the value: indentation, `export `, the name and `=`. */
  readonly prefix: string
  /** The value exactly as written (with its quotes and escapes). */
  readonly rawValue: string
  /** What follows the value on its line (spaces, a comment, anything else), without the line end. */
  readonly suffix: string
  /** The value as the shell sees it after removing quotes and escapes (expansions are not performed). */
  readonly value: string
  /** True when the value contains an unquoted or double-quoted `$` or backquote (the shell would expand it). */
  readonly expands: boolean
  /** True when a quote is not closed before the end of the file. */
  readonly unterminated: boolean
  /**
   * True when the value has an unquoted `<` or `>`: a template placeholder such as `<FILLIN>` or
   * `http://<HOST>:<PORT>`. The shell would read it as a redirection and refuse the file, so it must
   * be replaced; {@link ConfigEnvAssignment.value} then holds the text as written.
   */
  readonly placeholder: boolean
  /** The line end after this entry: `\n`, `\r\n`, or '' at the end of the file. */
  readonly eol: string
}

/** Any other line: a comment, a blank line, or something the model does not interpret. */
export interface ConfigEnvOther {
  readonly kind: 'other'
  readonly text: string
  readonly eol: string
}

/** One entry of a config.env document. */
export type ConfigEnvEntry = ConfigEnvAssignment | ConfigEnvOther

/** A parsed config.env: its entries in file order; writing them back gives the original text. */
export interface ConfigEnvDocument {
  readonly entries: readonly ConfigEnvEntry[]
}

const ASSIGNMENT_START = /([ \t]*)(export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/y
/** Characters that end an unquoted shell word. */
const WORD_END = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')'])

interface ScannedValue {
  readonly end: number
  readonly value: string
  readonly expands: boolean
  readonly unterminated: boolean
  readonly placeholder: boolean
}

/** Reads one shell word starting at `start` (up to an unquoted blank, metacharacter or line end). */
function scanValue(text: string, start: number): ScannedValue {
  let i = start
  let value = ''
  let expands = false
  let unterminated = false
  let placeholder = false
  while (i < text.length) {
    const c = text[i] as string
    if (c === '\r' && text[i + 1] === '\n') break
    if (WORD_END.has(c)) break
    if (c === '\\') {
      const next = text[i + 1]
      if (next === undefined) {
        value += '\\'
        i += 1
      } else if (next === '\n') {
        i += 2 // line continuation: removed by the shell
      } else {
        value += next
        i += 2
      }
      continue
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1)
      if (close < 0) {
        value += text.slice(i + 1)
        i = text.length
        unterminated = true
        break
      }
      value += text.slice(i + 1, close)
      i = close + 1
      continue
    }
    if (c === '"') {
      i += 1
      let closed = false
      while (i < text.length) {
        const d = text[i] as string
        if (d === '"') {
          closed = true
          i += 1
          break
        }
        if (d === '\\') {
          const next = text[i + 1]
          if (next !== undefined && '$`"\\\n'.includes(next)) {
            if (next !== '\n') value += next
            i += 2
            continue
          }
        }
        if (d === '$' || d === '`') expands = true
        value += d
        i += 1
      }
      if (!closed) unterminated = true
      continue
    }
    if (c === '$' || c === '`') expands = true
    if (c === '<' || c === '>') placeholder = true
    value += c
    i += 1
  }
  return { end: i, value, expands, unterminated, placeholder }
}

/** Splits `text` at `start` into the rest of the line and its line end. */
function restOfLine(text: string, start: number): { body: string; eol: string; next: number } {
  const nl = text.indexOf('\n', start)
  if (nl < 0) return { body: text.slice(start), eol: '', next: text.length }
  const crlf = nl > start && text[nl - 1] === '\r'
  return { body: text.slice(start, crlf ? nl - 1 : nl), eol: crlf ? '\r\n' : '\n', next: nl + 1 }
}

/** Parses a config.env text. Never throws: lines it does not understand are kept as they are. */
export function parseConfigEnv(text: string): ConfigEnvDocument {
  const entries: ConfigEnvEntry[] = []
  let i = 0
  while (i < text.length) {
    ASSIGNMENT_START.lastIndex = i
    const m = ASSIGNMENT_START.exec(text)
    if (m) {
      const prefix = m[0]
      const valueStart = i + prefix.length
      const scanned = scanValue(text, valueStart)
      const rest = restOfLine(text, scanned.end)
      entries.push({
        kind: 'assignment',
        name: m[3] as string,
        exported: m[2] !== undefined,
        prefix,
        rawValue: text.slice(valueStart, scanned.end),
        suffix: rest.body,
        value: scanned.value,
        expands: scanned.expands,
        unterminated: scanned.unterminated,
        placeholder: scanned.placeholder,
        eol: rest.eol,
      })
      i = rest.next
      continue
    }
    const rest = restOfLine(text, i)
    entries.push({ kind: 'other', text: rest.body, eol: rest.eol })
    i = rest.next
  }
  return { entries }
}

/** Writes a document back to text (byte-identical to the parsed text for an unchanged document). */
export function writeConfigEnv(doc: ConfigEnvDocument): string {
  let out = ''
  for (const e of doc.entries)
    out += (e.kind === 'assignment' ? e.prefix + e.rawValue + e.suffix : e.text) + e.eol
  return out
}

/** The value of the last assignment of `name` (the one the shell keeps), or undefined when there is none. */
export function getVar(doc: ConfigEnvDocument, name: string): string | undefined {
  for (let i = doc.entries.length - 1; i >= 0; i--) {
    const e = doc.entries[i]
    if (e?.kind === 'assignment' && e.name === name) return e.value
  }
  return undefined
}

/** The last assignment of `name`, or undefined. */
export function findVar(doc: ConfigEnvDocument, name: string): ConfigEnvAssignment | undefined {
  for (let i = doc.entries.length - 1; i >= 0; i--) {
    const e = doc.entries[i]
    if (e?.kind === 'assignment' && e.name === name) return e
  }
  return undefined
}

/** The names whose last assignment is still a template placeholder (`<FILLIN>`), in file order. */
export function placeholderNames(doc: ConfigEnvDocument): string[] {
  return Object.keys(getVars(doc)).filter((n) => findVar(doc, n)?.placeholder === true)
}

/** Every variable's final value (last assignment wins), in order of first appearance. */
export function getVars(doc: ConfigEnvDocument): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of doc.entries) if (e.kind === 'assignment') out[e.name] = e.value
  return out
}

/** The names of variables assigned more than once. */
export function duplicateNames(doc: ConfigEnvDocument): string[] {
  const seen = new Map<string, number>()
  for (const e of doc.entries) if (e.kind === 'assignment') seen.set(e.name, (seen.get(e.name) ?? 0) + 1)
  return [...seen].filter(([, n]) => n > 1).map(([name]) => name)
}

const SAFE_BARE = /^[A-Za-z0-9_@%+=:,./-]+$/

/**
 * Writes `value` as one shell word that the shell reads back as exactly `value`: bare when it has only
 * safe characters (and `force` is not set), else in single quotes (a `'` inside becomes `'\''`).
 */
export function quoteShellValue(value: string, options: { force?: boolean } = {}): string {
  if (!options.force && SAFE_BARE.test(value)) return value
  return `'${value.replace(/'/g, `'\\''`)}'`
}

/** True for a valid shell variable name. */
export function isVarName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
}

/**
 * Sets `name` to `value`: changes the last assignment in place (keeping its `export`, indentation and
 * trailing comment), or appends `export NAME=value` when there is none. Every other byte stays as it
 * was. `quote: 'always'` quotes even safe values (secrets). Returns a new document.
 */
export function setVar(
  doc: ConfigEnvDocument,
  name: string,
  value: string,
  options: { quote?: 'auto' | 'always' } = {},
): ConfigEnvDocument {
  if (!isVarName(name)) throw new Error(`Not a variable name: ${JSON.stringify(name)}`)
  const rawValue = quoteShellValue(value, { force: options.quote === 'always' })
  const entries = [...doc.entries]
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]
    if (e?.kind !== 'assignment' || e.name !== name) continue
    if (
      e.value === value &&
      !e.expands &&
      !e.unterminated &&
      !e.placeholder &&
      (options.quote !== 'always' || e.rawValue !== value)
    )
      return doc
    // A suffix that starts right after the value would glue onto the new word: keep it apart.
    const suffix = e.suffix !== '' && !/^[ \t;&|<>()]/.test(e.suffix) ? ` ${e.suffix}` : e.suffix
    entries[i] = {
      ...e,
      rawValue,
      suffix,
      value,
      expands: false,
      unterminated: false,
      placeholder: false,
      eol: e.unterminated ? '\n' : e.eol,
    }
    return { entries }
  }
  const last = entries[entries.length - 1]
  if (last && last.eol === '') {
    if (last.kind === 'other' && last.text === '') entries.pop()
    else entries[entries.length - 1] = { ...last, eol: '\n' }
  }
  entries.push({
    kind: 'assignment',
    name,
    exported: true,
    prefix: `export ${name}=`,
    rawValue,
    suffix: '',
    value,
    expands: false,
    unterminated: false,
    placeholder: false,
    eol: '\n',
  })
  return { entries }
}
