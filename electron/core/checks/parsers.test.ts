import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  clockOffsetSeconds,
  parseChronyTracking,
  classifyDockerError,
  findDiskKind,
  parseComposeVersion,
  parseDf,
  parseDockerPs,
  parseFreeTotal,
  parseGpuQuery,
  parseMeminfoTotal,
  parseNproc,
  parseNvidiaVersions,
  parseOsRelease,
  parseProcNetTcp,
  parseTimedatectl,
  parseUfwStatus,
  parseUname,
} from './parsers'

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8')

describe('parsers on the real H100 capture', () => {
  it('reads OS, architecture and cores', () => {
    expect(parseOsRelease(fixture('os-release.txt'))).toMatchObject({
      id: 'ubuntu',
      versionId: '24.04',
      prettyName: 'Ubuntu 24.04.3 LTS',
    })
    expect(parseUname(fixture('uname.txt')).arch).toBe('x86_64')
    expect(parseUname('Linux aarch64')).toEqual({ kernel: 'Linux', arch: 'aarch64' })
    expect(parseNproc(fixture('nproc.txt'))).toBe(16)
  })

  it('reads memory from meminfo and free the same', () => {
    const meminfo = parseMeminfoTotal(fixture('meminfo.txt')) ?? 0
    const free = parseFreeTotal(fixture('free-b.txt')) ?? 0
    expect(meminfo / 1024 ** 3).toBeGreaterThan(125)
    expect(Math.abs(meminfo - free)).toBeLessThan(1024 * 1024)
  })

  it('reads df and finds the disk behind / as rotational virtio', () => {
    const [root] = parseDf(fixture('df.txt'))
    expect(root).toMatchObject({ source: '/dev/vda', mountPoint: '/', availableBytes: 68702371840 })
    expect(findDiskKind(fixture('lsblk.json'), '/', '/dev/vda')).toEqual({
      device: 'vda',
      rotational: true,
      transport: 'virtio',
    })
  })

  it('reads every GPU with its memory and driver, with and without units', () => {
    const fields = [
      'index',
      'name',
      'uuid',
      'memory.total',
      'memory.used',
      'memory.free',
      'driver_version',
      'pci.bus_id',
      'compute_cap',
      'power.limit',
      'temperature.gpu',
      'utilization.gpu',
    ]
    expect(parseGpuQuery(fixture('query-gpu.csv'), fields)).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driver: '580.159.04', computeCap: '9.0' },
    ])
    const short = parseGpuQuery(fixture('query-gpu-name-mem-driver.txt').split('\n').slice(1, 2).join('\n'), [
      'name',
      'memory.total',
      'driver_version',
    ])
    expect(short[0]?.memoryMiB).toBe(81559)
    const withHeader =
      'index, name, memory.total [MiB], driver_version, compute_cap\n0, NVIDIA H100 80GB HBM3, 81559 MiB, 580.159.04, 9.0\n'
    expect(
      parseGpuQuery(withHeader, ['index', 'name', 'memory.total', 'driver_version', 'compute_cap']),
    ).toHaveLength(1)
  })

  it('reads driver and CUDA from the nvidia-smi banner and --version', () => {
    expect(parseNvidiaVersions(fixture('nvidia-smi.txt'))).toEqual({ driver: '580.159.04', cuda: '13.0' })
    expect(parseNvidiaVersions(fixture('nvidia-smi-version.txt'))).toEqual({
      driver: '580.159.04',
      cuda: '13.0',
    })
  })
})

describe('parsers of tool output', () => {
  it('accepts compose versions with and without v, with Debian revisions', () => {
    expect(parseComposeVersion('Docker Compose version v2.26.1')?.version).toBe('2.26.1')
    expect(parseComposeVersion('Docker Compose version 2.26.1-4')).toEqual({
      raw: '2.26.1-4',
      version: '2.26.1',
    })
    expect(parseComposeVersion('1.29.2')?.version).toBe('1.29.2')
    expect(parseComposeVersion('docker: unknown command')).toBeUndefined()
  })

  it('tells a stopped daemon from missing permission', () => {
    expect(
      classifyDockerError(
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
      ),
    ).toBe('permission')
    expect(
      classifyDockerError(
        'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      ),
    ).toBe('not-running')
  })

  it('reads listening sockets from /proc/net/tcp and tcp6', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
      '   1: 0100007F:1F91 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
      '   0: 00000000000000000000000000000000:238C 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0',
    ].join('\n')
    expect(parseProcNetTcp(text)).toEqual([
      { address: '127.0.0.1', port: 8080, family: 4 },
      { address: '::', port: 9100, family: 6 },
    ])
  })

  it('reads published ports of containers, including v6 and ranges', () => {
    const [c] = parseDockerPs(
      'mlnode\tghcr.io/product-science/mlnode:3.0.16\t0.0.0.0:8080->8080/tcp, :::8080->8080/tcp, 127.0.0.1:5050-5051->5000-5001/tcp',
    )
    expect(c?.published.map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}`)).toEqual([
      '0.0.0.0:8080->8080',
      ':::8080->8080',
      '127.0.0.1:5050->5000',
      '127.0.0.1:5051->5001',
    ])
  })

  it('reads ufw and timedatectl states', () => {
    expect(parseUfwStatus('Status: active\n\nTo Action From')).toBe(true)
    expect(parseUfwStatus('ERROR: You need to be root to run this script')).toBeUndefined()
    expect(parseTimedatectl('System clock synchronized: no\n              NTP service: active')).toEqual({
      synchronized: false,
      ntpService: 'active',
    })
  })

  it('reads chrony tracking and compares a host clock with this computer', () => {
    const tracking =
      'Reference ID    : C0A80001 (192.168.0.1)\nStratum         : 3\nLeap status     : Normal\n'
    expect(parseChronyTracking(tracking)).toEqual({ synchronized: true })
    expect(parseChronyTracking('Leap status     : Not synchronised\n')).toEqual({ synchronized: false })
    expect(parseChronyTracking('506 Cannot talk to daemon')).toEqual({})
    const window = { startMs: 1_700_000_000_200, endMs: 1_700_000_000_900 }
    // Read within the window, or within the one-second resolution of `date +%s`: the same time.
    expect(clockOffsetSeconds('1700000000\n', window)).toBe(0)
    expect(clockOffsetSeconds('1699999999', window)).toBe(0)
    // At least 89.2 s behind and 44.1 s ahead: the least difference the reading allows, in whole seconds.
    expect(clockOffsetSeconds('1699999910', window)).toBe(-89)
    expect(clockOffsetSeconds('1700000045', window)).toBe(44)
    expect(clockOffsetSeconds('', window)).toBeUndefined()
    expect(clockOffsetSeconds('Thu Jan 1', window)).toBeUndefined()
  })
})
