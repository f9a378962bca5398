import { describe, expect, it } from 'vitest'
import { candidatesFromSshConfig, parseJumpSpec } from './ssh-config-import'

const CONFIG = `
Host bastion-free
  HostName 10.0.0.9
  User first

Host net
  HostName 10.0.0.5
  Port 2222
  IdentityFile ~/.ssh/gonka_ed25519

Host ml1 ml1-alias
  HostName 10.0.0.11
  User root
  ProxyJump net

Host ml2
  HostName 10.0.0.12
  ProxyJump admin@bastion.example:2200,net

Host *.internal !skip.internal
  User ops

Match exec "touch /tmp/ghw-must-not-exist"
  User pwned

Host *
  User deploy
  ServerAliveInterval 30
`

describe('importSshConfig', () => {
  const candidates = candidatesFromSshConfig(CONFIG, '/home/u')
  const byAlias = (alias: string) => candidates.find((c) => c.alias === alias)

  it('lists concrete aliases only, not patterns', () => {
    expect(candidates.map((c) => c.alias)).toEqual(['bastion-free', 'net', 'ml1', 'ml1-alias', 'ml2'])
  })

  it('applies HostName, Port, IdentityFile (home expanded) and Host * defaults', () => {
    expect(byAlias('net')).toEqual({
      alias: 'net',
      address: '10.0.0.5',
      port: 2222,
      user: 'deploy',
      keyPath: '/home/u/.ssh/gonka_ed25519',
      jumps: [],
    })
    // First obtained value wins, as in ssh: ml1's own User beats the Host * at the end.
    expect(byAlias('ml1')?.user).toBe('root')
    expect(byAlias('bastion-free')?.user).toBe('first')
  })

  it('resolves ProxyJump chains, through aliases and user@host:port', () => {
    expect(byAlias('ml1')?.jumps).toEqual([{ alias: 'net', address: '10.0.0.5', port: 2222, user: 'deploy' }])
    expect(byAlias('ml2')?.jumps).toEqual([
      { address: 'bastion.example', port: 2200, user: 'admin' },
      { alias: 'net', address: '10.0.0.5', port: 2222, user: 'deploy' },
    ])
  })

  it('never runs Match exec commands', async () => {
    const { existsSync } = await import('node:fs')
    expect(existsSync('/tmp/ghw-must-not-exist')).toBe(false)
  })

  it('parses jump specs including IPv6', () => {
    expect(parseJumpSpec('[2001:db8::1]:2222')).toEqual({ host: '2001:db8::1', port: 2222 })
    expect(parseJumpSpec('bob@h')).toEqual({ user: 'bob', host: 'h' })
  })
})
