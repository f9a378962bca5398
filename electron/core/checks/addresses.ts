/**
 * Address facts the network checks need: private and loopback ranges, and whether this computer
 * sits in the same network as a server (so a port it reaches says nothing about the internet).
 */
import { BlockList, isIP } from 'node:net'

function list(ranges: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[]): BlockList {
  const b = new BlockList()
  for (const [net, prefix, family] of ranges) b.addSubnet(net, prefix, family)
  return b
}

const LOOPBACK = list([
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
])

// RFC 1918, carrier-grade NAT (RFC 6598, also Tailscale), link-local, IPv6 unique-local and link-local.
const PRIVATE = list([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
])

function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(address)
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined
}

/** Strips `[...]` and an IPv6 zone (`%eth0`); IPv4-mapped IPv6 becomes plain IPv4. */
export function bareAddress(address: string): string {
  const a = address
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a)
  return mapped?.[1] ?? a
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopbackAddress(address: string): boolean {
  const a = bareAddress(address)
  const f = familyOf(a)
  return f !== undefined && LOOPBACK.check(a, f)
}

/** True for addresses the internet cannot route to: private, CGNAT, link-local, unique-local. */
export function isPrivateAddress(address: string): boolean {
  const a = bareAddress(address)
  const f = familyOf(a)
  return f !== undefined && PRIVATE.check(a, f)
}

/** An address of this computer with its netmask in CIDR form (`os.networkInterfaces()` gives both). */
export interface LocalInterface {
  readonly address: string
  /** `192.168.1.10/24`. */
  readonly cidr: string | null
  readonly internal: boolean
}

/** True when `address` lies in the subnet `cidr` (`10.0.0.7/24`). */
export function inSubnet(address: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/')
  const a = bareAddress(address)
  const family = familyOf(a)
  if (!net || bits === undefined || family === undefined || familyOf(net) !== family) return false
  const prefix = Number(bits)
  if (!Number.isInteger(prefix)) return false
  const b = new BlockList()
  try {
    b.addSubnet(net, prefix, family)
  } catch {
    return false
  }
  return b.check(a, family)
}

/**
 * Where this computer is relative to a server, as far as the addresses tell:
 * - `same-subnet`: one of this computer's interfaces is in the server's subnet (a LAN or the cloud VPC);
 * - `private-route`: the server's address is private, so this computer reaches it over a private
 *   network (a VPN, a routed LAN): inside as well;
 * - `public`: a public address outside every local subnet: this computer looks at it from outside;
 * - `unknown`: the address is a name that did not resolve, or not an address at all.
 */
export type Vantage = 'same-subnet' | 'private-route' | 'loopback' | 'public' | 'unknown'

/** Classifies one server address (already resolved to an IP when it was a name). */
export function vantageOf(serverAddress: string | undefined, locals: readonly LocalInterface[]): Vantage {
  if (serverAddress === undefined) return 'unknown'
  const a = bareAddress(serverAddress)
  if (familyOf(a) === undefined) return 'unknown'
  if (isLoopbackAddress(a)) return 'loopback'
  if (locals.some((l) => !l.internal && l.cidr !== null && inSubnet(a, l.cidr))) return 'same-subnet'
  if (isPrivateAddress(a)) return 'private-route'
  return 'public'
}

/** True when a vantage means this computer is inside the servers' network. */
export function isInside(vantage: Vantage): boolean {
  return vantage === 'same-subnet' || vantage === 'private-route' || vantage === 'loopback'
}
