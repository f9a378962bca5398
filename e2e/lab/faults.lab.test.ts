import { afterEach, expect, it } from 'vitest'
import {
  blockPort,
  canConnect,
  canConnectFrom,
  enableUfw,
  killSshConnections,
  labHost,
  labSsh,
  labSshConnect,
  lowMemory,
  onlyReachableFrom,
  publishPrivatePort,
  removeComposePlugin,
  rootExec,
  rotateHostKey,
  smallDisk,
  sshExecOn,
  stopDocker,
  type Undo,
} from './index'
import { describeLab } from './require-lab'

describeLab('lab faults', (lab) => {
  // A failed assertion must not leave a fault behind for the next test.
  const pending: Undo[] = []
  const track = <T extends Undo>(undo: T): T => {
    pending.push(undo)
    return undo
  }
  const undoNow = async (undo: Undo): Promise<void> => {
    pending.splice(pending.indexOf(undo), 1)
    await undo()
  }
  afterEach(async () => {
    while (pending.length > 0) await pending.pop()?.()
  })

  it('blockPort DROP makes connects from every source time out; undo reopens', async () => {
    const net = labHost(lab(), 'net')
    const ml1 = labHost(lab(), 'ml1')
    const undo = track(await blockPort(lab(), 'ml1', { port: 22, action: 'DROP' }))
    const started = Date.now()
    expect(await canConnect(ml1.address, 22, 1000)).toBe(false)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(await canConnectFrom(net, ml1.address, 22)).toBe(false)
    // Loopback inside the host stays open: only eth0 is filtered.
    expect(await canConnectFrom(ml1, '127.0.0.1', 22)).toBe(true)
    await undoNow(undo)
    expect(await canConnect(ml1.address, 22)).toBe(true)
  })

  it('blockPort REJECT from one source refuses only that source', async () => {
    const net = labHost(lab(), 'net')
    const ml2 = labHost(lab(), 'ml2')
    const undo = track(await blockPort(lab(), 'ml1', { port: 22, action: 'REJECT', from: ['net'] }))
    const ml1 = labHost(lab(), 'ml1')
    expect(await canConnectFrom(net, ml1.address, 22)).toBe(false)
    expect(await canConnectFrom(ml2, ml1.address, 22)).toBe(true)
    expect(await canConnect(ml1.address, 22)).toBe(true)
    await undoNow(undo)
    expect(await canConnectFrom(net, ml1.address, 22)).toBe(true)
  })

  it('onlyReachableFrom leaves ml2 reachable over SSH only through net (jump host)', async () => {
    const net = labHost(lab(), 'net')
    const ml1 = labHost(lab(), 'ml1')
    const ml2 = labHost(lab(), 'ml2')
    const undo = track(await onlyReachableFrom(lab(), 'ml2', 'net'))
    expect(await canConnect(ml2.address, 22)).toBe(false)
    expect(await canConnectFrom(ml1, ml2.address, 22)).toBe(false)
    expect(await canConnectFrom(net, ml2.address, 22)).toBe(true)
    await undoNow(undo)
    expect(await canConnect(ml2.address, 22)).toBe(true)
  })

  it('stopDocker makes `docker ps` fail over SSH; undo brings dockerd back', async () => {
    const ml1 = labHost(lab(), 'ml1')
    const undo = track(await stopDocker(lab(), 'ml1'))
    const down = await labSsh(ml1, 'docker ps')
    expect(down.code).not.toBe(0)
    expect(down.stderr).toMatch(/Cannot connect to the Docker daemon/)
    await undoNow(undo)
    const up = await labSsh(ml1, 'docker ps')
    expect(up.code, up.stderr).toBe(0)
  })

  it('killSshConnections closes open sessions while new logins still work', async () => {
    const net = labHost(lab(), 'net')
    const client = await labSshConnect(net)
    const closed = new Promise<string>((resolve) => client.on('close', () => resolve('closed')))
    expect((await sshExecOn(client, 'echo alive')).stdout.trim()).toBe('alive')
    await killSshConnections(lab(), 'net')
    expect(await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 5000))])).toBe(
      'closed',
    )
    expect((await labSsh(net, 'echo again')).stdout.trim()).toBe('again')
  })

  it('rotateHostKey changes the fingerprint a client sees; undo restores the old key', async () => {
    const before = labHost(lab(), 'seed')
    const rotated = await rotateHostKey(lab(), 'seed')
    track(rotated.undo)
    expect(rotated.host.hostKeyFingerprint).not.toBe(before.hostKeyFingerprint)
    expect(rotated.previousFingerprint).toBe(before.hostKeyFingerprint)
    await expect(labSsh(before, 'true')).rejects.toThrow()
    expect((await labSsh(rotated.host, 'echo new-key')).stdout.trim()).toBe('new-key')
    await undoNow(rotated.undo)
    expect((await labSsh(before, 'echo old-key')).stdout.trim()).toBe('old-key')
  })

  it('removeComposePlugin makes `docker compose` unknown; undo restores v2', async () => {
    const net = labHost(lab(), 'net')
    const undo = track(await removeComposePlugin(lab(), 'net'))
    const gone = await labSsh(net, 'docker compose version')
    expect(gone.code).not.toBe(0)
    await undoNow(undo)
    const back = await labSsh(net, 'docker compose version')
    expect(back.stdout).toMatch(/Docker Compose version v?2\./)
  })

  it('smallDisk makes df show a small filesystem at the path; undo removes it', async () => {
    const ml1 = labHost(lab(), 'ml1')
    const undo = track(await smallDisk(lab(), 'ml1', '/mnt/shared', 64))
    const small = await labSsh(ml1, 'df -Pk /mnt/shared | tail -n 1')
    expect(Number(small.stdout.trim().split(/\s+/)[1])).toBe(64 * 1024)
    await undoNow(undo)
    const real = await labSsh(ml1, 'df -Pk /mnt/shared | tail -n 1')
    expect(Number(real.stdout.trim().split(/\s+/)[1])).toBeGreaterThan(1024 * 1024)
  })

  it('lowMemory makes `free -m` show the fake total on that host only; undo shows the real RAM', async () => {
    const ml2 = labHost(lab(), 'ml2')
    const net = labHost(lab(), 'net')
    const totalOf = async (h: typeof ml2): Promise<number> =>
      Number((await labSsh(h, "free -m | awk '/^Mem:/{print $2}'")).stdout.trim())
    const undo = track(await lowMemory(lab(), 'ml2', 7812))
    expect(await totalOf(ml2)).toBe(7812)
    expect(await totalOf(net)).not.toBe(7812)
    await undoNow(undo)
    expect(await totalOf(ml2)).not.toBe(7812)
  })

  it('publishPrivatePort exposes 8080 on every address of the host; undo closes it', async () => {
    const ml1 = labHost(lab(), 'ml1')
    expect(await canConnect(ml1.address, 8080)).toBe(false)
    const undo = track(await publishPrivatePort(lab(), 'ml1', 8080))
    let open = false
    for (let i = 0; i < 20 && !open; i++) open = await canConnect(ml1.address, 8080)
    expect(open).toBe(true)
    await undoNow(undo)
    expect(await canConnect(ml1.address, 8080)).toBe(false)
  })

  it('blockPort with published also blocks a port a container publishes (Docker bypasses INPUT)', async () => {
    const ml1 = labHost(lab(), 'ml1')
    const net = labHost(lab(), 'net')
    track(await publishPrivatePort(lab(), 'ml1', 8080))
    let open = false
    for (let i = 0; i < 20 && !open; i++) open = await canConnectFrom(net, ml1.address, 8080)
    expect(open).toBe(true)
    const inputOnly = track(await blockPort(lab(), 'ml1', { port: 8080, action: 'REJECT' }))
    expect(await canConnectFrom(net, ml1.address, 8080)).toBe(true)
    await undoNow(inputOnly)
    const both = track(await blockPort(lab(), 'ml1', { port: 8080, action: 'REJECT', published: true }))
    expect(await canConnectFrom(net, ml1.address, 8080)).toBe(false)
    await undoNow(both)
    expect(await canConnectFrom(net, ml1.address, 8080)).toBe(true)
  })

  it('enableUfw closes denied host ports but keeps SSH; undo turns ufw off', async () => {
    const net = labHost(lab(), 'net')
    const seed = labHost(lab(), 'seed')
    expect(await canConnect(seed.address, 8000)).toBe(true)
    const undo = track(await enableUfw(lab(), 'seed', [['deny', '8000/tcp']]))
    const status = await rootExec(seed, ['ufw', 'status'])
    expect(status.stdout).toContain('Status: active')
    expect(await canConnectFrom(net, seed.address, 8000)).toBe(false)
    expect(await canConnect(seed.address, 22)).toBe(true)
    await undoNow(undo)
    expect(await canConnect(seed.address, 8000)).toBe(true)
    expect((await rootExec(seed, ['ufw', 'status'])).stdout).toContain('Status: inactive')
  })
})
