import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dockerUserCovers, inputOutcome, parseIptablesRules } from './iptables'
import { parseDockerPs } from './parsers'
import type { ProbeOutput } from './probe'
import { evaluateHost, exposedPrivateBindings, type ServerRef } from './rules'

// Captured on a lab host (real iptables-nft 1.8.9, dockerd, ufw): two containers publish 8080 and
// 5050 on 0.0.0.0; ufw allows 22 and 9200 from anywhere, 9100 from one host, denies 8080; a
// DOCKER-USER rule drops 8080 from everyone but 198.51.100.2 (see capture notes in the test below).
const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', 'iptables', name), 'utf8')
const S = fixture('ufw-docker-user-8080.iptables-S.txt')
const SAVE = fixture('ufw-docker-user-8080.iptables-save.txt')
const DOCKER_ONLY = fixture('docker-only.iptables-S.txt')
const PS = fixture('ufw-docker-user-8080.docker-ps.txt')
const UFW = fixture('ufw-docker-user-8080.ufw-status.txt')

const sec = (out: string, rc = 0) => ({ rc, out, err: '' })
const probe = (sections: ProbeOutput['sections']): ProbeOutput => ({ probe: 1, role: 'ml', sections })
const ml: ServerRef = { id: 'ml1', name: 'gpu-1', role: 'ml', user: 'tester', address: '10.0.0.5' }
const network: ServerRef = { ...ml, id: 'net', name: 'net', role: 'network' }
const one = (p: ProbeOutput, id: 'firewall.state' | 'firewall.docker-bypass', server = ml) =>
  evaluateHost(p, { server, models: [], gpuTestImage: 'i' }, [id])[0]

describe('iptables reader on real output', () => {
  it('reads -S and iptables-save the same way', () => {
    for (const text of [S, SAVE]) {
      const r = parseIptablesRules(text)
      expect(r.policies.get('INPUT')).toBe('DROP')
      expect(r.chains.get('DOCKER-USER')?.map((x) => x.target)).toEqual(['ACCEPT', 'DROP', 'RETURN'])
      expect(r.chains.get('ufw-user-input')?.length).toBe(4)
    }
  })

  it('decides per published port: the DOCKER-USER rule covers 8080 and not 5050', () => {
    for (const text of [S, SAVE]) {
      const r = parseIptablesRules(text)
      expect(dockerUserCovers(r, { hostPort: 8080, containerPort: 8080, proto: 'tcp' })).toBe(true)
      expect(dockerUserCovers(r, { hostPort: 5050, containerPort: 5050, proto: 'tcp' })).toBe(false)
      // The rule matches tcp only.
      expect(dockerUserCovers(r, { hostPort: 8080, containerPort: 8080, proto: 'udp' })).toBe(false)
    }
    // Docker's own chains alone (DOCKER-USER is just RETURN) cover nothing.
    expect(
      dockerUserCovers(parseIptablesRules(DOCKER_ONLY), {
        hostPort: 8080,
        containerPort: 8080,
        proto: 'tcp',
      }),
    ).toBe(false)
  })

  it('follows ufw through INPUT: 22 and 9200 open to anyone, 9100 only to one host, the rest dropped', () => {
    const r = parseIptablesRules(S)
    expect(inputOutcome(r, 'tcp', 22)).toBe('accept')
    expect(inputOutcome(r, 'tcp', 9200)).toBe('accept')
    expect(inputOutcome(r, 'tcp', 9100)).toBe('drop')
    expect(inputOutcome(r, 'tcp', 8080)).toBe('drop')
    expect(inputOutcome(r, 'tcp', 1)).toBe('drop')
    expect(inputOutcome(parseIptablesRules(DOCKER_ONLY), 'tcp', 1)).toBe('accept')
  })

  it('understands allow-lists, conntrack origin ports, multiport ranges, jumps and goto', () => {
    const rules = parseIptablesRules(
      [
        '-P FORWARD DROP',
        '-N DOCKER-USER',
        '-N GHW',
        '-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j RETURN',
        '-A DOCKER-USER -s 10.0.0.0/8 -j RETURN',
        '-A DOCKER-USER -m set --match-set allowed src -j RETURN',
        '-A DOCKER-USER -p tcp -m conntrack --ctorigdstport 5050 -j DROP',
        '-A DOCKER-USER -p tcp -m multiport --dports 9100,9200:9210 -g GHW',
        '-A DOCKER-USER -p udp --dport 30303 -m comment --comment "bridge p2p" -j DROP',
        '-A DOCKER-USER -p tcp --dport 26657 -m recent --name x --rcheck -j DROP',
        '-A DOCKER-USER -j RETURN',
        '-A GHW -i lo -j ACCEPT',
        '-A GHW -j REJECT --reject-with tcp-reset',
      ].join('\n'),
    )
    const covers = (hostPort: number, containerPort = hostPort, proto: 'tcp' | 'udp' = 'tcp') =>
      dockerUserCovers(rules, { hostPort, containerPort, proto })
    expect(covers(5050, 5000)).toBe(true) // matched by the host port the client used
    expect(covers(9100)).toBe(true)
    expect(covers(9205)).toBe(true)
    expect(covers(30303, 30303, 'udp')).toBe(true)
    expect(covers(30303)).toBe(false)
    // A rule the reader does not understand never counts as a block.
    expect(covers(26657)).toBe(false)
    expect(covers(8080)).toBe(false)
  })
})

