import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseOptions, type CliCommand } from '../io'

/** `version`: prints the app's version. */
export const versionCommand: CliCommand = {
  name: 'version',
  usage: 'version',
  summary: 'Print the version of Gonka Host Wizard.',
  run(args, io) {
    parseOptions(args, {})
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      version: string
    }
    io.out(pkg.version)
    return Promise.resolve(0)
  },
}
