import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHECK_IDS } from '../../shared/checks'
import { CHECK_CATALOGUE } from './catalogue'
import { FALLBACK_MODELS } from './models'
import type { ProbeOutput } from './probe'
import { evaluateHost, HOST_RULE_IDS, type ServerRef } from './rules'
import { allTextKeys, lookupText } from './texts'

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8')
const sec = (out: string, rc = 0, err = '') => ({ rc, out, err })

/** The H100 server as the probe would report it: no Docker, no toolkit, no systemd, root. */
function h100Probe(overrides: Record<string, { rc: number; out: string; err: string }> = {}): ProbeOutput {
  return {
    probe: 1,
    role: 'ml',
    sections: {
      id: sec('uid=0(root) gid=0(root) groups=0(root)'),
      uname: sec('Linux x86_64'),
      os_release: sec(fixture('os-release.txt')),
      nproc: sec(fixture('nproc.txt')),
      meminfo: sec(fixture('meminfo.txt')),
      deploy_path: sec('/root/gonka'),
      df_deploy: sec(fixture('df.txt')),
      lsblk: sec(fixture('lsblk.json')),
      docker_version: sec('', 127),
      compose_v2: sec('', 127),
      compose_v1: sec('', 127),
      docker_ps: sec('', 127),
      git: sec('git version 2.43.0'),
      curl: sec('curl 8.5.0 (x86_64-pc-linux-gnu)'),
      clock: sec('', 127),
      tcp: sec('  sl  local_address rem_address   st\n'),
      ufw: sec('', 127),
      iptables: sec('', 127),
      gpu_query: sec('0, NVIDIA H100 80GB HBM3, 81559, 580.159.04, 9.0\n'),
      gpu_smi: sec(fixture('nvidia-smi.txt')),
      nvidia_ctk: sec('', 127),
      nvidia_cli: sec('', 127),
      gpu_run: sec('', 127),
      hf_path: sec('/mnt/shared'),
      hf_write: sec('missing creatable /mnt'),
      df_hf: sec(fixture('df.txt')),
      ...overrides,
    },
  }
}

const ml: ServerRef = { id: 'ml1', name: 'gpu-1', role: 'ml', user: 'root', address: '10.0.0.5' }
const byId = (results: ReturnType<typeof evaluateHost>) => new Map(results.map((r) => [r.checkId, r]))

