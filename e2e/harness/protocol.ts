import { z } from 'zod'

/** Path of the harness WebSocket endpoint. */
export const WS_PATH = '/__harness/ws'

/** Messages from the page to the harness. */
export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    op: z.string().max(64),
    input: z.unknown(),
    runId: z.string().max(64).optional(),
  }),
  z.object({ t: z.literal('cancel'), runId: z.string().max(64) }),
])
/** See {@link clientMessageSchema}. */
export type ClientMessage = z.infer<typeof clientMessageSchema>

/** Messages from the harness to the page. */
export type ServerMessage =
  | { readonly t: 'result'; readonly id: number; readonly result: unknown }
  | { readonly t: 'event'; readonly event: unknown }

/** Where the page finds the harness: set by the Playwright init script (or the URL fragment in browser mode). */
export interface HarnessConfig {
  readonly url: string
  readonly token: string
}