describe('firewall.docker-bypass', () => {
  const base = { docker_ps: sec(PS), ufw: sec(UFW) }

  it('names the published port the DOCKER-USER rules leave open and the one they cover', () => {
    const r = one(probe({ ...base, iptables: sec(S) }), 'firewall.docker-bypass')
    expect(r).toMatchObject({
      status: 'warn',
      messageKey: 'checks.firewall.docker-bypass.msg.partly',
      messageValues: {
        ports: '5050/tcp (lab-fault-publish-5050)',
        covered: '8080/tcp (lab-fault-publish-8080)',
      },
    })
    expect(r?.fix?.command).toBe(
      'sudo iptables -I DOCKER-USER -p tcp --dport 5050 ! -s <allowed-address> -j DROP',
    )
  })

  it('passes only when every exposed private port is covered', () => {
    const onlyCovered =
      'lab-fault-publish-8080\tlab/busybox:1\t0.0.0.0:8080->8080/tcp, 127.0.0.1:9200->9200/tcp\n'
    expect(
      one(probe({ ...base, docker_ps: sec(onlyCovered), iptables: sec(S) }), 'firewall.docker-bypass'),
    ).toMatchObject({
      status: 'pass',
      messageKey: 'checks.firewall.docker-bypass.msg.restricted',
    })
    // Any DOCKER-USER rule at all used to pass; Docker's RETURN alone must not.
    expect(one(probe({ ...base, iptables: sec(DOCKER_ONLY) }), 'firewall.docker-bypass')).toMatchObject({
      status: 'warn',
      messageKey: 'checks.firewall.docker-bypass.msg.bypassUfw',
    })
    expect(one(probe({ ...base, iptables: sec('', 1) }), 'firewall.docker-bypass')).toMatchObject({
      status: 'warn',
      messageKey: 'checks.firewall.docker-bypass.msg.unreadable',
    })
  })

  it('counts bindings on every or a public address, not loopback or private ones; 30303 tcp and udp', () => {
    const ps = parseDockerPs(
      [
        'api\tgonka/api\t127.0.0.1:9200->9200/tcp, 0.0.0.0:9100->9100/tcp, :::9100->9100/tcp',
        'inference\tnginx\t10.1.2.3:5050->5000/tcp, 203.0.113.7:8080->8080/tcp',
        'bridge\tgonka/bridge\t0.0.0.0:30303->30303/tcp, 0.0.0.0:30303->30303/udp',
        'proxy\tgonka/proxy\t0.0.0.0:8000->80/tcp',
      ].join('\n'),
    )
    expect(exposedPrivateBindings(ps).map((b) => `${b.hostPort}/${b.proto}>${b.containerPort}`)).toEqual([
      '9100/tcp>9100',
      '8080/tcp>8080',
      '30303/tcp>30303',
      '30303/udp>30303',
    ])
  })
})

