import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LogLine } from '../../shared/deploy'
import { LogBatcher } from './log-batch'

const line = (n: number): LogLine => ({ hostId: 'net', service: 'api', stream: 'stdout', line: `line ${n}` })

describe('LogBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('10 000 lines in one second are a few dozen events, every line once and in order', () => {
    const batches: (readonly LogLine[])[] = []
    const b = new LogBatcher((batch) => batches.push(batch))
    for (let ms = 0; ms < 1000; ms++) {
      for (let i = 0; i < 10; i++) b.push(line(ms * 10 + i))
      vi.advanceTimersByTime(1)
    }
    b.flush()
    expect(batches.length).toBeLessThanOrEqual(25)
    expect(batches.length).toBeGreaterThanOrEqual(10)
    expect(batches.flat().map((l) => l.line)).toEqual(Array.from({ length: 10_000 }, (_, i) => `line ${i}`))
  })

  it('a full batch goes at once; a lone line waits at most 50 ms; flush sends the rest and nothing when empty', () => {
    const batches: (readonly LogLine[])[] = []
    const b = new LogBatcher((batch) => batches.push(batch), 3, 50)
    b.push(line(1))
    b.push(line(2))
    b.push(line(3))
    expect(batches).toHaveLength(1)
    b.push(line(4))
    vi.advanceTimersByTime(49)
    expect(batches).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(batches.map((x) => x.length)).toEqual([3, 1])
    b.push(line(5))
    b.flush()
    b.flush()
    expect(batches.map((x) => x.length)).toEqual([3, 1, 1])
    vi.advanceTimersByTime(100)
    expect(batches).toHaveLength(3)
  })
})
