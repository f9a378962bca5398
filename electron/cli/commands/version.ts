import { openCliService, printFailure } from '../cli-service'
import { parseOptions, type CliCommand } from '../io'

/** `version`: prints the app's version (the service's `getAppInfo`). */
export const versionCommand: CliCommand = {
  name: 'version',
  usage: 'version [--json]',
  async run(args, io) {
    const { values } = parseOptions(args, { json: { type: 'boolean' } })
    const cli = await openCliService(io)
    try {
      const info = await cli.service.invoke('getAppInfo', {})
      if (!info.ok) {
        printFailure(io, info.error)
        return 1
      }
      io.out(values.json ? JSON.stringify(info.value) : info.value.version)
      return 0
    } finally {
      await cli.close()
    }
  },
}
