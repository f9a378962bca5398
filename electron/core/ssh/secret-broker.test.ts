import { describe, expect, it } from 'vitest'
import type { SecretPrompt } from '../../shared/ops/ssh'
import { connectionKey, SecretBroker } from './secret-broker'
import type { HostTarget } from './types'

const server = (over: Partial<HostTarget> = {}): HostTarget => ({
  id: 'ml1',
  host: '10.0.0.5',
  port: 22,
  user: 'gonka',
  auth: 'password',
  ...over,
})

/** A broker whose prompter answers each prompt with the next of `answers`, recording what it was asked. */
function brokerAnswering(targetIds: readonly string[], answers: (string | undefined)[]) {
  const broker = new SecretBroker()
  const shown: SecretPrompt[] = []
  for (const id of targetIds) {
    broker.attach(id, (prompt) => {
      shown.push(prompt)
      const value = answers.shift()
      queueMicrotask(() => broker.answer(prompt.promptId, value === undefined ? undefined : { value }))
    })
  }
  return { broker, shown }
}

describe('SecretBroker: a held secret belongs to the connection it was given for', () => {
  it('asks once per connection and answers later logins to the same connection from memory', async () => {
    const { broker, shown } = brokerAnswering(['ml1'], ['pw-a'])
    expect(await broker.password(server())).toBe('pw-a')
    expect(await broker.password(server())).toBe('pw-a')
    expect(shown).toHaveLength(1)
    expect(broker.heldPassword(server())).toBe('pw-a')
  })

  it('never offers the password to a changed address, port or user of the same server id: it asks', async () => {
    const { broker, shown } = brokerAnswering(['ml1'], ['pw-a', undefined, undefined, undefined])
    await broker.password(server())
    for (const edited of [
      server({ host: '203.0.113.9' }),
      server({ port: 2222 }),
      server({ user: 'root' }),
    ]) {
      // Declined: the new host gets no password at all, and certainly not the old one.
      expect(await broker.password(edited)).toBeUndefined()
      expect(broker.heldPassword(edited)).toBeUndefined()
    }
    expect(shown.map((p) => `${p.user}@${p.host}:${p.port}`)).toEqual([
      'gonka@10.0.0.5:22',
      'gonka@203.0.113.9:22',
      'gonka@10.0.0.5:2222',
      'root@10.0.0.5:22',
    ])
    // The original connection keeps its own secret.
    expect(broker.heldPassword(server())).toBe('pw-a')
  })

  it('keeps two profiles that reuse the id `ml1` for different hosts apart', async () => {
    const { broker } = brokerAnswering(['ml1'], ['first', 'second'])
    expect(await broker.password(server({ host: '10.0.0.5' }))).toBe('first')
    expect(await broker.password(server({ host: '10.9.9.9' }))).toBe('second')
    expect(broker.heldPassword(server({ host: '10.0.0.5' }))).toBe('first')
    expect(broker.heldPassword(server({ host: '10.9.9.9' }))).toBe('second')
  })

  it('binds a secret to the jump chain too: the same host through another jump host asks again', async () => {
    const jumpA = server({ id: 'bastion', host: '198.51.100.1', user: 'hop' })
    const jumpB = server({ id: 'bastion', host: '198.51.100.2', user: 'hop' })
    const { broker, shown } = brokerAnswering(['ml1'], ['via-a', undefined])
    expect(await broker.password(server({ jump: jumpA }))).toBe('via-a')
    expect(await broker.password(server({ jump: jumpB }))).toBeUndefined()
    expect(await broker.password(server())).toBeUndefined()
    expect(shown).toHaveLength(3)
    expect(connectionKey(server({ jump: jumpA }))).not.toBe(connectionKey(server({ jump: jumpB })))
  })

  it('binds a passphrase to the key file and the connection', async () => {
    const { broker, shown } = brokerAnswering(['ml1'], ['pp', 'pp2'])
    const t = server({ auth: 'key', keyPath: '/k/one' })
    expect(await broker.passphrase(t, '/k/one', false)).toBe('pp')
    expect(await broker.passphrase(t, '/k/one', false)).toBe('pp')
    expect(
      await broker.passphrase(server({ auth: 'key', keyPath: '/k/one', host: 'other' }), '/k/one', false),
    ).toBe('pp2')
    expect(shown).toHaveLength(2)
  })

  it('forgets only the jump host secret when the jump host rejects the login', async () => {
    const jump = server({ id: 'bastion', host: '198.51.100.1', user: 'hop' })
    const target = server({ jump })
    const { broker } = brokerAnswering(['ml1', 'bastion'], ['hop-pw', 'ml-pw'])
    await broker.password(jump)
    await broker.password(target)
    expect(broker.rejected(target, { host: '198.51.100.1', port: 22, user: 'hop' })).toBe(1)
    expect(broker.heldPassword(jump)).toBeUndefined()
    expect(broker.heldPassword(target)).toBe('ml-pw')
    // A rejection by the server itself drops its own password and keeps the jump host's.
    await broker.password(jump).catch(() => undefined)
    expect(broker.rejected(target, { host: '10.0.0.5', port: 22, user: 'gonka' })).toBe(1)
    expect(broker.heldPassword(target)).toBeUndefined()
  })

  it('forget(serverId) drops every secret given for that server, whatever its address was', async () => {
    const { broker } = brokerAnswering(['ml1', 'net'], ['a', 'b', 'c'])
    await broker.password(server())
    await broker.password(server({ host: 'moved' }))
    await broker.password(server({ id: 'net', host: 'n' }))
    expect(broker.forget('ml1')).toBe(2)
    expect(broker.heldPassword(server({ id: 'net', host: 'n' }))).toBe('c')
    expect(broker.forget()).toBe(1)
  })
})
