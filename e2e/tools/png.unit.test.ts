import { describe, expect, it } from 'vitest'
import { decodePng, encodeIcns, encodeIco, encodePng, pngSize, readIcns, readIco, resize } from './png.mjs'

interface Image {
  width: number
  height: number
  pixels: Buffer
}
const decode = decodePng as (bytes: Buffer) => Image
const encode = encodePng as (image: Image) => Buffer

function solid(size: number, rgba: number[], border = 0, borderRgba = [0, 0, 0, 0]): Image {
  const pixels = Buffer.alloc(size * size * 4)
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const edge = x < border || y < border || x >= size - border || y >= size - border
      pixels.set(edge ? borderRgba : rgba, (y * size + x) * 4)
    }
  return { width: size, height: size, pixels }
}

describe('the icon tools', () => {
  it('writes PNGs that read back pixel for pixel', () => {
    const image = solid(8, [10, 20, 30, 255], 2, [200, 100, 50, 128])
    const bytes = encode(image)
    expect(pngSize(bytes)).toEqual({ width: 8, height: 8 })
    expect(decode(bytes).pixels.equals(image.pixels)).toBe(true)
  })

  it('scales down by averaging, without darkening transparent edges', () => {
    const small = (resize as (i: Image, s: number) => Image)(solid(64, [255, 128, 0, 255], 16), 2)
    expect([...small.pixels.subarray(0, 4)]).toEqual([255, 128, 0, 64])
    const half = (resize as (i: Image, s: number) => Image)(solid(48, [40, 80, 120, 255]), 17)
    expect(half.width).toBe(17)
    expect([...half.pixels.subarray(4 * 100, 4 * 101)]).toEqual([40, 80, 120, 255])
  })

  it('packs PNGs into .ico and .icns files whose entries read back with their sizes', () => {
    const png = (size: number) => encode(solid(size, [1, 2, 3, 255]))
    const ico = (readIco as (b: Buffer) => { width: number; png: { width: number } }[])(
      (encodeIco as (p: Buffer[]) => Buffer)([16, 256].map(png)),
    )
    expect(ico.map((i) => [i.width, i.png.width])).toEqual([
      [16, 16],
      [256, 256],
    ])
    const icns = (readIcns as (b: Buffer) => { type: string; png?: { width: number } }[])(
      (encodeIcns as (f: (s: number) => Buffer) => Buffer)(png),
    )
    expect(icns.find((e) => e.type === 'ic10')?.png?.width).toBe(1024)
    expect(icns.find((e) => e.type === 'icp4')?.png?.width).toBe(16)
  })
})