describe('host rules on the real H100 capture', () => {
  const minimax = FALLBACK_MODELS.filter((m) => m.id === 'MiniMaxAI/MiniMax-M2.7')

  it('passes the GPU, memory and OS checks and fails what a bare GPU server lacks, with fixes', () => {
    const r = byId(evaluateHost(h100Probe(), { server: ml, models: [], gpuTestImage: 'img' }, HOST_RULE_IDS))
    expect(r.get('gpu.driver')).toMatchObject({
      status: 'pass',
      message: '1 × NVIDIA H100 80GB HBM3 (driver 580.159.04).',
    })
    expect(r.get('gpu.cuda')).toMatchObject({ status: 'pass', messageValues: { cuda: '13.0' } })
    // 128 GiB RAM ≥ 1.5 × 79.6 GiB of VRAM.
    expect(r.get('memory.total')?.status).toBe('pass')
    expect(r.get('os.platform')?.status).toBe('pass')
    expect(r.get('docker.engine')).toMatchObject({
      status: 'fail',
      messageKey: 'checks.docker.engine.msg.missing',
    })
    expect(r.get('docker.engine')?.fix?.command).toContain('get.docker.com')
    expect(r.get('docker.compose')?.status).toBe('fail')
    expect(r.get('docker.access')?.status).toBe('skip')
    expect(r.get('gpu.toolkit')?.status).toBe('skip')
    expect(r.get('gpu.vram')).toMatchObject({ status: 'skip', messageKey: 'checks.gpu.vram.msg.noModel' })
    expect(r.get('hf.cache')?.status).toBe('pass')
  })

  it('one H100 (86 GB) is too small for a 320 GB model', () => {
    const r = byId(
      evaluateHost(h100Probe(), { server: ml, models: minimax, gpuTestImage: 'img' }, ['gpu.vram']),
    )
    expect(r.get('gpu.vram')).toMatchObject({ status: 'fail', messageValues: { totalGb: 86, needGb: 320 } })
  })

  it('fails RAM below 1.5 × VRAM', () => {
    const gpus = Array.from(
      { length: 4 },
      (_, i) => `${i}, NVIDIA H100 80GB HBM3, 81559, 580.159.04, 9.0`,
    ).join('\n')
    const r = byId(
      evaluateHost(h100Probe({ gpu_query: sec(gpus) }), { server: ml, models: [], gpuTestImage: 'img' }, [
        'memory.total',
      ]),
    )
    expect(r.get('memory.total')).toMatchObject({
      status: 'fail',
      messageKey: 'checks.memory.total.msg.belowVram',
    })
  })

  it('compose v1 only is a failure naming v1; v2 2.26.1-4 passes; 2.19 fails', () => {
    const withDocker = {
      docker_version: sec('28.2.2 26.1.5'),
      id: sec('uid=1500(tester) gid=1500(tester) groups=1500(tester),999(docker)'),
    }
    const v1 = byId(
      evaluateHost(
        h100Probe({
          ...withDocker,
          compose_v2: sec('', 1, "docker: 'compose' is not a docker command."),
          compose_v1: sec('1.29.2'),
        }),
        { server: ml, models: [], gpuTestImage: 'i' },
        ['docker.compose', 'docker.access'],
      ),
    )
    expect(v1.get('docker.compose')).toMatchObject({
      status: 'fail',
      messageKey: 'checks.docker.compose.msg.v1Only',
    })
    expect(v1.get('docker.compose')?.fix?.command).toContain('docker-compose-plugin')
    expect(v1.get('docker.access')).toMatchObject({
      status: 'pass',
      messageKey: 'checks.docker.access.msg.group',
    })
    const deb = byId(
      evaluateHost(
        h100Probe({ ...withDocker, compose_v2: sec('Docker Compose version 2.26.1-4') }),
        { server: ml, models: [], gpuTestImage: 'i' },
        ['docker.compose'],
      ),
    )
    expect(deb.get('docker.compose')?.status).toBe('pass')
    const old = byId(
      evaluateHost(
        h100Probe({ ...withDocker, compose_v2: sec('Docker Compose version v2.19.1') }),
        { server: ml, models: [], gpuTestImage: 'i' },
        ['docker.compose'],
      ),
    )
    expect(old.get('docker.compose')?.status).toBe('fail')
  })

  it('a user without Docker access fails docker.access with the usermod fix', () => {
    const denied = sec('28.2.2 ', 1, 'permission denied while trying to connect to the Docker daemon socket')
    const r = byId(
      evaluateHost(
        h100Probe({
          id: sec('uid=1500(tester) gid=1500(tester) groups=1500(tester)'),
          docker_version: denied,
        }),
        { server: { ...ml, user: 'tester' }, models: [], gpuTestImage: 'i' },
        ['docker.engine', 'docker.access'],
      ),
    )
    expect(r.get('docker.engine')?.status).toBe('pass')
    expect(r.get('docker.access')).toMatchObject({
      status: 'fail',
      fix: { command: 'sudo usermod -aG docker tester' },
    })
  })

  it('a private port published on 0.0.0.0 under ufw is flagged as bypassing ufw', () => {
    const r = byId(
      evaluateHost(
        h100Probe({
          docker_version: sec('28 26'),
          docker_ps: sec('web\tfake/busybox:1\t0.0.0.0:8080->80/tcp'),
          ufw: sec('Status: active'),
          iptables: sec(fixture('iptables/docker-only.iptables-S.txt')),
        }),
        { server: ml, models: [], gpuTestImage: 'i' },
        ['firewall.docker-bypass', 'ports.free'],
      ),
    )
    expect(r.get('firewall.docker-bypass')).toMatchObject({
      status: 'warn',
      messageKey: 'checks.firewall.docker-bypass.msg.bypassUfw',
    })
    expect(r.get('firewall.docker-bypass')?.fix?.command).toContain('DOCKER-USER -p tcp --dport 80 ')
    expect(r.get('ports.free')).toMatchObject({ status: 'fail', messageValues: { ports: '8080 (web)' } })
  })
})