describe('firewall.state', () => {
  it('passes when the firewall drops by default and no private port is open to anyone', () => {
    const r = one(probe({ ufw: sec(UFW), iptables: sec(S), firewalld: sec('', 127) }), 'firewall.state')
    expect(r).toMatchObject({
      status: 'pass',
      messageKey: 'checks.firewall.state.msg.active',
      messageValues: { name: 'ufw' },
    })
  })

  it('warns when a private port is allowed from anywhere (ufw allow 9200)', () => {
    const r = one(
      probe({ ufw: sec(UFW), iptables: sec(S), firewalld: sec('', 127) }),
      'firewall.state',
      network,
    )
    expect(r).toMatchObject({
      status: 'warn',
      messageKey: 'checks.firewall.state.msg.allowsPrivate',
      messageValues: { ports: '9200' },
    })
    expect(r?.fix?.command).toBe('sudo ufw delete allow 9200/tcp')
  })

  it('does not pass on Docker rules alone: nothing drops by default', () => {
    const r = one(
      probe({ ufw: sec('Status: inactive'), iptables: sec(DOCKER_ONLY), firewalld: sec('', 127) }),
      'firewall.state',
    )
    expect(r).toMatchObject({ status: 'warn', messageKey: 'checks.firewall.state.msg.none' })
  })

  it('passes a hand-written default-deny iptables firewall and flags a private port it opens', () => {
    const ipt = [
      '-P INPUT DROP',
      '-A INPUT -i lo -j ACCEPT',
      '-A INPUT -p tcp --dport 22 -j ACCEPT',
      '-A INPUT -p tcp --dport 8080 -j ACCEPT',
    ].join('\n')
    const r = one(probe({ ufw: sec('', 127), iptables: sec(ipt), firewalld: sec('', 127) }), 'firewall.state')
    expect(r).toMatchObject({
      status: 'warn',
      messageKey: 'checks.firewall.state.msg.allowsPrivate',
      messageValues: { name: 'iptables', ports: '8080' },
    })
    const closed = ipt.replace(/\n-A INPUT -p tcp --dport 8080 -j ACCEPT/, '')
    expect(
      one(probe({ ufw: sec('', 127), iptables: sec(closed), firewalld: sec('', 127) }), 'firewall.state'),
    ).toMatchObject({
      status: 'pass',
      messageValues: { name: 'iptables' },
    })
  })

  it('reads firewalld open ports', () => {
    const r = one(
      probe({
        ufw: sec('', 127),
        iptables: sec('', 1),
        firewalld: sec('running'),
        firewalld_ports: sec('5000/tcp 8000-8100/tcp 5050/tcp'),
      }),
      'firewall.state',
    )
    expect(r).toMatchObject({ status: 'warn', messageValues: { name: 'firewalld', ports: '5050, 8080' } })
  })
})

describe('fix commands quote every value', () => {
  const hostile = fc.oneof(
    fc.string(),
    fc.constantFrom(
      "a'b",
      '$(touch /tmp/pwned)',
      '`id`',
      'x; rm -rf /',
      'a b',
      '"q"',
      '\\',
      '\n',
      '*',
      '~root',
      '-rf',
    ),
  )
  /** What POSIX sh would parse the line into, when it is a simple command of quoted words. */
  const shWords = (line: string): string[] | undefined => {
    const out: string[] = []
    let i = 0
    while (i < line.length) {
      if (line[i] === ' ') {
        i++
        continue
      }
      let word = ''
      while (i < line.length && line[i] !== ' ') {
        const ch = line[i] as string
        if (ch === "'") {
          const end = line.indexOf("'", i + 1)
          if (end < 0) return undefined
          word += line.slice(i + 1, end)
          i = end + 1
        } else if (ch === '\\') {
          word += line[i + 1] ?? ''
          i += 2
        } else if (/[A-Za-z0-9_@%+=:,./-]/.test(ch)) {
          word += ch
          i++
        } else return undefined // an unquoted shell metacharacter
      }
      out.push(word)
    }
    return out
  }

  it('user, paths and image names reach the command as single words', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (user, path, image) => {
        fc.pre(!user.includes('\0') && !path.includes('\0') && !image.includes('\0'))
        const server = { ...ml, user }
        const results = evaluateHost(
          probe({
            docker_version: sec('', 1),
            hf_path: sec(path),
            hf_write: sec('exists not-writable', 1),
            df_deploy: sec(
              `Filesystem 1B-blocks Used Available Capacity Mounted on\n/dev/sda1 100 90 10 90% ${path}`,
            ),
            deploy_path: sec('/x'),
            docker_runtimes: sec('{"nvidia":{}}'),
            gpu_run: sec(`image-absent ${image}`, 125),
          }),
          { server: { ...server, role: 'ml' }, models: [], gpuTestImage: image },
          ['docker.access', 'hf.cache', 'gpu.toolkit'],
        )
        const hf = results.find((r) => r.checkId === 'hf.cache')
        const [mkdir, chown] = (hf?.fix?.command ?? '').split(' && ')
        expect(shWords(mkdir ?? '')).toEqual(['sudo', 'mkdir', '-p', path.trim()])
        expect(shWords(chown ?? '')).toEqual(['sudo', 'chown', user, path.trim()])
      }),
      { numRuns: 300 },
    )
  })
})
