// The ceremony that makes a new account key: the words are shown once with why they matter, the
// user re-types words at positions chosen at random, and then the words are dropped. Pure: the
// service keeps one state per ceremony id and the random source is passed in (tests fix it).
import type { AccountKey } from './keys'

/** How many words the user re-types. */
export const CHECK_WORDS = 3
/** Wrong answers allowed before the ceremony ends and a new key must be made. */
export const MAX_ATTEMPTS = 5

/** One state of the ceremony. Only `showing` and `checking` hold the words. */
export type CeremonyState =
  | {
      readonly phase: 'showing'
      readonly words: readonly string[]
      readonly account: AccountKey
      /** 1-based positions the user will be asked for, sorted. */
      readonly positions: readonly number[]
    }
  | {
      readonly phase: 'checking'
      readonly words: readonly string[]
      readonly account: AccountKey
      readonly positions: readonly number[]
      readonly attempts: number
      /** Positions answered wrongly last time (empty before the first answer). */
      readonly wrong: readonly number[]
    }
  | { readonly phase: 'confirmed'; readonly account: AccountKey }
  | { readonly phase: 'abandoned'; readonly why: 'cancelled' | 'too-many-attempts' }

/** What can happen to a ceremony. */
export type CeremonyEvent =
  | { readonly type: 'words-noted' }
  | { readonly type: 'answer'; readonly answers: ReadonlyMap<number, string> }
  | { readonly type: 'cancel' }

/** `n` distinct 1-based positions out of `count`, sorted; `randomInt(max)` returns 0..max-1. */
export function choosePositions(count: number, n: number, randomInt: (max: number) => number): number[] {
  const pool = Array.from({ length: count }, (_, i) => i + 1)
  const chosen: number[] = []
  for (let i = 0; i < n && pool.length > 0; i++) chosen.push(pool.splice(randomInt(pool.length), 1)[0] ?? 0)
  return chosen.sort((a, b) => a - b)
}

/** Starts a ceremony for a freshly made mnemonic and its account. */
export function startCeremony(
  mnemonic: string,
  account: AccountKey,
  randomInt: (max: number) => number,
): CeremonyState {
  const words = mnemonic.split(' ')
  return {
    phase: 'showing',
    words,
    account,
    positions: choosePositions(words.length, CHECK_WORDS, randomInt),
  }
}

/** The next state. Events that make no sense in a phase leave it unchanged. */
export function ceremonyStep(state: CeremonyState, event: CeremonyEvent): CeremonyState {
  if (event.type === 'cancel') {
    return state.phase === 'confirmed' ? state : { phase: 'abandoned', why: 'cancelled' }
  }
  if (state.phase === 'showing' && event.type === 'words-noted') {
    return { ...state, phase: 'checking', attempts: 0, wrong: [] }
  }
  if (state.phase === 'checking' && event.type === 'answer') {
    const wrong = state.positions.filter(
      (p) => (event.answers.get(p) ?? '').trim().toLowerCase() !== state.words[p - 1],
    )
    if (wrong.length === 0) return { phase: 'confirmed', account: state.account }
    const attempts = state.attempts + 1
    if (attempts >= MAX_ATTEMPTS) return { phase: 'abandoned', why: 'too-many-attempts' }
    return { ...state, attempts, wrong }
  }
  return state
}

/** True when the state still holds the words (they must be dropped once it does not). */
export function holdsWords(state: CeremonyState): boolean {
  return state.phase === 'showing' || state.phase === 'checking'
}
