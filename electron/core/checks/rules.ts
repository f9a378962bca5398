/**
 * The rules: facts parsed from a host's probe report → one verdict per check. Pure functions; the
 * thresholds and their reasons are here, the texts in `electron/shared/locales/checks/`.
 */
import semver from 'semver'
import type { CheckId, CheckResult, CheckStatus, ModelRequirement } from '../../shared/checks'
import type { ServerRole } from '../../shared/profile'
import { portsForRole, privatePortsForRole } from './catalogue'
import {
  classifyDockerError,
  classifyGpuRunError,
  findDiskKind,
  parseComposeVersion,
  parseDf,
  parseDockerPs,
  parseDockerRuntimes,
  parseDockerVersions,
  parseGpuQuery,
  parseMeminfoTotal,
  parseNproc,
  parseNvidiaVersions,
  parseOsRelease,
  parseProcNetTcp,
  parseTimedatectl,
  parseChronyTracking,
  clockOffsetSeconds,
  parseToolVersion,
  parseUfwStatus,
  parseUname,
  type ContainerPorts,
  type GpuInfo,
} from './parsers'
import { isLoopbackAddress, isPrivateAddress } from './addresses'
import { dockerUserCovers, inputOutcome, parseIptablesRules } from './iptables'
import { buildCommand } from '../ssh/quote'
import type { ProbeOutput, ProbeSection } from './probe'
import { renderText } from './texts'

/** The fields of the probe's GPU query, in the order the probe asks for them. */
export const GPU_QUERY_FIELDS = ['index', 'name', 'memory.total', 'driver_version', 'compute_cap'] as const

/** A rule's answer before it gets texts: message variant, values, fix variant and command. */
export interface Verdict {
  readonly status: CheckStatus
  readonly msg: string
  readonly values?: Readonly<Record<string, string | number>>
  readonly fix?: { readonly variant: string; readonly command?: string; readonly action?: string }
  readonly facts?: Readonly<Record<string, string | number | boolean | null>>
}

/** The server a result is about. */
export interface ServerRef {
  readonly id: string
  readonly name: string
  readonly role: ServerRole
  readonly user: string
  readonly address: string
}

/** Turns a verdict into a {@link CheckResult} with its i18n keys and English texts. */
export function toResult(
  checkId: CheckId,
  server: Pick<ServerRef, 'id' | 'name'>,
  verdict: Verdict,
): CheckResult {
  const values = verdict.values ?? {}
  const messageKey = `checks.${checkId}.msg.${verdict.msg}`
  const result: CheckResult = {
    checkId,
    serverId: server.id,
    serverName: server.name,
    status: verdict.status,
    messageKey,
    messageValues: values,
    message: renderText('en', messageKey, values),
    ...(verdict.facts ? { facts: verdict.facts } : {}),
  }
  if (verdict.fix && (verdict.status === 'warn' || verdict.status === 'fail')) {
    const key = `checks.${checkId}.fix.${verdict.fix.variant}`
    return {
      ...result,
      fix: {
        key,
        text: renderText('en', key, values),
        ...(verdict.fix.command ? { command: verdict.fix.command } : {}),
        ...(verdict.fix.action ? { action: verdict.fix.action } : {}),
      },
    }
  }
  return result
}

/** Everything the host rules need besides the probe report. */
export interface HostRuleContext {
  readonly server: ServerRef
  readonly models: readonly ModelRequirement[]
  readonly gpuTestImage: string
  /** When the probe ran, by this computer's clock (to compare the host's clock with). */
  readonly probeWindow?: { readonly startMs: number; readonly endMs: number }
}

/** A host clock further than this from this computer's is flagged when no sync service can be read. */
const CLOCK_TOLERANCE_S = 2

const GIB = 1024 ** 3
const GB = 1e9
// MemTotal is what the kernel can use: a "64 GB" machine shows ~62.8 GiB. Compare with a 6 % margin so a
// machine that has the recommended RAM is not flagged.
const RAM_MARGIN = 0.94
const round1 = (n: number): number => Math.round(n * 10) / 10

function section(probe: ProbeOutput, name: string): ProbeSection | undefined {
  return probe.sections[name]
}

const missing = (s: ProbeSection | undefined): boolean => s === undefined || s.rc === 127

