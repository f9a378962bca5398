/**
 * A small reader of the filter table as `iptables -S` or `iptables-save` prints it, and an evaluator
 * that walks a chain for one kind of packet: a new connection from an arbitrary internet address.
 * Pure; tested on real output captured on the lab hosts (ufw, Docker and hand-written rules).
 *
 * The evaluator answers "would this packet be dropped?" and is pessimistic where it cannot tell: a
 * rule with a match it does not understand may ACCEPT (or RETURN) but never counts as a DROP, so an
 * unknown rule can only make the answer "not blocked", never a false "blocked".
 */

/** One `-A` rule: its chain, target (or goto), and its match options in order. */
export interface IptRule {
  readonly chain: string
  /** `-j` target (ACCEPT, DROP, a user chain...) or `-g` goto chain; empty when the rule has none. */
  readonly target: string
  readonly goto: boolean
  readonly options: readonly IptOption[]
}

/** One match option: its name, whether it was negated with `!`, and its values. */
export interface IptOption {
  readonly name: string
  readonly negated: boolean
  readonly values: readonly string[]
}

/** The filter table: built-in chain policies and the rules of every chain, in order. */
export interface IptRuleset {
  readonly policies: ReadonlyMap<string, string>
  readonly chains: ReadonlyMap<string, readonly IptRule[]>
}

/** Splits one line into words; double-quoted words (iptables-save comments) keep their spaces. */
function words(line: string): string[] {
  const out: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (let m = re.exec(line); m; m = re.exec(line))
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : (m[2] ?? ''))
  return out
}

/**
 * Parses `iptables -S` or `iptables-save` output. From iptables-save only the `*filter` table is
 * read; `-S` prints only the filter table already.
 */
export function parseIptablesRules(text: string): IptRuleset {
  const policies = new Map<string, string>()
  const chains = new Map<string, IptRule[]>()
  let table = 'filter'
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line.startsWith('*')) {
      table = line.slice(1)
      continue
    }
    if (table !== 'filter' || line === '' || line.startsWith('#') || line === 'COMMIT') continue
    const w = words(line)
    if (w[0] === '-P' && w[1] && w[2]) {
      policies.set(w[1], w[2])
      if (!chains.has(w[1])) chains.set(w[1], [])
    } else if (w[0] === '-N' && w[1]) {
      if (!chains.has(w[1])) chains.set(w[1], [])
    } else if (line.startsWith(':')) {
      // iptables-save: `:CHAIN POLICY [packets:bytes]`, policy `-` for user chains.
      const [name, policy] = line.slice(1).split(/\s+/)
      if (!name) continue
      if (policy && policy !== '-') policies.set(name, policy)
      if (!chains.has(name)) chains.set(name, [])
    } else if (w[0] === '-A' && w[1]) {
      const chain = w[1]
      const options: IptOption[] = []
      let target = ''
      let goto = false
      let negated = false
      for (let i = 2; i < w.length; i++) {
        const word = w[i] ?? ''
        if (word === '!') {
          negated = true
          continue
        }
        if (!word.startsWith('-')) continue
        const values: string[] = []
        while (i + 1 < w.length && !(w[i + 1] ?? '').startsWith('-') && w[i + 1] !== '!')
          values.push(w[++i] ?? '')
        if ((word === '-j' || word === '--jump' || word === '-g' || word === '--goto') && values[0]) {
          target = values[0]
          goto = word === '-g' || word === '--goto'
          // Target options (--reject-with, --log-prefix ...) follow; they are not matches.
          break
        }
        options.push({ name: word, negated, values })
        negated = false
      }
      const list = chains.get(chain) ?? []
      list.push({ chain, target, goto, options })
      chains.set(chain, list)
    }
  }
  return { policies, chains }
}

/** The packet the evaluator follows: a new connection from an arbitrary address on the internet. */
export interface ProbePacket {
  readonly proto: 'tcp' | 'udp'
  /** Destination port as the chain sees it (after Docker's DNAT: the container's port). */
  readonly dport: number
  /** The port the client asked for before DNAT (conntrack `--ctorigdstport`); defaults to dport. */
  readonly origDport?: number
  /** `LOCAL` when addressed to the host itself (INPUT); forwarded packets are only `UNICAST`. */
  readonly dstTypes: readonly string[]
}

type Tri = 'yes' | 'no' | 'maybe'

const ANY_ADDRESS = /^(0\.0\.0\.0\/0|::\/0)$/

function inPorts(spec: string, port: number): boolean {
  return spec.split(',').some((part) => {
    const [a, b] = part.split(':')
    const lo = a === '' || a === undefined ? 0 : Number(a)
    const hi = b === undefined ? lo : b === '' ? 65535 : Number(b)
    return Number.isFinite(lo) && Number.isFinite(hi) && port >= lo && port <= hi
  })
}

// Options that never change whether a rule matches our packet (modules, comments, rate limits).
const NEUTRAL = new Set(['-m', '--match', '--comment', '--limit', '--limit-burst', '-w', '--wait'])

