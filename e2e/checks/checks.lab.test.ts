import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  blockPort,
  enableUfw,
  labHost,
  lowMemory,
  publishPrivatePort,
  removeComposePlugin,
  rootExec,
  smallDisk,
  stopDocker,
  type Lab,
  type Undo,
} from '../lab'
import { describeLab } from '../lab/require-lab'
import { CHECK_IDS, type CheckId, type CheckResult } from '../../electron/shared/checks'
import type { Profile, Server } from '../../electron/shared/profile'
import { SshPool } from '../../electron/core/ssh/pool'
import { HostKeyTrust } from '../../electron/core/ssh/trust'
import { runChecksOnProfile } from '../../electron/core/checks/runner'
import { labServer } from '../../electron/test-support/lab-setup'

const noSecrets = {
  password: () => Promise.resolve(undefined),
  passphrase: () => Promise.resolve(undefined),
  keyboardInteractive: () => Promise.resolve(undefined),
}

/** A split profile over lab hosts: `net` as the network node, the rest as ML nodes. */
function labProfile(lab: Lab, ml: readonly string[]): Profile {
  const server = (name: string, role: Server['role']): Server => labServer(labHost(lab, name), role)
  const now = new Date().toISOString()
  return {
    schemaVersion: 1,
    id: 'lab',
    name: 'lab',
    topology: 'split',
    servers: [server('net', 'network'), ...ml.map((n) => server(n, 'ml'))],
    createdAt: now,
    updatedAt: now,
  }
}

