import { describe, expect, it } from 'vitest'
import { bundlePassphraseSchema } from '../../../../electron/shared/ops/bundle'
import { MIN_PASSPHRASE, passphraseProblem } from './passphrase'

describe('bundle passphrase typed twice', () => {
  it('asks for one, a longer one, or the same one twice', () => {
    expect(passphraseProblem('', '')).toBe('empty')
    expect(passphraseProblem('short', 'short')).toBe('short')
    expect(passphraseProblem('long enough', 'long enougH')).toBe('differ')
    expect(passphraseProblem('long enough', 'long enough')).toBeUndefined()
  })

  it('agrees with the back end on the minimum length', () => {
    const atMin = 'x'.repeat(MIN_PASSPHRASE)
    expect(passphraseProblem(atMin, atMin)).toBeUndefined()
    expect(bundlePassphraseSchema.safeParse(atMin).success).toBe(true)
    expect(bundlePassphraseSchema.safeParse(atMin.slice(1)).success).toBe(false)
  })
})