function matchOption(o: IptOption, p: ProbePacket): Tri {
  const v = o.values[0] ?? ''
  let r: Tri
  switch (o.name) {
    case '-p':
    case '--protocol':
      r = v === 'all' || v === p.proto || v === (p.proto === 'tcp' ? '6' : '17') ? 'yes' : 'no'
      break
    case '-s':
    case '--source':
      // A named source matches some addresses, not "anyone": it is an allow- or a block-list.
      r = v.split(',').some((a) => ANY_ADDRESS.test(a)) ? 'yes' : 'no'
      break
    case '-d':
    case '--destination':
    case '--ctorigdst':
      if (v.split(',').some((a) => ANY_ADDRESS.test(a))) r = 'yes'
      else if (/^(22[4-9]|23\d)\.|^255\.255\.255\.255/.test(v)) r = 'no'
      else r = 'maybe'
      break
    case '-i':
    case '--in-interface':
      // The internet never arrives on loopback; any other named interface may be the public one.
      if (v !== 'lo' && o.negated) return 'maybe'
      r = v === 'lo' ? 'no' : 'yes'
      break
    case '-o':
    case '--out-interface':
      // After DNAT a published port's packet leaves on a Docker bridge.
      if (!/^(docker\d+|br-[0-9a-f]+)$/.test(v)) return 'maybe'
      r = 'yes'
      break
    case '--dport':
    case '--destination-port':
    case '--dports':
    case '--destination-ports':
      r = inPorts(v, p.dport) ? 'yes' : 'no'
      break
    case '--ctorigdstport':
      r = inPorts(v, p.origDport ?? p.dport) ? 'yes' : 'no'
      break
    case '--sport':
    case '--source-port':
    case '--sports':
    case '--source-ports':
      // The sender picks its own source port.
      return 'maybe'
    case '--ctstate':
    case '--state':
      r = v.split(',').includes('NEW') ? 'yes' : 'no'
      break
    case '--dst-type':
      r = p.dstTypes.includes(v) ? 'yes' : 'no'
      break
    case '--src-type':
      r = v === 'UNICAST' ? 'yes' : 'no'
      break
    case '--match-set':
      // `--match-set NAME src`: membership in a named list, not "anyone".
      if (o.values[1]?.split(',')[0] === 'src') r = 'no'
      else return 'maybe'
      break
    case '--syn':
      r = p.proto === 'tcp' ? 'yes' : 'no'
      break
    default:
      return NEUTRAL.has(o.name) ? 'yes' : 'maybe'
  }
  if (!o.negated) return r
  return r === 'yes' ? 'no' : r === 'no' ? 'yes' : 'maybe'
}

function matchRule(rule: IptRule, p: ProbePacket): Tri {
  let out: Tri = 'yes'
  for (const o of rule.options) {
    const r = matchOption(o, p)
    if (r === 'no') return 'no'
    if (r === 'maybe') out = 'maybe'
  }
  return out
}

/** What a chain does with the packet: accept it, drop (or reject) it, or return to its caller. */
export type ChainOutcome = 'accept' | 'drop' | 'return'

/** Walks `chain` for the packet (following jumps), ending in its policy for built-in chains. */
export function evaluateChain(ruleset: IptRuleset, chain: string, packet: ProbePacket): ChainOutcome {
  const walk = (name: string, depth: number): ChainOutcome => {
    if (depth > 32) return 'accept'
    for (const rule of ruleset.chains.get(name) ?? []) {
      const m = matchRule(rule, packet)
      if (m === 'no') continue
      const t = rule.target
      if (t === 'ACCEPT') return 'accept'
      if (t === 'DROP' || t === 'REJECT') {
        if (m === 'yes') return 'drop'
        continue
      }
      if (t === 'RETURN') return 'return'
      if (ruleset.chains.has(t)) {
        const r = walk(t, depth + 1)
        if (r === 'drop' && m !== 'yes') continue
        if (r !== 'return') return r
        if (rule.goto) return 'return'
      }
      // LOG, NFLOG, MARK and other non-terminal targets: go on.
    }
    const policy = ruleset.policies.get(name)
    if (policy === 'DROP' || policy === 'REJECT') return 'drop'
    if (policy === 'ACCEPT') return 'accept'
    return 'return'
  }
  return walk(chain, 0)
}

/** A port a container publishes, as the DOCKER-USER decision needs it. */
export interface PublishedBinding {
  readonly hostPort: number
  readonly containerPort: number
  readonly proto: 'tcp' | 'udp'
}

/**
 * Whether the DOCKER-USER chain drops a new connection from the internet to this published port.
 * Docker sends published traffic through FORWARD after DNAT and jumps to DOCKER-USER first; when
 * DOCKER-USER returns, Docker's own chains accept it. So the port is covered only by a DROP here.
 */
export function dockerUserCovers(ruleset: IptRuleset, binding: PublishedBinding): boolean {
  if (!ruleset.chains.has('DOCKER-USER')) return false
  return (
    evaluateChain(ruleset, 'DOCKER-USER', {
      proto: binding.proto,
      dport: binding.containerPort,
      origDport: binding.hostPort,
      dstTypes: ['UNICAST'],
    }) === 'drop'
  )
}

/** What the INPUT chain does with a new connection from the internet to a port of the host itself. */
export function inputOutcome(ruleset: IptRuleset, proto: 'tcp' | 'udp', port: number): ChainOutcome {
  return evaluateChain(ruleset, 'INPUT', { proto, dport: port, dstTypes: ['LOCAL', 'UNICAST'] })
}