describe('catalogue and texts', () => {
  it('has one catalogue entry per check id', () => {
    expect(CHECK_CATALOGUE.map((e) => e.id).sort()).toEqual([...CHECK_IDS].sort())
  })

  it('English, Chinese and Russian have the same keys, and every check has a title and explanation in each', () => {
    expect(allTextKeys('zh-CN')).toEqual(allTextKeys('en'))
    expect(allTextKeys('ru')).toEqual(allTextKeys('en'))
    for (const entry of CHECK_CATALOGUE) {
      for (const locale of ['en', 'zh-CN', 'ru'] as const) {
        expect(lookupText(locale, entry.titleKey), `${locale} ${entry.titleKey}`).toBeTruthy()
        expect(lookupText(locale, entry.whyKey), `${locale} ${entry.whyKey}`).toBeTruthy()
      }
    }
  })

  it('every result the rules produce has its message and fix text in every locale', () => {
    const variants = [
      h100Probe(),
      h100Probe({
        docker_version: sec(
          '28.2.2 ',
          1,
          'Cannot connect to the Docker daemon. Is the docker daemon running?',
        ),
      }),
      h100Probe({
        gpu_query: sec('', 127),
        uname: sec('Linux aarch64'),
        hf_write: sec('exists not-writable', 1),
      }),
    ]
    for (const probe of variants) {
      for (const r of evaluateHost(
        probe,
        { server: ml, models: FALLBACK_MODELS, gpuTestImage: 'i' },
        HOST_RULE_IDS,
      )) {
        for (const locale of ['en', 'zh-CN', 'ru'] as const) {
          expect(lookupText(locale, r.messageKey), `${locale} ${r.messageKey}`).toBeTruthy()
          if (r.fix) expect(lookupText(locale, r.fix.key), `${locale} ${r.fix.key}`).toBeTruthy()
        }
        expect(r.message).not.toMatch(/\{\{/)
      }
    }
  })

  it('clock: a time service decides; without one the host clock is compared with this computer', () => {
    const now = Date.now()
    const window = { startMs: now, endMs: now + 500 }
    const clock = (overrides: Parameters<typeof h100Probe>[0]) =>
      byId(
        evaluateHost(
          h100Probe(overrides),
          { server: ml, models: [], gpuTestImage: 'i', probeWindow: window },
          ['clock.sync'],
        ),
      ).get('clock.sync')
    const epoch = (deltaS: number) => sec(String(Math.floor(now / 1000) + deltaS))
    expect(clock({ clock: sec('System clock synchronized: yes'), clock_epoch: epoch(300) })).toMatchObject({
      status: 'pass',
      messageKey: 'checks.clock.sync.msg.ok',
    })
    expect(clock({ chrony: sec('Leap status     : Not synchronised'), clock_epoch: epoch(0) })).toMatchObject(
      {
        status: 'warn',
        messageKey: 'checks.clock.sync.msg.notSynced',
      },
    )
    expect(clock({ clock_epoch: epoch(0) })).toMatchObject({
      status: 'pass',
      messageKey: 'checks.clock.sync.msg.closeToDesktop',
    })
    const behind = clock({ clock_epoch: epoch(-120) })
    expect(behind).toMatchObject({ status: 'warn', messageKey: 'checks.clock.sync.msg.behind' })
    expect(behind?.message).toMatch(/^No time service could be read, and the clock is 11[89] s behind/)
    expect(behind?.fix?.command).toBe('sudo timedatectl set-ntp true')
    expect(clock({ clock_epoch: epoch(60) })).toMatchObject({ messageKey: 'checks.clock.sync.msg.ahead' })
    expect(clock({})).toMatchObject({ status: 'warn', messageKey: 'checks.clock.sync.msg.unknown' })
  })
})
