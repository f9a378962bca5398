import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatDestination, parseDestination } from './destination'

const user = fc.stringMatching(/^[a-z_][a-z0-9_.-]{0,31}$/)
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/)
const hostName = fc
  .array(label, { minLength: 1, maxLength: 4 })
  .map((labels) => labels.join('.'))
  .filter((h) => !/^[\d.]+$/.test(h))
const ipv4 = fc.ipV4()
// validateAddress counts at most 8 colon-separated parts (so `::` plus seven groups is refused).
const ipv6 = fc.ipV6().filter((a) => a.split(':').length <= 8)
const host = fc.oneof(hostName, ipv4, ipv6)
const port = fc.integer({ min: 1, max: 65535 })

describe('parseDestination (USER@HOST[:PORT], one parser for every entry point)', () => {
  it('reads back what formatDestination writes, for any user, host and port 1..65535', () => {
    fc.assert(
      fc.property(user, host, port, (u, h, p) => {
        const parsed = parseDestination(formatDestination({ user: u, host: h, port: p }))
        expect(parsed).toEqual({ ok: true, value: { user: u, host: h, port: p } })
      }),
    )
  })

  it('takes port 22 when none is given (IPv6 without brackets means no port)', () => {
    fc.assert(
      fc.property(user, fc.oneof(hostName, ipv4), (u, h) => {
        expect(parseDestination(`${u}@${h}`)).toEqual({ ok: true, value: { user: u, host: h, port: 22 } })
      }),
    )
    expect(parseDestination('root@2001:db8::1')).toEqual({
      ok: true,
      value: { user: 'root', host: '2001:db8::1', port: 22 },
    })
  })

  it('refuses every port outside 1..65535 as a port problem, never anything else', () => {
    const bad = fc.oneof(
      fc.integer({ min: 65536, max: 9_999_999 }).map(String),
      fc.constant('0'),
      fc.integer({ min: -99999, max: -1 }).map(String),
      fc.constantFrom('', 'ssh', '22a', '2 2', '1e3', '0x16'),
    )
    fc.assert(
      fc.property(user, fc.oneof(hostName, ipv4), bad, (u, h, p) => {
        const parsed = parseDestination(`${u}@${h}:${p}`)
        expect(parsed.ok).toBe(false)
        if (!parsed.ok && !/\s/.test(p)) expect(parsed).toMatchObject({ part: 'port', problem: 'portRange' })
      }),
    )
    expect(parseDestination('root@[2001:db8::1]:70000')).toMatchObject({ ok: false, problem: 'portRange' })
  })

  it.each([
    ['root@203.0.113.10:2222', { user: 'root', host: '203.0.113.10', port: 2222 }],
    ['ubuntu@gpu-1.example.net', { user: 'ubuntu', host: 'gpu-1.example.net', port: 22 }],
    ['root@[2001:db8::1]:2222', { user: 'root', host: '2001:db8::1', port: 2222 }],
    ['root@[::1]', { user: 'root', host: '::1', port: 22 }],
  ])('reads %s', (spec, value) => {
    expect(parseDestination(spec)).toEqual({ ok: true, value })
  })

  it.each([
    ['203.0.113.10', 'user', 'userRequired'],
    ['@203.0.113.10', 'user', 'userRequired'],
    ['a b@host', 'user', 'userInvalid'],
    ['me@you@host', 'host', 'addressHasUserOrPort'],
    ['root@', 'host', 'addressRequired'],
    ['root@ssh://host', 'host', 'addressHasScheme'],
    ['root@host/path', 'host', 'addressHasPath'],
    ['root@[host]:22', 'host', 'addressInvalid'],
    ['root@999.1.1.1', 'host', 'addressInvalid'],
    ['root@host:99999', 'port', 'portRange'],
    ['root@host:0', 'port', 'portRange'],
  ])('refuses %s (%s: %s)', (spec, part, problem) => {
    expect(parseDestination(spec)).toEqual({ ok: false, part, problem })
  })
})
