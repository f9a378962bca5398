// `npm run icons`: makes every icon the installers need from one source image, resources/icon.png
// (1024 × 1024 RGBA; resources/icon.svg is its editable drawing). The outputs are committed:
//   resources/icons/<n>x<n>.png  Linux (AppImage, deb: hicolor theme sizes), electron-builder `linux.icon`
//   resources/icon.ico            Windows (NSIS installer, uninstaller, app.exe): 16–256 px
//   resources/icon.icns           macOS (app bundle, dmg): 16–1024 px, @1x and @2x
// `node e2e/tools/icons.mjs --check` regenerates them in memory and fails if a committed file differs
// (`npm run package:check` runs it), so the icons cannot drift from the source.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { decodePng, encodeIco, encodeIcns, encodePng, resize } from './png.mjs'

const root = join(import.meta.dirname, '..', '..')
export const SOURCE = join(root, 'resources', 'icon.png')
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
export const ICNS_SIZES = [16, 32, 64, 128, 256, 512, 1024]

/** Every icon file (absolute path) and its bytes, made from the source image. */
export function makeIcons() {
  const source = decodePng(readFileSync(SOURCE))
  if (source.width !== 1024 || source.height !== 1024)
    throw new Error(`${relative(root, SOURCE)} must be 1024 × 1024, it is ${source.width} × ${source.height}`)
  const cache = new Map()
  const png = (size) => {
    if (!cache.has(size)) cache.set(size, encodePng(size === 1024 ? source : resize(source, size)))
    return cache.get(size)
  }
  const files = new Map()
  for (const size of LINUX_SIZES)
    files.set(join(root, 'resources', 'icons', `${size}x${size}.png`), png(size))
  files.set(join(root, 'resources', 'icon.ico'), encodeIco(ICO_SIZES.map(png)))
  files.set(join(root, 'resources', 'icon.icns'), encodeIcns(png))
  return files
}

if (process.argv[1] === import.meta.filename) {
  const check = process.argv.includes('--check')
  const stale = []
  for (const [path, bytes] of makeIcons()) {
    if (check) {
      if (!existsSync(path) || !readFileSync(path).equals(bytes)) stale.push(relative(root, path))
    } else {
      mkdirSync(join(path, '..'), { recursive: true })
      writeFileSync(path, bytes)
      process.stdout.write(`${relative(root, path)} (${bytes.length} bytes)\n`)
    }
  }
  if (stale.length > 0) {
    process.stderr.write(
      `Icons out of date with resources/icon.png (run npm run icons): ${stale.join(', ')}\n`,
    )
    process.exit(1)
  }
}
