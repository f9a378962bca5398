import type { CliCommand } from '../io'
import { connectCommand } from './connect'
import { versionCommand } from './version'

/** Every CLI command, in help order. Each feature adds its command file here. */
export const commands: readonly CliCommand[] = [versionCommand, connectCommand]
