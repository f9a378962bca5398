/// <reference types="vite/client" />
import type { AppApi } from '../../electron/shared/contract'

declare global {
  interface Window {
    readonly api: AppApi
  }
}
