import { describe, expect, it } from 'vitest'
import {
  ceremonyStep,
  choosePositions,
  holdsWords,
  MAX_ATTEMPTS,
  startCeremony,
  type CeremonyState,
} from './ceremony'

const WORDS = Array.from({ length: 24 }, (_, i) => `w${i + 1}`)
const ACCOUNT = { address: 'gonka1x', pubkey: 'AAAA' }
const seq = (values: number[]) => {
  let i = 0
  return (max: number) => (values[i++] ?? 0) % max
}

function checking(): CeremonyState {
  const start = startCeremony(WORDS.join(' '), ACCOUNT, seq([4, 0, 20]))
  return ceremonyStep(start, { type: 'words-noted' })
}

describe('key ceremony', () => {
  it('asks for three distinct positions chosen by the random source', () => {
    expect(choosePositions(24, 3, seq([4, 0, 20]))).toEqual([1, 5, 23])
    for (let k = 0; k < 50; k++) {
      const p = choosePositions(24, 3, (max) => Math.floor(Math.random() * max))
      expect(new Set(p).size).toBe(3)
      expect(p.every((n) => n >= 1 && n <= 24)).toBe(true)
    }
  })

  it('shows the words, then checks them; the right words confirm and drop the words', () => {
    const start = startCeremony(WORDS.join(' '), ACCOUNT, seq([4, 0, 20]))
    expect(start.phase).toBe('showing')
    const c = checking()
    expect(c.phase).toBe('checking')
    const done = ceremonyStep(c, {
      type: 'answer',
      answers: new Map([
        [1, 'W1 '],
        [5, 'w5'],
        [23, 'w23'],
      ]),
    })
    expect(done).toEqual({ phase: 'confirmed', account: ACCOUNT })
    expect(holdsWords(done)).toBe(false)
    expect(JSON.stringify(done)).not.toContain('w23')
  })

  it('refuses a wrong word, naming its position, and ends after too many attempts', () => {
    let s = checking()
    const wrongAnswers = new Map([
      [1, 'w1'],
      [5, 'w6'],
      [23, 'w23'],
    ])
    s = ceremonyStep(s, { type: 'answer', answers: wrongAnswers })
    expect(s.phase === 'checking' && s.wrong).toEqual([5])
    for (let i = 1; i < MAX_ATTEMPTS; i++) s = ceremonyStep(s, { type: 'answer', answers: wrongAnswers })
    expect(s).toEqual({ phase: 'abandoned', why: 'too-many-attempts' })
    expect(holdsWords(s)).toBe(false)
  })

  it('answers before the words were noted are ignored; cancel drops the words', () => {
    const start = startCeremony(WORDS.join(' '), ACCOUNT, seq([0, 0, 0]))
    expect(ceremonyStep(start, { type: 'answer', answers: new Map() })).toBe(start)
    expect(ceremonyStep(start, { type: 'cancel' })).toEqual({ phase: 'abandoned', why: 'cancelled' })
  })
})
