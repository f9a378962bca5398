import { describe, expect, it } from 'vitest'
import { inSubnet, isInside, isPrivateAddress, vantageOf, type LocalInterface } from './addresses'
import { classifyOutsidePath, desktopPosition } from './network'

const lan: LocalInterface[] = [
  { address: '127.0.0.1', cidr: '127.0.0.1/8', internal: true },
  { address: '192.168.1.20', cidr: '192.168.1.20/24', internal: false },
  { address: '198.51.100.1', cidr: '198.51.100.1/28', internal: false },
]

describe('where this computer is relative to a server', () => {
  it('same subnet as one of its interfaces, even for a public range, is inside', () => {
    expect(vantageOf('192.168.1.7', lan)).toBe('same-subnet')
    expect(vantageOf('198.51.100.3', lan)).toBe('same-subnet')
    expect(isInside('same-subnet')).toBe(true)
  })

  it('a private address outside the local subnets is reached over a private route (VPN): inside', () => {
    expect(vantageOf('10.8.0.4', lan)).toBe('private-route')
    expect(vantageOf('100.101.2.3', lan)).toBe('private-route')
    expect(vantageOf('fd00::5', lan)).toBe('private-route')
    expect(isInside('private-route')).toBe(true)
  })

  it('a public address in no local subnet is seen from outside; a name that does not resolve is unsure', async () => {
    expect(vantageOf('203.0.113.9', lan)).toBe('public')
    expect(vantageOf('198.51.100.40', lan)).toBe('public')
    expect(isInside('public')).toBe(false)
    expect(vantageOf(undefined, lan)).toBe('unknown')
    expect(await desktopPosition('no-such-host.invalid', 'auto', lan)).toMatchObject({
      vantage: 'unknown',
      unsure: true,
      inside: false,
    })
  })

  it("the user's choice wins over the addresses", async () => {
    expect(await desktopPosition('192.168.1.7', 'outside', lan)).toMatchObject({
      vantage: 'same-subnet',
      inside: false,
      chosen: true,
    })
    expect(await desktopPosition('203.0.113.9', 'inside', lan)).toMatchObject({ inside: true, chosen: true })
    expect(await desktopPosition('[203.0.113.9]', 'auto', lan)).toMatchObject({
      inside: false,
      chosen: false,
    })
  })

  it('ranges', () => {
    expect(isPrivateAddress('172.31.255.1')).toBe(true)
    expect(isPrivateAddress('172.32.0.1')).toBe(false)
    expect(inSubnet('10.0.0.9', '10.0.0.1/28')).toBe(true)
    expect(inSubnet('10.0.0.9', '10.0.0.1/29')).toBe(false)
    expect(inSubnet('::1', '10.0.0.1/8')).toBe(false)
  })
})

describe('a private port seen from this computer', () => {
  it('is exposed when a real service answers, would be exposed when only the test listener answers', () => {
    expect(classifyOutsidePath('open', false, 'existing')).toBe('exposed')
    expect(classifyOutsidePath('open', false, 'none')).toBe('exposed')
    expect(classifyOutsidePath('open', false, 'temporary')).toBe('would-be-exposed')
    expect(classifyOutsidePath('timeout', false, 'temporary')).toBe('closed')
    expect(classifyOutsidePath('open', true, 'temporary')).toBe('reachable')
  })
})
