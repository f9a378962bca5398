// Minimal PNG, ICO and ICNS reading and writing in plain Node (no native image library), for the icon
// script (`npm run icons`) and `npm run package:check`. Only what the app's icons need: 8-bit RGBA,
// non-interlaced PNGs; ICO and ICNS files whose entries are PNGs.
import { deflateSync, inflateSync } from 'node:zlib'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes) {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  out.write(type, 4, 'latin1')
  data.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length)
  return out
}

/** Width and height of a PNG from its header, or undefined when `bytes` is not a PNG. */
export function pngSize(bytes) {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(SIGNATURE)) return undefined
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
}

/** Decodes an 8-bit RGBA (colour type 6) or RGB (type 2), non-interlaced PNG to RGBA pixels. */
export function decodePng(bytes) {
  const size = pngSize(bytes)
  if (!size) throw new Error('not a PNG')
  const ihdr = bytes.subarray(16, 29)
  const [depth, colour, , , interlace] = [ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]]
  if (depth !== 8 || (colour !== 6 && colour !== 2) || interlace !== 0)
    throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${interlace})`)
  const channels = colour === 6 ? 4 : 3
  const idat = []
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at)
    const type = bytes.toString('latin1', at + 4, at + 8)
    if (type === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const { width, height } = size
  const stride = width * channels
  const pixels = Buffer.alloc(width * height * 4)
  let previous = Buffer.alloc(stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)))
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels] : 0
      const b = previous[x]
      const c = x >= channels ? previous[x - channels] : 0
      let add = 0
      if (filter === 1) add = a
      else if (filter === 2) add = b
      else if (filter === 3) add = (a + b) >> 1
      else if (filter === 4) {
        const p = a + b - c
        const pa = Math.abs(p - a)
        const pb = Math.abs(p - b)
        const pc = Math.abs(p - c)
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
      }
      line[x] = (line[x] + add) & 0xff
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < channels; k++) pixels[(y * width + x) * 4 + k] = line[x * channels + k]
      if (channels === 3) pixels[(y * width + x) * 4 + 3] = 255
    }
    previous = line
  }
  return { width, height, pixels }
}

/** Encodes RGBA pixels as a PNG (no filter, best compression). */
export function encodePng({ width, height, pixels }) {
  const raw = Buffer.alloc(height * (width * 4 + 1))
  for (let y = 0; y < height; y++)
    pixels.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/**
 * Scales a square RGBA image down to `size` × `size` by area averaging (each target pixel is the
 * coverage-weighted mean of the source pixels under it, with premultiplied alpha so transparent
 * edges do not darken).
 */
export function resize(image, size) {
  const { width, height, pixels } = image
  const weights = (from, to) => {
    const scale = from / to
    return Array.from({ length: to }, (_, i) => {
      const start = i * scale
      const end = start + scale
      const list = []
      for (let s = Math.floor(start); s < Math.min(from, Math.ceil(end)); s++) {
        const w = Math.min(end, s + 1) - Math.max(start, s)
        if (w > 0) list.push([s, w / scale])
      }
      return list
    })
  }
  const wx = weights(width, size)
  const wy = weights(height, size)
  // Horizontal pass into premultiplied floats, then vertical.
  const mid = new Float64Array(size * height * 4)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < size; x++) {
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (const [s, w] of wx[x]) {
        const at = (y * width + s) * 4
        const alpha = pixels[at + 3] / 255
        r += pixels[at] * alpha * w
        g += pixels[at + 1] * alpha * w
        b += pixels[at + 2] * alpha * w
        a += alpha * w
      }
      mid.set([r, g, b, a], (y * size + x) * 4)
    }
  const out = Buffer.alloc(size * size * 4)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const sum = [0, 0, 0, 0]
      for (const [s, w] of wy[y]) for (let k = 0; k < 4; k++) sum[k] += mid[(s * size + x) * 4 + k] * w
      const at = (y * size + x) * 4
      const alpha = sum[3]
      for (let k = 0; k < 3; k++) out[at + k] = alpha > 0 ? Math.round(Math.min(255, sum[k] / alpha)) : 0
      out[at + 3] = Math.round(Math.min(1, alpha) * 255)
    }
  return { width: size, height: size, pixels: out }
}

/** An ICO file whose images are the given PNGs (Windows Vista and later read PNG entries). */
export function encodeIco(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(pngs.length, 4)
  let offset = header.length
  pngs.forEach((png, i) => {
    const { width, height } = pngSize(png)
    const at = 6 + 16 * i
    header[at] = width >= 256 ? 0 : width
    header[at + 1] = height >= 256 ? 0 : height
    header.writeUInt16LE(1, at + 4) // colour planes
    header.writeUInt16LE(32, at + 6) // bits per pixel
    header.writeUInt32LE(png.length, at + 8)
    header.writeUInt32LE(offset, at + 12)
    offset += png.length
  })
  return Buffer.concat([header, ...pngs])
}

/** The images of an ICO file: for each, the size its directory gives and the PNG's own size. */
export function readIco(bytes) {
  if (bytes.readUInt16LE(0) !== 0 || bytes.readUInt16LE(2) !== 1) return undefined
  const count = bytes.readUInt16LE(4)
  return Array.from({ length: count }, (_, i) => {
    const at = 6 + 16 * i
    const size = bytes.readUInt32LE(at + 8)
    const offset = bytes.readUInt32LE(at + 12)
    const png = pngSize(bytes.subarray(offset, offset + size))
    return { width: bytes[at] || 256, height: bytes[at + 1] || 256, png }
  })
}

/** ICNS entry types that hold a PNG, by the pixel size of the image. */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32], // 16@2x
  ['icp6', 64],
  ['ic12', 64], // 32@2x
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256], // 128@2x
  ['ic09', 512],
  ['ic14', 512], // 256@2x
  ['ic10', 1024], // 512@2x
]

/** An ICNS file with a PNG for every type in {@link ICNS_TYPES}; `pngOf(size)` gives the PNG. */
export function encodeIcns(pngOf) {
  const entries = ICNS_TYPES.map(([type, size]) => {
    const png = pngOf(size)
    const head = Buffer.alloc(8)
    head.write(type, 0, 'latin1')
    head.writeUInt32BE(8 + png.length, 4)
    return Buffer.concat([head, png])
  })
  const body = Buffer.concat(entries)
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'latin1')
  head.writeUInt32BE(8 + body.length, 4)
  return Buffer.concat([head, body])
}

/** The entries of an ICNS file: type and, when it holds a PNG, the PNG's size. */
export function readIcns(bytes) {
  if (bytes.toString('latin1', 0, 4) !== 'icns' || bytes.readUInt32BE(4) !== bytes.length) return undefined
  const entries = []
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(at + 4)
    if (length < 8) return undefined
    entries.push({
      type: bytes.toString('latin1', at, at + 4),
      png: pngSize(bytes.subarray(at + 8, at + length)),
    })
    at += length
  }
  return entries
}
