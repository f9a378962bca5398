import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { SecretPrompt } from '../../shared/ops/ssh'
import { AppFailure } from '../errors'
import { SshPool } from './pool'
import { SecretBroker } from './secret-broker'
import { describeSshd } from '../../test-support/sshd-guard'
import { startTestSshd, type TestSshd } from '../../test-support/test-sshd'
import { HostKeyTrust } from './trust'
import type { HostTarget } from './types'

let first: TestSshd
let second: TestSshd
let work: string

describeSshd('held passwords against two real sshds', () => {
  beforeAll(async () => {
    ;[first, second] = await Promise.all([startTestSshd(), startTestSshd()])
    work = mkdtempSync(join(tmpdir(), 'ghw-broker-'))
  })
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()])
    rmSync(work, { recursive: true, force: true })
  })

  it('a password given for one server is never sent when that server is edited to another address', async () => {
    const knownHosts = join(work, 'known_hosts')
    writeFileSync(
      knownHosts,
      `[127.0.0.1]:${first.port} ${first.publicKeyLine()}\n[127.0.0.1]:${second.port} ${second.publicKeyLine()}\n`,
    )
    const broker = new SecretBroker()
    const shown: SecretPrompt[] = []
    // The user types the first server's password once; every later prompt is declined.
    let typed = false
    broker.attach('ml1', (prompt) => {
      shown.push(prompt)
      const value = typed ? undefined : first.password
      typed = true
      queueMicrotask(() => broker.answer(prompt.promptId, value === undefined ? undefined : { value }))
    })
    // Had the held password been offered, the failure would name `password` among the tried methods.
    const pool = new SshPool({ trust: new HostKeyTrust(undefined, [knownHosts]), secrets: broker })
    try {
      const before: HostTarget = {
        id: 'ml1',
        host: '127.0.0.1',
        port: first.port,
        user: 'tester',
        auth: 'password',
      }
      expect((await pool.exec(before, ['id', '-un'])).stdout).toBe('tester\n')
      expect(broker.heldPassword(before)).toBe(first.password)

      // The same server id, edited to point at another host.
      const after: HostTarget = { ...before, port: second.port }
      const failure = await pool.connect(after).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(AppFailure)
      expect((failure as AppFailure).code).toBe('AUTH_FAILED')
      // No password went out: the user was asked for the new address (and declined).
      expect((failure as AppFailure).details?.triedMethods).not.toMatch(/password/)
      expect(shown[0]).toMatchObject({ port: first.port, kind: 'password' })
      expect(shown[1]).toMatchObject({ port: second.port, kind: 'password' })
      expect(shown.slice(1).every((p) => p.port === second.port)).toBe(true)
    } finally {
      await pool.dispose()
    }
  })
})
