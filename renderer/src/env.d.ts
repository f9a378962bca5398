/// <reference types="vite/client" />
import type { AppApi } from '../../electron/shared/contract'
import type { DesktopApi } from '../../electron/shared/desktop'

declare global {
  interface Window {
    readonly api: AppApi
    /** Only in the desktop app (the preload); absent in the browser harness. */
    readonly desktop?: DesktopApi
  }
}
