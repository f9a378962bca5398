import { isAbsolute, posix, win32 } from 'node:path'

/** The environment variable that overrides the data folder (tests, portable installs, scripts). */
export const USER_DATA_ENV = 'GHW_USER_DATA_DIR'

/** The folder name of the app's data inside the platform's per-user configuration folder. */
export const USER_DATA_FOLDER_NAME = 'gonka-host-wizard'

/**
 * The app's default data folder on `platform`: `%APPDATA%\gonka-host-wizard` on Windows,
 * `~/Library/Application Support/gonka-host-wizard` on macOS, `$XDG_CONFIG_HOME/gonka-host-wizard`
 * (else `~/.config/gonka-host-wizard`) elsewhere. The desktop app, the browser harness and the CLI all
 * use it, so a profile or a pinned host key made in one is seen by the others.
 */
export function defaultUserDataDir(platform: string, env: NodeJS.ProcessEnv, homeDir: string): string {
  if (platform === 'win32') {
    const appData =
      env.APPDATA && win32.isAbsolute(env.APPDATA) ? env.APPDATA : win32.join(homeDir, 'AppData', 'Roaming')
    return win32.join(appData, USER_DATA_FOLDER_NAME)
  }
  if (platform === 'darwin')
    return posix.join(homeDir, 'Library', 'Application Support', USER_DATA_FOLDER_NAME)
  const xdg = env.XDG_CONFIG_HOME
  const config = xdg && isAbsolute(xdg) ? xdg : posix.join(homeDir, '.config')
  return posix.join(config, USER_DATA_FOLDER_NAME)
}

/** The data folder to use: {@link USER_DATA_ENV} when set (not empty), else {@link defaultUserDataDir}. */
export function resolveUserDataDir(platform: string, env: NodeJS.ProcessEnv, homeDir: string): string {
  const override = env[USER_DATA_ENV]
  return override !== undefined && override.trim() !== ''
    ? override
    : defaultUserDataDir(platform, env, homeDir)
}