describeLab('prerequisite and network checks on the lab', (lab) => {
  let pool: SshPool
  beforeAll(() => {
    pool = new SshPool({ trust: new HostKeyTrust(undefined, [lab().knownHostsPath]), secrets: noSecrets })
  })
  afterAll(() => pool.dispose())

  const run = async (ml: readonly string[], checkIds?: readonly CheckId[]) => {
    const out = await runChecksOnProfile({
      profile: labProfile(lab(), ml),
      executor: pool,
      models: [{ id: 'test/one-h100', vramGb: 80 }],
      modelSource: 'input',
      ...(checkIds ? { checkIds } : {}),
    })
    return (host: string, id: CheckId): CheckResult => {
      const r = out.results.find((x) => x.serverId === host && x.checkId === id)
      if (!r)
        throw new Error(
          `no ${id} result for ${host}: ${JSON.stringify(out.results.map((x) => `${x.serverId}:${x.checkId}`))}`,
        )
      return r
    }
  }
  const withFault = async (inject: () => Promise<Undo>, body: () => Promise<void>): Promise<void> => {
    const undo = await inject()
    try {
      await body()
    } finally {
      await undo()
    }
  }

  it('a clean lab passes Docker, Compose v2, access, GPU and the paths between hosts', async () => {
    const get = await run(['ml1'])
    for (const host of ['net', 'ml1']) {
      for (const id of [
        'ssh.connect',
        'docker.engine',
        'docker.access',
        'docker.compose',
        'tools.git',
        'ports.free',
        // No time service answers in the lab hosts: their clock is compared with this machine's.
        'clock.sync',
      ] as const) {
        expect(get(host, id).status, `${host} ${id}: ${get(host, id).message}`).toBe('pass')
      }
    }
    for (const id of ['gpu.driver', 'net.callback', 'net.inference', 'net.poc'] as const) {
      expect(get('ml1', id).status, `${id}: ${get('ml1', id).message}`).toBe('pass')
    }
  })

  /** Listening TCP ports on a lab host, and the listeners' flag files left in its /tmp. */
  const leftovers = async (host: string): Promise<{ ports: number[]; flags: string }> => {
    const h = labHost(lab(), host)
    const tcp = await rootExec(h, ['cat', '/proc/net/tcp'])
    const ports = tcp.stdout
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && f[1] !== undefined)
      .map((f) => parseInt((f[1] ?? '').split(':')[1] ?? '0', 16))
    const flags = await rootExec(h, ['sh', '-c', 'ls /tmp | grep ghw-listen || true'])
    return { ports, flags: flags.stdout.trim() }
  }

  it('leaves no temporary listener behind, after a full run and after a cancelled one', async () => {
    await run(['ml1'])
    for (const [host, ports] of [
      ['net', [9100]],
      ['ml1', [5050, 8080]],
    ] as const) {
      const left = await leftovers(host)
      expect(
        left.ports.filter((p) => (ports as readonly number[]).includes(p)),
        host,
      ).toEqual([])
      expect(left.flags, host).toBe('')
    }
    // Cancelled while the probes (which start the listeners) run: the listeners are still stopped.
    const controller = new AbortController()
    const cancelled = runChecksOnProfile({
      profile: labProfile(lab(), ['ml1']),
      executor: pool,
      models: [],
      modelSource: 'none',
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(), 300)
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' })
    for (const host of ['net', 'ml1']) {
      const left = await leftovers(host)
      expect(
        left.ports.filter((p) => [9100, 5050, 8080].includes(p)),
        host,
      ).toEqual([])
      expect(left.flags, host).toBe('')
    }
  })

  it('returns results grouped by server in profile order, checks in catalogue order', async () => {
    const out = await runChecksOnProfile({
      profile: labProfile(lab(), ['ml2', 'ml1']),
      executor: pool,
      models: [],
      modelSource: 'none',
    })
    const servers = out.results.map((r) => r.serverId).filter((id, i, all) => all[i - 1] !== id)
    expect(servers).toEqual(['net', 'ml2', 'ml1'])
    for (const host of servers) {
      const ids = out.results.filter((r) => r.serverId === host).map((r) => CHECK_IDS.indexOf(r.checkId))
      expect(ids, host).toEqual([...ids].sort((a, b) => a - b))
    }
  })

  it('9100 on net blocked from ml1 fails net.callback on ml1 with the allow rule as fix', async () => {
    await withFault(
      () => blockPort(lab(), 'net', { port: 9100, from: ['ml1'] }),
      async () => {
        const get = await run(['ml1'], ['net.callback', 'net.inference'])
        expect(get('ml1', 'net.callback')).toMatchObject({
          status: 'fail',
          messageKey: 'checks.net.callback.msg.blocked',
        })
        expect(get('ml1', 'net.callback').fix?.command).toContain(
          `allow from ${labHost(lab(), 'ml1').address} to any port 9100`,
        )
        expect(get('ml1', 'net.inference').status).toBe('pass')
      },
    )
  })

  it('compose v2 removed fails docker.compose with the plugin install fix', async () => {
    await withFault(
      () => removeComposePlugin(lab(), 'ml1'),
      async () => {
        const r = (await run(['ml1'], ['docker.compose']))('ml1', 'docker.compose')
        expect(r.status).toBe('fail')
        expect(r.fix?.command).toContain('docker-compose-plugin')
      },
    )
  })

  it('dockerd stopped fails docker.engine with the start fix', async () => {
    await withFault(
      () => stopDocker(lab(), 'ml1'),
      async () => {
        const r = (await run(['ml1'], ['docker.engine']))('ml1', 'docker.engine')
        expect(r).toMatchObject({ status: 'fail', messageKey: 'checks.docker.engine.msg.notRunning' })
      },
    )
  })

  it('a small disk under the deployment folder fails disk.free', async () => {
    const home = `/home/${labHost(lab(), 'net').user}/gonka`
    await withFault(
      () => smallDisk(lab(), 'net', home, 64),
      async () => {
        const r = (await run(['ml1'], ['disk.free']))('net', 'disk.free')
        expect(r).toMatchObject({ status: 'fail', messageKey: 'checks.disk.free.msg.tooLow' })
      },
    )
  })

  it('low memory fails memory.total on the network node', async () => {
    await withFault(
      () => lowMemory(lab(), 'net', 8000),
      async () => {
        const r = (await run(['ml1'], ['memory.total']))('net', 'memory.total')
        expect(r).toMatchObject({ status: 'fail', messageKey: 'checks.memory.total.msg.tooLow' })
      },
    )
  })

  it('8080 published on 0.0.0.0 with ufw active is flagged as bypassing ufw', async () => {
    const undoPublish = await publishPrivatePort(lab(), 'ml1', 8080)
    try {
      await withFault(
        () => enableUfw(lab(), 'ml1', [['deny', '8080/tcp']]),
        async () => {
          const r = (await run(['ml1'], ['firewall.docker-bypass']))('ml1', 'firewall.docker-bypass')
          expect(r).toMatchObject({
            status: 'warn',
            messageKey: 'checks.firewall.docker-bypass.msg.bypassUfw',
          })
          expect(r.fix?.command).toContain('DOCKER-USER -p tcp --dport 8080')
        },
      )
    } finally {
      await undoPublish()
    }
  })

  it('an ML host without nvidia-smi fails gpu.driver with the driver install fix', async () => {
    const noGpu = lab().hosts.find((h) => !h.fakeGpu && h.name !== 'net')
    if (!noGpu) throw new Error('the lab has no host without a fake GPU')
    const r = (await run([noGpu.name], ['gpu.driver']))(noGpu.name, 'gpu.driver')
    expect(r).toMatchObject({ status: 'fail', messageKey: 'checks.gpu.driver.msg.missing' })
    expect(r.fix?.command).toContain('ubuntu-drivers')
  })

  it('a user without the docker group is told how to get access (sudo, or usermod when there is no sudo)', async () => {
    const host = labHost(lab(), 'ml1')
    await withFault(
      async () => {
        // /etc/group is a bind mount inside the host: rewrite it in place (gpasswd renames and fails).
        await rootExec(
          host,
          [
            'sh',
            '-c',
            'cp /etc/group /tmp/group.lab-orig && sed "s/^\\(docker:[^:]*:[^:]*:\\).*/\\1/" /etc/group > /tmp/group.lab-new && cat /tmp/group.lab-new > /etc/group',
          ],
          { check: true },
        )
        return async () => {
          await rootExec(host, ['sh', '-c', 'cat /tmp/group.lab-orig > /etc/group'], { check: true })
        }
      },
      async () => {
        await pool.dispose() // group membership is read at login: a new connection sees the change
        pool = new SshPool({ trust: new HostKeyTrust(undefined, [lab().knownHostsPath]), secrets: noSecrets })
        const r = (await run(['ml1'], ['docker.access']))('ml1', 'docker.access')
        if (lab().sudoMode === 'nopasswd')
          expect(r).toMatchObject({ status: 'pass', messageKey: 'checks.docker.access.msg.sudo' })
        else
          expect(r).toMatchObject({
            status: 'fail',
            fix: { command: `sudo usermod -aG docker ${host.user}` },
          })
      },
    )
    await pool.dispose()
    pool = new SshPool({ trust: new HostKeyTrust(undefined, [lab().knownHostsPath]), secrets: noSecrets })
  })

  it('DOCKER-USER covering 8080 but not 5050: docker-bypass names 5050 only, and passes once both are covered', async () => {
    const undo8080 = await publishPrivatePort(lab(), 'ml1', 8080)
    const undo5050 = await publishPrivatePort(lab(), 'ml1', 5050)
    try {
      await withFault(
        () => blockPort(lab(), 'ml1', { port: 8080, published: true, except: ['net'] }),
        async () => {
          const r = (await run(['ml1'], ['firewall.docker-bypass']))('ml1', 'firewall.docker-bypass')
          expect(r).toMatchObject({ status: 'warn', messageKey: 'checks.firewall.docker-bypass.msg.partly' })
          expect(r.messageValues.ports).toMatch(/^5050\/tcp /)
          expect(r.messageValues.covered).toMatch(/^8080\/tcp /)
          expect(r.fix?.command).toBe(
            'sudo iptables -I DOCKER-USER -p tcp --dport 5050 ! -s <allowed-address> -j DROP',
          )
          await withFault(
            () => blockPort(lab(), 'ml1', { port: 5050, published: true, except: ['net'] }),
            async () => {
              const both = (await run(['ml1'], ['firewall.docker-bypass']))('ml1', 'firewall.docker-bypass')
              expect(both).toMatchObject({
                status: 'pass',
                messageKey: 'checks.firewall.docker-bypass.msg.restricted',
              })
            },
          )
        },
      )
    } finally {
      await undo5050()
      await undo8080()
    }
  }, 180_000)

  it('firewall.state: ufw opening 5050 to anyone and 8080 to net only flags 5050 alone; no firewall warns', async () => {
    const net = labHost(lab(), 'net').address
    await withFault(
      () =>
        enableUfw(lab(), 'ml1', [
          ['allow', '5050/tcp'],
          ['allow', 'from', net, 'to', 'any', 'port', '8080', 'proto', 'tcp'],
        ]),
      async () => {
        const r = (await run(['ml1'], ['firewall.state']))('ml1', 'firewall.state')
        expect(r).toMatchObject({
          status: 'warn',
          messageKey: 'checks.firewall.state.msg.allowsPrivate',
          messageValues: { name: 'ufw', ports: '5050' },
        })
        expect(r.fix?.command).toBe('sudo ufw delete allow 5050/tcp')
      },
    )
    // No firewall at all (the lab's default): Docker's own chains are not a firewall.
    const none = (await run(['ml1'], ['firewall.state']))('ml1', 'firewall.state')
    expect(none).toMatchObject({ status: 'warn', messageKey: 'checks.firewall.state.msg.none' })
  }, 180_000)

  it('outside-in before deployment: a port only the test listener answers is "would be exposed", a real service "exposed", worded for where this computer is', async () => {
    const undo = await publishPrivatePort(lab(), 'ml1', 8080)
    try {
      const runAt = async (desktopLocation?: 'inside' | 'outside') => {
        const out = await runChecksOnProfile({
          profile: labProfile(lab(), ['ml1']),
          executor: pool,
          models: [],
          modelSource: 'none',
          checkIds: ['outside.private'],
          ...(desktopLocation ? { settings: { desktopLocation } } : {}),
        })
        const r = out.results.find((x) => x.serverId === 'ml1' && x.checkId === 'outside.private')
        if (!r) throw new Error('no outside.private result for ml1')
        return r
      }
      // The lab's gateway (this machine) sits in the hosts' /28: inside their network.
      const auto = await runAt()
      const state = (port: number) => auto.paths?.find((p) => p.port === port)?.state
      expect(state(8080)).toBe('exposed')
      expect(state(5050)).toBe('would-be-exposed')
      expect(auto).toMatchObject({
        status: 'warn',
        messageKey: 'checks.outside.private.msg.insideExposed',
        facts: { vantage: 'same-subnet', inside: true, chosen: false },
      })
      expect(auto.fix?.command).toContain(`nc -vz -w 3 ${labHost(lab(), 'ml1').address} 5050`)
      // Told it is outside, the same findings read as the internet's view.
      const outside = await runAt('outside')
      expect(outside).toMatchObject({
        messageKey: 'checks.outside.private.msg.exposedAndWould',
        messageValues: { exposed: '8080', would: '5050' },
      })
      expect(outside.message).toBe(
        'Exposed: a service answers from outside on 8080; would be exposed: nothing blocks 5050.',
      )
    } finally {
      await undo()
    }
  }, 180_000)
})
