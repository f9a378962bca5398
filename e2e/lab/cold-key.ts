// The stand-in `inferenced` on "the secure machine" (here, outside the lab), with its own cold keyring:
// how a user makes the account key and later runs the grant command the app shows. For lab tests in
// Vitest and Playwright alike (no `import.meta`, so Playwright's CommonJS transform loads it).
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'

const INFERENCED = resolve(__dirname, 'standins', 'bin', 'inferenced')

/** The cold keyring's password the user types. */
export const COLD_PASSWORD = 'cold-pass-12345'

/**
 * Runs the stand-in CLI with `input` on stdin; `keySeed` makes its keys (STANDIN_KEY_SEED). Resolves
 * its stdout; a non-zero exit rejects with stdout and stderr.
 */
export function coldCli(args: string[], input: string, keySeed: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile(
      'node',
      [INFERENCED, ...args],
      { env: { ...process.env, STANDIN_KEY_SEED: keySeed }, timeout: 60_000 },
      (error, stdout, stderr) => (error ? fail(new Error(`${stdout}\n${stderr}`)) : done(stdout)),
    )
    child.stdin?.end(input)
  })
}

/** Makes the account key `gonka-account-key` in the file keyring at `home`; returns its public key (base64). */
export async function makeColdKey(home: string, keySeed: string): Promise<string> {
  const made = await coldCli(
    ['keys', 'add', 'gonka-account-key', '--keyring-backend', 'file', '--home', home, '--output', 'json'],
    `${COLD_PASSWORD}\n${COLD_PASSWORD}\n`,
    keySeed,
  )
  return (JSON.parse((JSON.parse(made) as { pubkey: string }).pubkey) as { key: string }).key
}
