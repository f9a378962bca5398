// A minimal POSIX ustar writer and reader for the secrets archive, so `age -d | tar x` restores it.

/** One regular file in a tar archive. */
export interface TarEntry {
  readonly path: string
  readonly data: Uint8Array
  /** Unix permission bits; 0600 by default (every entry is a secret). */
  readonly mode?: number
}

const BLOCK = 512

function putString(header: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = new TextEncoder().encode(value)
  if (bytes.length > length) throw new Error(`Tar field too long: ${value.slice(0, 40)}`)
  header.set(bytes, offset)
}

function putOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  putString(header, offset, length, value.toString(8).padStart(length - 1, '0') + '\0')
}

/** Splits a path into ustar's prefix (up to 155 bytes) and name (up to 100 bytes) at a slash. */
function splitPath(path: string): [string, string] {
  if (new TextEncoder().encode(path).length <= 100) return ['', path]
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i)
    const name = path.slice(i + 1)
    if (new TextEncoder().encode(prefix).length <= 155 && new TextEncoder().encode(name).length <= 100)
      return [prefix, name]
  }
  throw new Error(`Path too long for the archive: ${path.slice(0, 60)}`)
}

/** Writes `entries` as a ustar archive (regular files only, paths up to 255 bytes). */
export function writeTar(entries: readonly TarEntry[], mtimeSeconds = 0): Uint8Array {
  const parts: Uint8Array[] = []
  for (const entry of entries) {
    const header = new Uint8Array(BLOCK)
    const [prefix, name] = splitPath(entry.path)
    putString(header, 0, 100, name)
    putString(header, 345, 155, prefix)
    putOctal(header, 100, 8, entry.mode ?? 0o600)
    putOctal(header, 108, 8, 0)
    putOctal(header, 116, 8, 0)
    putOctal(header, 124, 12, entry.data.length)
    putOctal(header, 136, 12, mtimeSeconds)
    header.fill(0x20, 148, 156)
    header[156] = 0x30 // '0': regular file
    putString(header, 257, 6, 'ustar\0')
    putString(header, 263, 2, '00')
    let sum = 0
    for (const byte of header) sum += byte
    putString(header, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
    parts.push(header, entry.data)
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK
    if (pad) parts.push(new Uint8Array(pad))
  }
  parts.push(new Uint8Array(BLOCK * 2))
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function readString(bytes: Uint8Array, offset: number, length: number): string {
  const slice = bytes.subarray(offset, offset + length)
  const end = slice.indexOf(0)
  return new TextDecoder().decode(end === -1 ? slice : slice.subarray(0, end))
}

/** Reads the regular files of a ustar archive; throws on a damaged header or a truncated file. */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const out: TarEntry[] = []
  let at = 0
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK)
    if (header.every((b) => b === 0)) break
    let sum = 0
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0)
    if (Number.parseInt(readString(header, 148, 8).trim(), 8) !== sum) throw new Error('Damaged tar header.')
    const size = Number.parseInt(readString(header, 124, 12).trim() || '0', 8)
    const type = String.fromCharCode(header[156] ?? 0x30)
    const start = at + BLOCK
    if (start + size > bytes.length) throw new Error('Truncated tar archive.')
    if (type === '0' || type === '\0')
      out.push({
        path: [readString(header, 345, 155), readString(header, 0, 100)].filter(Boolean).join('/'),
        data: bytes.slice(start, start + size),
        mode: Number.parseInt(readString(header, 100, 8).trim() || '600', 8),
      })
    at = start + Math.ceil(size / BLOCK) * BLOCK
  }
  return out
}
