import { describe, expect, it } from 'vitest'
import type { JournalEntry } from '../../../../electron/shared/deploy'
import { LogBuffer, filterLines, formatBytes, summarizeJournal } from './launch-model'

const line = (n: number) => ({ hostId: 'h1', service: 'api', stream: 'stdout' as const, line: `line ${n}` })

describe('LogBuffer', () => {
  it('keeps at most max lines, dropping the oldest', () => {
    const buffer = new LogBuffer(100)
    for (let i = 0; i < 1000; i++) buffer.push([line(i)])
    const kept = buffer.all()
    expect(kept.length).toBe(100)
    expect(kept[0]?.line).toBe('line 900')
    expect(kept[99]?.line).toBe('line 999')
    expect(buffer.received).toBe(1000)
  })

  it('filters by text in the line or the service', () => {
    const buffer = new LogBuffer()
    buffer.push([line(1), { ...line(2), service: 'node' }, line(12)])
    expect(filterLines(buffer.all(), 'LINE 1').map((l) => l.line)).toEqual(['line 1', 'line 12'])
    expect(filterLines(buffer.all(), 'node').map((l) => l.line)).toEqual(['line 2'])
  })
})

describe('summarizeJournal', () => {
  const e = (runId: string, actionId: string, event: JournalEntry['event']): JournalEntry => ({
    at: '2026-01-01T00:00:00Z',
    runId,
    planId: 'p',
    actionId,
    hostId: 'h1',
    event,
  })
  it('shows an action started and never ended as interrupted, and offers resume', () => {
    const s = summarizeJournal([
      e('r0', 'repo', 'start'),
      e('r1', 'repo', 'start'),
      e('r1', 'repo', 'end'),
      e('r1', 'images', 'start'),
    ])
    expect(s?.runId).toBe('r1')
    expect(s?.actions.map((a) => [a.actionId, a.state])).toEqual([
      ['repo', 'done'],
      ['images', 'interrupted'],
    ])
    expect(s?.unfinished).toBe(true)
  })
  it('a run whose actions all ended needs no resume; no journal is no summary', () => {
    expect(summarizeJournal([e('r1', 'repo', 'start'), e('r1', 'repo', 'skip')])?.unfinished).toBe(false)
    expect(summarizeJournal([])).toBeUndefined()
  })
})

it('formats bytes', () => {
  expect(formatBytes(512)).toBe('512 B')
  expect(formatBytes(1536 * 1024)).toBe('1.5 MB')
})
