import { z } from 'zod'
import type { Result } from './result'
import type { PushedEvent } from './progress'
import { appOps } from './ops/app'
import { profileOps } from './ops/profiles'
import { sshOps } from './ops/ssh'
import { checkOps } from './ops/checks'
import { keyOps } from './ops/keys'
import { nodeOps } from './ops/nodes'
import { configOps } from './ops/config'
import { deployOps } from './ops/deploy'
import { launchOps } from './ops/launch'
import { bundleOps } from './ops/bundle'
import { serverKeyOps } from './ops/server-keys'

export { op, type OperationDef } from './op'

/**
 * The whole contract. Each feature declares its operations in `ops/<feature>.ts` and is spread in here;
 * main's IPC, the preload bridge, the CLI and the e2e harness are all generated from this object.
 */
export const contract = {
  ...appOps,
  ...profileOps,
  ...sshOps,
  ...checkOps,
  ...keyOps,
  ...nodeOps,
  ...configOps,
  ...deployOps,
  ...launchOps,
  ...bundleOps,
  ...serverKeyOps,
} as const

/** The contract's type. */
export type Contract = typeof contract
/** The name of an operation. */
export type OperationName = keyof Contract
/** The parsed input type of operation `K`. */
export type InputOf<K extends OperationName> = z.output<Contract[K]['input']>
/** The input type a caller passes to operation `K` (before defaults are applied). */
export type CallInputOf<K extends OperationName> = z.input<Contract[K]['input']>
/** The output type of operation `K`. */
export type OutputOf<K extends OperationName> = NonNullable<Contract[K]['output']>

/** Options for one call: `runId` is required by long operations so the caller can follow and cancel them. */
export interface CallOptions {
  readonly runId?: string
}

/** The API the renderer sees as `window.api`: one function per operation, plus cancel and events. */
export type AppApi = {
  readonly [K in OperationName]: (
    input: CallInputOf<K>,
    options?: CallOptions,
  ) => Promise<Result<OutputOf<K>>>
} & {
  /** Cancels a long operation by its run id; resolves when the cancel was delivered. */
  readonly cancel: (runId: string) => Promise<void>
  /** Subscribes to events pushed by the back end; returns the unsubscribe function. */
  readonly onEvent: (listener: (event: PushedEvent) => void) => () => void
}

/** All operation names, in declaration order. */
export const OPERATION_NAMES = Object.keys(contract) as OperationName[]

/** True when `name` names an operation of the contract. */
export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** The envelope of one call as it crosses a transport (IPC, WebSocket). */
export const callRequestSchema = z.object({
  op: z.string().max(64),
  input: z.unknown(),
  runId: z.string().max(64).optional(),
})
/** See {@link callRequestSchema}. */
export type CallRequest = z.infer<typeof callRequestSchema>
