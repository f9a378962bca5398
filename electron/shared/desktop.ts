// What only the desktop app's shell can do for the page (a native file dialog), outside the service
// contract: the browser harness and the CLI have no such thing, so the page offers it only when
// `window.desktop` exists. The main process validates every request with this schema.
import { z } from 'zod'

/** IPC channel of the file dialog; the preload uses the same string. */
export const DESKTOP_CHANNELS = { pickFile: 'ghw:pick-file' } as const

/** A request for a native file dialog: where to save a new file, or which file to open. */
export const pickFileRequestSchema = z
  .object({
    mode: z.enum(['save', 'open']),
    /** The dialog's title (the field's label, already translated). */
    title: z.string().min(1).max(200),
    /** What the field holds now: the dialog starts there. */
    defaultPath: z.string().max(4096).optional(),
    filters: z
      .array(
        z
          .object({
            name: z.string().min(1).max(100),
            extensions: z
              .array(z.string().regex(/^[A-Za-z0-9]{1,10}$/))
              .min(1)
              .max(10),
          })
          .strict(),
      )
      .max(5)
      .optional(),
  })
  .strict()

/** A {@link pickFileRequestSchema} request. */
export type PickFileRequest = z.infer<typeof pickFileRequestSchema>

/** `window.desktop` in the desktop app. */
export interface DesktopApi {
  /** The chosen path, or undefined when the user cancelled (or the request was refused). */
  pickFile(request: PickFileRequest): Promise<string | undefined>
}
