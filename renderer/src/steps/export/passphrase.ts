/** The shortest bundle passphrase accepted (the back end's bundlePassphraseSchema says the same). */
export const MIN_PASSPHRASE = 8

/** What is wrong with a passphrase typed twice, as an i18n key under `exportUi.passphrase`; undefined when fine. */
export function passphraseProblem(first: string, second: string): 'empty' | 'short' | 'differ' | undefined {
  if (first === '') return 'empty'
  if ([...first].length < MIN_PASSPHRASE) return 'short'
  if (first !== second) return 'differ'
  return undefined
}