function isRoot(probe: ProbeOutput): boolean {
  return /^uid=0\(/.test(section(probe, 'id')?.out ?? '')
}

/** GPUs from the probe, or undefined when nvidia-smi did not answer. */
export function probeGpus(probe: ProbeOutput): GpuInfo[] | undefined {
  const s = section(probe, 'gpu_query')
  if (!s || s.rc !== 0) return undefined
  return parseGpuQuery(s.out, GPU_QUERY_FIELDS)
}

/** How this probe's user reaches Docker: directly, through sudo, or not at all (and why). */
export function dockerAccess(probe: ProbeOutput): {
  via: 'direct' | 'sudo' | 'none'
  why?: 'missing' | 'not-running' | 'permission' | 'other'
  server?: string
  client?: string
} {
  const v = section(probe, 'docker_version')
  if (missing(v) || !v) return { via: 'none', why: 'missing' }
  const versions = parseDockerVersions(v.out)
  if (v.rc === 0 && versions.server) return { via: 'direct', ...versions }
  const why = classifyDockerError(v.err)
  const sudo = section(probe, 'docker_sudo')
  if (sudo && sudo.rc === 0 && sudo.out.trim()) {
    return { via: 'sudo', server: sudo.out.trim(), ...(versions.client ? { client: versions.client } : {}) }
  }
  return { via: 'none', why, ...(versions.client ? { client: versions.client } : {}) }
}

const rules: Partial<Record<CheckId, (p: ProbeOutput, c: HostRuleContext) => Verdict>> = {
  'os.platform'(p): Verdict {
    const { kernel, arch } = parseUname(section(p, 'uname')?.out ?? '')
    const os = parseOsRelease(section(p, 'os_release')?.out ?? '')
    const facts = { kernel, arch, os: os.prettyName, osId: os.id, osVersion: os.versionId }
    const name = os.prettyName || kernel
    if (kernel !== 'Linux')
      return { status: 'fail', msg: 'notLinux', values: { kernel }, fix: { variant: 'linux' }, facts }
    if (arch !== 'x86_64' && arch !== 'amd64')
      return { status: 'fail', msg: 'arch', values: { arch }, fix: { variant: 'arch' }, facts }
    const debianFamily = os.id === 'ubuntu' || os.id === 'debian' || os.idLike.includes('debian')
    if (!debianFamily)
      return { status: 'warn', msg: 'distro', values: { name }, fix: { variant: 'distro' }, facts }
    return { status: 'pass', msg: 'ok', values: { name, arch }, facts }
  },
  'cpu.cores'(p): Verdict {
    const cores = parseNproc(section(p, 'nproc')?.out ?? '')
    if (cores === undefined) return { status: 'skip', msg: 'unknown' }
    if (cores < 16)
      return {
        status: 'warn',
        msg: 'few',
        values: { cores, min: 16 },
        fix: { variant: 'more' },
        facts: { cores },
      }
    return { status: 'pass', msg: 'ok', values: { cores }, facts: { cores } }
  },
  'memory.total'(p, c): Verdict {
    const total = parseMeminfoTotal(section(p, 'meminfo')?.out ?? '')
    if (total === undefined) return { status: 'skip', msg: 'unknown' }
    const ramGib = round1(total / GIB)
    const role = c.server.role
    if (role === 'ml' || role === 'combined') {
      const gpus = probeGpus(p)
      const vramMiB = (gpus ?? []).reduce((sum, g) => sum + g.memoryMiB, 0)
      if (vramMiB > 0) {
        const needGib = round1((vramMiB * 1.5) / 1024)
        const facts = { ramGib, vramGib: round1(vramMiB / 1024), needGib }
        if (total < needGib * GIB * RAM_MARGIN)
          return {
            status: 'fail',
            msg: 'belowVram',
            values: { ramGib, needGib },
            fix: { variant: 'addRam' },
            facts,
          }
        if (role === 'ml') return { status: 'pass', msg: 'okVram', values: { ramGib, needGib }, facts }
      }
    }
    if (role === 'network' || role === 'combined') {
      const facts = { ramGib }
      if (total < 16 * GIB * RAM_MARGIN)
        return {
          status: 'fail',
          msg: 'tooLow',
          values: { ramGib, minGib: 16 },
          fix: { variant: 'addRam' },
          facts,
        }
      if (total < 64 * GIB * RAM_MARGIN)
        return {
          status: 'warn',
          msg: 'belowRecommended',
          values: { ramGib, recGib: 64 },
          fix: { variant: 'addRam' },
          facts,
        }
      return { status: 'pass', msg: 'ok', values: { ramGib }, facts }
    }
    return {
      status: 'warn',
      msg: 'noGpuInfo',
      values: { ramGib },
      fix: { variant: 'gpuFirst' },
      facts: { ramGib },
    }
  },
  'disk.free'(p): Verdict {
    const path = (section(p, 'deploy_path')?.out ?? '').trim()
    const df = parseDf(section(p, 'df_deploy')?.out ?? '')[0]
    if (!df) return { status: 'skip', msg: 'unknown', values: { path } }
    const freeGb = Math.floor(df.availableBytes / GB)
    const facts = { freeGb, path, mountPoint: df.mountPoint, sizeGb: Math.floor(df.sizeBytes / GB) }
    const values = { freeGb, path, mountPoint: df.mountPoint }
    // Chain data is ~150 GB and a Cosmovisor upgrade copies it once more (FAQ: keep 250+ GB free).
    if (df.availableBytes < 50 * GB)
      return {
        status: 'fail',
        msg: 'tooLow',
        values: { ...values, minGb: 50 },
        fix: { variant: 'space', command: shellLine(['df', '-h', df.mountPoint]) },
        facts,
      }
    if (df.availableBytes < 250 * GB)
      return {
        status: 'warn',
        msg: 'belowRecommended',
        values: { ...values, recGb: 250 },
        fix: { variant: 'space', command: shellLine(['df', '-h', df.mountPoint]) },
        facts,
      }
    return { status: 'pass', msg: 'ok', values, facts }
  },
  'disk.ssd'(p): Verdict {
    const df = parseDf(section(p, 'df_deploy')?.out ?? '')[0]
    const lsblk = section(p, 'lsblk')
    if (!df || !lsblk || lsblk.rc !== 0) return { status: 'skip', msg: 'unknown' }
    const kind = findDiskKind(lsblk.out, df.mountPoint, df.source)
    if (!kind) return { status: 'skip', msg: 'unknown' }
    const facts = { device: kind.device, rotational: kind.rotational, transport: kind.transport ?? null }
    if (kind.rotational)
      return {
        status: 'warn',
        msg: 'rotational',
        values: { device: kind.device },
        fix: { variant: 'ssd' },
        facts,
      }
    return {
      status: 'pass',
      msg: 'ok',
      values: { device: kind.device, transport: kind.transport ?? '-' },
      facts,
    }
  },
  'docker.engine'(p): Verdict {
    const a = dockerAccess(p)
    if (a.why === 'missing')
      return {
        status: 'fail',
        msg: 'missing',
        fix: { variant: 'install', command: 'curl -fsSL https://get.docker.com | sudo sh' },
      }
    if (a.via === 'none' && a.why === 'not-running')
      return {
        status: 'fail',
        msg: 'notRunning',
        fix: { variant: 'start', command: 'sudo systemctl enable --now docker' },
        facts: { client: a.client ?? null },
      }
    if (a.via === 'none' && a.why === 'permission')
      return { status: 'pass', msg: 'runningNoAccess', facts: { client: a.client ?? null } }
    if (a.via === 'none')
      return {
        status: 'fail',
        msg: 'error',
        values: { error: (section(p, 'docker_version')?.err ?? '').trim().slice(0, 200) },
        fix: { variant: 'start', command: 'sudo systemctl status docker' },
      }
    const version = a.server ?? ''
    const facts = { server: version, client: a.client ?? null }
    const v = semver.coerce(version)
    if (v && semver.lt(v, '20.10.0'))
      return {
        status: 'warn',
        msg: 'old',
        values: { version },
        fix: { variant: 'upgrade', command: 'curl -fsSL https://get.docker.com | sudo sh' },
        facts,
      }
    return { status: 'pass', msg: 'ok', values: { version }, facts }
  },
  'docker.access'(p, c): Verdict {
    const a = dockerAccess(p)
    if (a.why === 'missing' || a.why === 'not-running') return { status: 'skip', msg: 'needsEngine' }
    if (a.via === 'direct')
      return { status: 'pass', msg: isRoot(p) ? 'root' : 'group', values: { user: c.server.user } }
    if (a.via === 'sudo') return { status: 'pass', msg: 'sudo', values: { user: c.server.user } }
    return {
      status: 'fail',
      msg: 'denied',
      values: { user: c.server.user },
      fix: { variant: 'group', command: shellLine(['sudo', 'usermod', '-aG', 'docker', c.server.user]) },
    }
  },
  'docker.compose'(p): Verdict {
    const v2 = section(p, 'compose_v2')
    const v1 = section(p, 'compose_v1')
    const parsedV2 = v2 && v2.rc === 0 ? parseComposeVersion(v2.out) : undefined
    const fix = {
      variant: 'install',
      command: 'sudo apt-get update && sudo apt-get install -y docker-compose-plugin',
    }
    if (parsedV2 && semver.major(parsedV2.version) >= 2) {
      if (semver.lt(parsedV2.version, '2.20.0'))
        return {
          status: 'fail',
          msg: 'old',
          values: { version: parsedV2.raw },
          fix,
          facts: { version: parsedV2.raw },
        }
      return {
        status: 'pass',
        msg: 'ok',
        values: { version: parsedV2.raw },
        facts: { version: parsedV2.raw },
      }
    }
    const parsedV1 = v1 && v1.rc === 0 ? parseComposeVersion(v1.out) : undefined
    if (parsedV1)
      return {
        status: 'fail',
        msg: 'v1Only',
        values: { version: parsedV1.raw },
        fix,
        facts: { v1: parsedV1.raw },
      }
    return { status: 'fail', msg: 'missing', fix }
  },
  'tools.git'(p): Verdict {
    const s = section(p, 'git')
    const version = s && s.rc === 0 ? parseToolVersion(s.out) : undefined
    if (!version)
      return {
        status: 'fail',
        msg: 'missing',
        fix: { variant: 'install', command: 'sudo apt-get install -y git' },
      }
    return { status: 'pass', msg: 'ok', values: { version } }
  },
  'tools.curl'(p): Verdict {
    const s = section(p, 'curl')
    const version = s && s.rc === 0 ? parseToolVersion(s.out) : undefined
    if (!version)
      return {
        status: 'warn',
        msg: 'missing',
        fix: { variant: 'install', command: 'sudo apt-get install -y curl' },
      }
    return { status: 'pass', msg: 'ok', values: { version } }
  },
  'clock.sync'(p, c): Verdict {
    const s = section(p, 'clock')
    const timedatectl = s && s.rc === 0 ? parseTimedatectl(s.out) : {}
    const chronySection = section(p, 'chrony')
    const chrony = chronySection && chronySection.rc === 0 ? parseChronyTracking(chronySection.out) : {}
    const epoch = section(p, 'clock_epoch')
    const offset = epoch && c.probeWindow ? clockOffsetSeconds(epoch.out, c.probeWindow) : undefined
    const facts = { ...(offset !== undefined ? { offsetSeconds: offset } : {}) }
    if (timedatectl.synchronized === true || chrony.synchronized === true)
      return { status: 'pass', msg: 'ok', facts }
    if (timedatectl.synchronized === false || chrony.synchronized === false)
      return {
        status: 'warn',
        msg: 'notSynced',
        facts,
        fix:
          timedatectl.synchronized === false
            ? { variant: 'ntp', command: 'sudo timedatectl set-ntp true' }
            : { variant: 'chrony', command: 'sudo systemctl restart chrony && chronyc tracking' },
      }
    // No service could say: compare the host's clock with this computer's.
    if (offset !== undefined && Math.abs(offset) <= CLOCK_TOLERANCE_S)
      return { status: 'pass', msg: 'closeToDesktop', values: { seconds: CLOCK_TOLERANCE_S }, facts }
    if (offset !== undefined)
      return {
        status: 'warn',
        msg: offset > 0 ? 'ahead' : 'behind',
        values: { seconds: Math.abs(offset) },
        facts,
        fix: { variant: 'ntp', command: 'sudo timedatectl set-ntp true' },
      }
    return { status: 'warn', msg: 'unknown', fix: { variant: 'verify', command: 'timedatectl status' } }
  },
  'ports.free'(p, c): Verdict {
    const needed = portsForRole(c.server.role)
    const listening = parseProcNetTcp(section(p, 'tcp')?.out ?? '')
    const containers = parseDockerPs(
      section(p, 'docker_ps')?.rc === 0 ? (section(p, 'docker_ps')?.out ?? '') : '',
    )
    const busy: string[] = []
    const ours: number[] = []
    for (const port of needed) {
      const holder = containers.find((ct) => ct.published.some((b) => b.hostPort === port))
      if (holder) {
        if (isOurContainer(holder.name, holder.image)) ours.push(port)
        else busy.push(`${port} (${holder.name})`)
      } else if (listening.some((l) => l.port === port)) busy.push(String(port))
    }
    const facts = { needed: needed.join(' '), ours: ours.join(' ') }
    if (busy.length > 0) {
      const first = /^\d+/.exec(busy[0] ?? '')?.[0] ?? ''
      return {
        status: 'fail',
        msg: 'inUse',
        values: { ports: busy.join(', ') },
        fix: {
          variant: 'free',
          command: `${shellLine(['sudo', 'ss', '-ltnp', `sport = :${first}`])}; ${shellLine(['docker', 'ps', '--filter', `publish=${first}`])}`,
        },
        facts,
      }
    }
    return {
      status: 'pass',
      msg: ours.length > 0 ? 'ours' : 'free',
      values: { ports: needed.join(', '), ours: ours.join(', ') },
      facts,
    }
  },
  'gpu.driver'(p): Verdict {
    const s = section(p, 'gpu_query')
    const install = { variant: 'install', command: 'sudo ubuntu-drivers install && sudo reboot' }
    if (missing(s)) return { status: 'fail', msg: 'missing', fix: install }
    if (!s || s.rc !== 0)
      return {
        status: 'fail',
        msg: 'error',
        values: { error: (s?.err || s?.out || '').trim().slice(0, 200) },
        fix: install,
      }
    const gpus = parseGpuQuery(s.out, GPU_QUERY_FIELDS)
    if (gpus.length === 0) return { status: 'fail', msg: 'noGpu', fix: install }
    const names = summariseGpus(gpus)
    const driver = gpus[0]?.driver ?? parseNvidiaVersions(section(p, 'gpu_smi')?.out ?? '').driver ?? '?'
    return {
      status: 'pass',
      msg: 'ok',
      values: { count: gpus.length, names, driver },
      facts: { count: gpus.length, names, driver },
    }
  },
  'gpu.cuda'(p): Verdict {
    if (!probeGpus(p)) return { status: 'skip', msg: 'needsDriver' }
    const { cuda } = parseNvidiaVersions(section(p, 'gpu_smi')?.out ?? '')
    if (!cuda) return { status: 'warn', msg: 'unknown', fix: { variant: 'verify', command: 'nvidia-smi' } }
    const v = semver.coerce(cuda)
    // Gonka's images need CUDA 12.6+; older drivers cannot run them ("driver too old").
    if (v && semver.lt(v, '12.6.0'))
      return {
        status: 'fail',
        msg: 'old',
        values: { cuda },
        fix: { variant: 'upgrade', command: 'sudo ubuntu-drivers install && sudo reboot' },
        facts: { cuda },
      }
    return { status: 'pass', msg: 'ok', values: { cuda }, facts: { cuda } }
  },
  'gpu.vram'(p, c): Verdict {
    const gpus = probeGpus(p)
    if (!gpus || gpus.length === 0) return { status: 'skip', msg: 'needsDriver' }
    // Decimal GB, as the docs size models ("4×H100 = 320 GB"); nvidia-smi reports MiB.
    const totalGb = Math.round((gpus.reduce((s, g) => s + g.memoryMiB, 0) * 1048576) / GB)
    const facts = { totalGb, gpus: gpus.length }
    const need = [...c.models].sort((a, b) => b.vramGb - a.vramGb)[0]
    if (!need) return { status: 'skip', msg: 'noModel', values: { totalGb }, facts }
    if (totalGb < need.vramGb)
      return {
        status: 'fail',
        msg: 'tooSmall',
        values: { totalGb, needGb: need.vramGb, model: need.id },
        fix: { variant: 'moreGpus' },
        facts,
      }
    return { status: 'pass', msg: 'ok', values: { totalGb, needGb: need.vramGb, model: need.id }, facts }
  },
  'gpu.toolkit'(p, c): Verdict {
    const run = section(p, 'gpu_run')
    const ctk = section(p, 'nvidia_ctk')
    const cli = section(p, 'nvidia_cli')
    const runtimes = parseDockerRuntimes(section(p, 'docker_runtimes')?.out ?? '')
    const installed =
      ctk?.rc === 0 || cli?.rc === 0 || section(p, 'nvidia_hook')?.rc === 0 || runtimes.includes('nvidia')
    const facts = { toolkit: installed, nvidiaRuntime: runtimes.includes('nvidia') }
    const configure = {
      variant: 'configure',
      command: 'sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker',
    }
    const install = {
      variant: 'install',
      command:
        'sudo apt-get install -y nvidia-container-toolkit && sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker',
    }
    if (dockerAccess(p).via === 'none') return { status: 'skip', msg: 'needsDocker' }
    if (run && run.rc === 0) return { status: 'pass', msg: 'ok', values: { image: c.gpuTestImage }, facts }
    if (run && /^image-absent/.test(run.out)) {
      if (installed)
        return {
          status: 'warn',
          msg: 'untested',
          values: { image: c.gpuTestImage },
          fix: {
            variant: 'test',
            command: shellLine([
              'docker',
              'run',
              '--rm',
              '--gpus',
              'all',
              c.gpuTestImage,
              'nvidia-smi',
              '-L',
            ]),
          },
          facts,
        }
      return { status: 'fail', msg: 'missing', fix: install, facts }
    }
    const text = `${run?.err ?? ''}\n${run?.out ?? ''}`
    if (classifyGpuRunError(text) === 'no-gpu-driver')
      return {
        status: 'fail',
        msg: installed ? 'notConfigured' : 'missing',
        fix: installed ? configure : install,
        facts,
      }
    return {
      status: 'fail',
      msg: 'runFailed',
      values: { error: text.trim().slice(0, 200) },
      fix: configure,
      facts,
    }
  },
  'hf.cache'(p, c): Verdict {
    const path = (section(p, 'hf_path')?.out ?? '').trim()
    const w = section(p, 'hf_write')
    const df = parseDf(section(p, 'df_hf')?.out ?? '')[0]
    const fixWrite = {
      variant: 'writable',
      command: `${shellLine(['sudo', 'mkdir', '-p', path])} && ${shellLine(['sudo', 'chown', c.server.user, path])}`,
    }
    if (!w) return { status: 'skip', msg: 'unknown' }
    if (w.rc !== 0) return { status: 'fail', msg: 'notWritable', values: { path }, fix: fixWrite }
    const freeGb = df ? Math.floor(df.availableBytes / GB) : undefined
    const weights = Math.max(0, ...c.models.map((m) => m.weightsGb ?? 0))
    const facts = { path, freeGb: freeGb ?? null, weightsGb: weights || null, exists: /^exists/.test(w.out) }
    if (freeGb !== undefined && weights > 0 && freeGb < weights)
      return {
        status: 'fail',
        msg: 'noSpace',
        values: { path, freeGb, needGb: weights },
        fix: { variant: 'space' },
        facts,
      }
    return {
      status: 'pass',
      msg: /^missing/.test(w.out) ? 'creatable' : 'ok',
      values: { path, freeGb: freeGb ?? '?' },
      facts,
    }
  },
  'firewall.state'(p, c): Verdict {
    const ufwSection = section(p, 'ufw')
    const ufw = parseUfwStatus(ufwSection?.out ?? '')
    const firewalld = section(p, 'firewalld')
    const firewalldRunning = firewalld?.rc === 0 && /running/.test(firewalld.out)
    const ipt = section(p, 'iptables')
    const ruleset = ipt?.rc === 0 ? parseIptablesRules(ipt.out) : undefined
    // "Active" = a new connection from the internet to a port nobody opened is dropped.
    const iptDefaultDeny = ruleset !== undefined && inputOutcome(ruleset, 'tcp', 1) === 'drop'
    const name = ufw === true ? 'ufw' : firewalldRunning ? 'firewalld' : iptDefaultDeny ? 'iptables' : ''
    const ports = privatePortsForRole(c.server.role)
    // Private ports that a rule lets in from any address (ufw's own rules live in iptables too).
    const fromAnywhere = new Set<number>()
    if (ruleset && name !== '')
      for (const port of ports) if (inputOutcome(ruleset, 'tcp', port) === 'accept') fromAnywhere.add(port)
    for (const port of parseUfwAllowedAnywhere(ufwSection?.rc === 0 ? ufwSection.out : ''))
      if (ports.includes(port)) fromAnywhere.add(port)
    if (firewalldRunning) {
      for (const port of parseFirewalldPorts(section(p, 'firewalld_ports')?.out ?? ''))
        if (ports.includes(port)) fromAnywhere.add(port)
    }
    const open = [...fromAnywhere].sort((a, b) => a - b)
    const facts = {
      ufw: ufw ?? null,
      firewalld: firewalldRunning,
      iptablesReadable: ruleset !== undefined,
      defaultDeny: iptDefaultDeny,
      privateAllowedFromAnywhere: open.join(' '),
    }
    const unreadable = ufw === undefined && !missing(ufwSection) && ruleset === undefined
    if (name === '' && (unreadable || (missing(ufwSection) && ruleset === undefined && !missing(ipt))))
      return {
        status: 'warn',
        msg: 'unreadable',
        fix: {
          variant: 'sudo',
          command: missing(ufwSection) ? 'sudo iptables -S INPUT' : 'sudo ufw status verbose',
        },
        facts,
      }
    if (name === '') {
      const nft = section(p, 'nft')
      if (nft?.rc === 0 && /hook input[^\n]*policy drop|\bdrop\b/.test(nft.out))
        return {
          status: 'warn',
          msg: 'nftUnjudged',
          fix: { variant: 'verify', command: 'sudo nft list ruleset' },
          facts,
        }
      return {
        status: 'warn',
        msg: 'none',
        fix: { variant: 'enable', command: 'sudo ufw allow 22/tcp && sudo ufw --force enable' },
        facts,
      }
    }
    if (open.length > 0) {
      const command =
        name === 'ufw'
          ? open.map((port) => shellLine(['sudo', 'ufw', 'delete', 'allow', `${port}/tcp`])).join('\n')
          : name === 'firewalld'
            ? [
                ...open.map((port) =>
                  shellLine(['sudo', 'firewall-cmd', '--permanent', `--remove-port=${port}/tcp`]),
                ),
                'sudo firewall-cmd --reload',
              ].join('\n')
            : open
                .map(
                  (port) =>
                    `${shellLine(['sudo', 'iptables', '-I', 'INPUT', '-p', 'tcp', '--dport', String(port)])} ! -s <your-hosts> -j DROP`,
                )
                .join('\n')
      return {
        status: 'warn',
        msg: 'allowsPrivate',
        values: { name, ports: open.join(', ') },
        fix: { variant: 'closePrivate', command },
        facts,
      }
    }
    return { status: 'pass', msg: 'active', values: { name, ports: ports.join(', ') }, facts }
  },
  'firewall.docker-bypass'(p): Verdict {
    const ps = section(p, 'docker_ps')
    if (!ps || ps.rc !== 0) return { status: 'skip', msg: 'needsDocker' }
    const exposed = exposedPrivateBindings(parseDockerPs(ps.out))
    const ipt = section(p, 'iptables')
    const ruleset = ipt?.rc === 0 ? parseIptablesRules(ipt.out) : undefined
    const ufwActive = parseUfwStatus(section(p, 'ufw')?.out ?? '') === true
    const judged = exposed.map((e) => ({
      ...e,
      covered: ruleset !== undefined && dockerUserCovers(ruleset, e),
    }))
    const label = (e: (typeof judged)[number]): string => `${e.hostPort}/${e.proto} (${e.name})`
    const covered = judged.filter((e) => e.covered)
    const uncovered = judged.filter((e) => !e.covered)
    const facts = {
      exposed: judged.map((e) => `${e.hostPort}/${e.proto}`).join(' '),
      covered: covered.map((e) => `${e.hostPort}/${e.proto}`).join(' '),
      iptablesReadable: ruleset !== undefined,
      dockerUserRules: ruleset?.chains.get('DOCKER-USER')?.length ?? 0,
      ufwActive,
    }
    if (judged.length === 0) return { status: 'pass', msg: 'ok', facts }
    const command = uncovered
      .map(
        (e) =>
          `${shellLine(['sudo', 'iptables', '-I', 'DOCKER-USER', '-p', e.proto, '--dport', String(e.containerPort)])} ! -s <allowed-address> -j DROP`,
      )
      .join('\n')
    if (ruleset === undefined)
      return {
        status: 'warn',
        msg: 'unreadable',
        values: { ports: judged.map(label).join(', ') },
        fix: { variant: 'restrict', command },
        facts,
      }
    if (uncovered.length === 0)
      return { status: 'pass', msg: 'restricted', values: { ports: covered.map(label).join(', ') }, facts }
    return {
      status: 'warn',
      msg: covered.length > 0 ? 'partly' : ufwActive ? 'bypassUfw' : 'exposed',
      values: { ports: uncovered.map(label).join(', '), covered: covered.map(label).join(', ') },
      fix: { variant: 'restrict', command },
      facts,
    }
  },
}

/** Private ports a container may publish: the node's and ML node's, and the bridge's 30303 (tcp and udp). */
export const DOCKER_PRIVATE_PORTS: readonly number[] = [9100, 9200, 26657, 5050, 8080, 30303]

/**
 * Published bindings of private ports that the internet may reach: on every address, or on a
 * public one. Loopback and private-network bindings are not. One entry per host port and protocol.
 */
export function exposedPrivateBindings(
  containers: readonly ContainerPorts[],
): { hostPort: number; containerPort: number; proto: 'tcp' | 'udp'; name: string }[] {
  const out: { hostPort: number; containerPort: number; proto: 'tcp' | 'udp'; name: string }[] = []
  for (const ct of containers) {
    for (const b of ct.published) {
      if (!DOCKER_PRIVATE_PORTS.includes(b.hostPort)) continue
      if (b.proto !== 'tcp' && b.proto !== 'udp') continue
      const everywhere = b.hostIp === '0.0.0.0' || b.hostIp === '::' || b.hostIp === ''
      if (!everywhere && (isLoopbackAddress(b.hostIp) || isPrivateAddress(b.hostIp))) continue
      if (out.some((e) => e.hostPort === b.hostPort && e.proto === b.proto)) continue
      out.push({ hostPort: b.hostPort, containerPort: b.containerPort, proto: b.proto, name: ct.name })
    }
  }
  return out
}

/** A command line for the user to copy: every value shell-quoted (see `core/ssh/quote.ts`). */
export function shellLine(argv: readonly string[]): string {
  return buildCommand(argv)
}

/** Ports `ufw status` allows from `Anywhere` (`9200/tcp  ALLOW  Anywhere`, ranges expanded). */
export function parseUfwAllowedAnywhere(text: string): number[] {
  const out: number[] = []
  for (const line of text.split('\n')) {
    const m = /^(\d+)(?::(\d+))?(?:\/(tcp|udp))?\s+ALLOW(?:\s+IN)?\s+Anywhere\s*$/.exec(line.trim())
    if (!m || m[3] === 'udp') continue
    const first = Number(m[1])
    const last = m[2] ? Number(m[2]) : first
    for (let port = first; port <= last && port - first < 65536; port++) out.push(port)
  }
  return out
}

/** TCP ports of `firewall-cmd --list-ports` (`9100/tcp 8000-8100/tcp`, ranges expanded). */
export function parseFirewalldPorts(text: string): number[] {
  const out: number[] = []
  for (const item of text.trim().split(/\s+/)) {
    const m = /^(\d+)(?:-(\d+))?\/tcp$/.exec(item)
    if (!m) continue
    const first = Number(m[1])
    const last = m[2] ? Number(m[2]) : first
    for (let port = first; port <= last && port - first < 65536; port++) out.push(port)
  }
  return out
}

/** Containers of a Gonka deployment (so their ports count as "ours", not as a conflict). */
export function isOurContainer(name: string, image: string): boolean {
  return (
    /(^|\/)(product-science|gonka-ai)\//.test(image) ||
    /^(api|node|tmkms|proxy|proxy-ssl|bridge|versiond|explorer|inference|mlnode(-\d+)?|join-[\w-]+|deploy-[\w-]+)$/.test(
      name,
    )
  )
}

/** "1 × NVIDIA H100 80GB HBM3" or "4 × NVIDIA H100, 2 × NVIDIA A100". */
export function summariseGpus(gpus: readonly GpuInfo[]): string {
  const counts = new Map<string, number>()
  for (const g of gpus) counts.set(g.name, (counts.get(g.name) ?? 0) + 1)
  return [...counts].map(([name, n]) => `${n} × ${name}`).join(', ')
}

/** Evaluates the host checks `ids` (those with rules) on one probe report. */
export function evaluateHost(
  probe: ProbeOutput,
  ctx: HostRuleContext,
  ids: readonly CheckId[],
): CheckResult[] {
  const out: CheckResult[] = []
  for (const id of ids) {
    const rule = rules[id]
    if (!rule) continue
    out.push(toResult(id, ctx.server, rule(probe, ctx)))
  }
  return out
}

/** Check ids that the probe report answers (the rest are network checks). */
export const HOST_RULE_IDS = Object.keys(rules) as CheckId[]
