// The one redaction function every support-bundle text passes through.
import { SECRET_VARIABLES } from '../gonka/desired-config'

/** What replaces a secret in a support bundle. */
export const REDACTED = '[REDACTED]'

const PEM = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g
/** Twelve or more short lowercase words in a row: the shape of a mnemonic. */
const MNEMONIC = /\b(?:[a-z]{3,8}\s+){11,}[a-z]{3,8}\b/g
const SECRET_KEYS = /("?(?:[A-Za-z_]*(?:password|passphrase|mnemonic|secret|private_?key|token)[A-Za-z_]*)"?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,}]+)/gi

/**
 * Removes secrets from `text`: every known secret value (the session's passwords, the words...),
 * private key PEM blocks, mnemonic-shaped word runs, the secret variables of config.env and any
 * `password=`/`"passphrase":` style assignment.
 */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text
  for (const secret of [...known].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED)
    // The words of a mnemonic may appear re-wrapped: match them with any whitespace between.
    const words = secret.trim().split(/\s+/)
    if (words.length >= 12) {
      const pattern = new RegExp(words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'), 'g')
      out = out.replace(pattern, REDACTED)
    }
  }
  out = out.replace(PEM, REDACTED)
  out = out.replace(MNEMONIC, REDACTED)
  for (const name of SECRET_VARIABLES) {
    out = out.replace(new RegExp(`^(\\s*(?:export\\s+)?${name}\\s*=).*$`, 'gm'), `$1${REDACTED}`)
  }
  // A quoted value stays quoted, so JSON stays JSON.
  out = out.replace(SECRET_KEYS, (_m, key: string, value: string) =>
    value.startsWith('"') ? `${key}"${REDACTED}"` : `${key}${REDACTED}`,
  )
  return out
}

/** {@link redact} applied to every string inside a JSON-like value. */
export function redactValue<T>(value: T, known: readonly string[] = []): T {
  return JSON.parse(redact(JSON.stringify(value), known)) as T
}
