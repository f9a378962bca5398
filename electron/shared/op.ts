import type { z } from 'zod'

/**
 * One operation of the contract: a zod schema for its input and (as a phantom type) its output.
 * `long` operations take a caller-made run id, report progress events and can be cancelled.
 */
export interface OperationDef<I extends z.ZodType, O> {
  readonly input: I
  readonly long: boolean
  /** Phantom: carries the output type; never set at run time. */
  readonly output?: O
}

/** Declares an operation with output type `O`: `op<Foo>()(z.object({...}))`. */
export function op<O>() {
  return <I extends z.ZodType>(input: I, options: { long?: boolean } = {}): OperationDef<I, O> => ({
    input,
    long: options.long ?? false,
  })
}
