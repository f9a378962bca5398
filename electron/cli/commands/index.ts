import type { CliCommand } from '../io'
import { connectCommand } from './connect'
import { versionCommand } from './version'
import { profileCommand } from './profile'
import { checkCommand } from './check'
import { keysCommand, secretsCommand } from './keys'
import { planCommand, applyCommand, psCommand, logsCommand } from './deploy'
import { nodesCommand } from './nodes'
import { statusCommand } from './status'
import { exportCommand, importCommand, supportBundleCommand } from './bundle'
import { grantsCommand, registerCommand } from './server-keys'

/** Every CLI command, in help order. Each feature adds its command file here. */
export const commands: readonly CliCommand[] = [
  versionCommand,
  connectCommand,
  profileCommand,
  checkCommand,
  keysCommand,
  secretsCommand,
  registerCommand,
  grantsCommand,
  planCommand,
  applyCommand,
  psCommand,
  logsCommand,
  nodesCommand,
  statusCommand,
  exportCommand,
  importCommand,
  supportBundleCommand,
]
