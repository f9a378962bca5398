import type { AppApi } from '../../electron/shared/contract'

/**
 * The single seam to the back end. In the desktop app `window.api` comes from the preload bridge;
 * in the e2e harness from a WebSocket client defined by the same contract.
 */
export function getApi(): AppApi {
  return window.api
}
