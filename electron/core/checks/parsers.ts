/**
 * Pure parsers of the command output the probe sends back. No I/O: each takes text and returns
 * facts, so they are tested on real captures (`fixtures/`) and on the lab hosts.
 */
import semver from 'semver'
import { z } from 'zod'

/** Facts from `/etc/os-release`. */
export interface OsRelease {
  readonly id: string
  readonly idLike: readonly string[]
  readonly versionId: string
  readonly prettyName: string
}

/** Parses `/etc/os-release` (shell-style KEY=value, values optionally quoted). */
export function parseOsRelease(text: string): OsRelease {
  const values = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim())
    if (!m?.[1]) continue
    values.set(m[1], (m[2] ?? '').replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1'))
  }
  return {
    id: values.get('ID') ?? '',
    idLike: (values.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
    versionId: values.get('VERSION_ID') ?? '',
    prettyName: values.get('PRETTY_NAME') ?? values.get('NAME') ?? '',
  }
}

/** Parses `uname -sm` (or the machine field of `uname -a`): kernel name and architecture. */
export function parseUname(text: string): { kernel: string; arch: string } {
  const parts = text.trim().split(/\s+/)
  const kernel = parts[0] ?? ''
  // `uname -a` ends with "... x86_64 x86_64 x86_64 GNU/Linux"; `uname -sm` is "Linux x86_64".
  const arch =
    parts.length === 2
      ? (parts[1] ?? '')
      : (parts.find((p) => /^(x86_64|aarch64|arm64|amd64|i[3-6]86|ppc64le|s390x|riscv64)$/.test(p)) ?? '')
  return { kernel, arch }
}

/** The first integer of `nproc` output. */
export function parseNproc(text: string): number | undefined {
  const m = /^\s*(\d+)/.exec(text)
  return m?.[1] ? Number(m[1]) : undefined
}

/** `MemTotal` from `/proc/meminfo`, in bytes. */
export function parseMeminfoTotal(text: string): number | undefined {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text)
  return m?.[1] ? Number(m[1]) * 1024 : undefined
}

/** The total of `free -b` (the `Mem:` line), in bytes. */
export function parseFreeTotal(text: string): number | undefined {
  const m = /^Mem:\s+(\d+)/m.exec(text)
  return m?.[1] ? Number(m[1]) : undefined
}

/** One line of `df -PB1`. */
export interface DfEntry {
  readonly source: string
  readonly sizeBytes: number
  readonly usedBytes: number
  readonly availableBytes: number
  readonly mountPoint: string
}

/** Parses `df -PB1 PATH...` (POSIX format, 1-byte blocks). Mount points may contain spaces. */
export function parseDf(text: string): DfEntry[] {
  const out: DfEntry[] = []
  for (const line of text.split('\n').slice(1)) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+(.+)$/.exec(line.trim())
    if (!m) continue
    out.push({
      source: m[1] ?? '',
      sizeBytes: Number(m[2]),
      usedBytes: Number(m[3]),
      availableBytes: Number(m[4]),
      mountPoint: m[5] ?? '',
    })
  }
  return out
}

interface LsblkDevice {
  name: string
  rota?: boolean | string | null
  type?: string | null
  mountpoint?: string | null
  tran?: string | null
  children?: LsblkDevice[]
}
const lsblkDevice: z.ZodType<LsblkDevice> = z.lazy(() =>
  z.object({
    name: z.string(),
    rota: z.union([z.boolean(), z.string(), z.null()]).optional(),
    type: z.string().nullable().optional(),
    mountpoint: z.string().nullable().optional(),
    tran: z.string().nullable().optional(),
    children: z.array(lsblkDevice).optional(),
  }),
)
const lsblkSchema = z.object({ blockdevices: z.array(lsblkDevice) })

/** What lsblk says about the device behind a mount point. */
export interface DiskKind {
  readonly device: string
  /** True for spinning disks (ROTA=1). Virtual disks often report 1 too, hence a warning, not a failure. */
  readonly rotational: boolean
  readonly transport?: string
}

/**
 * Finds the block device behind `mountPoint` (or behind the df source device) in `lsblk -J` output.
 * For partitions, LVM and RAID the disk's own ROTA/TRAN are used when the child has none.
 */
export function findDiskKind(lsblkJson: string, mountPoint: string, source?: string): DiskKind | undefined {
  let parsed: z.infer<typeof lsblkSchema>
  try {
    parsed = lsblkSchema.parse(JSON.parse(lsblkJson))
  } catch {
    return undefined
  }
  const sourceName = source?.replace(/^\/dev\/(mapper\/)?/, '')
  const rota = (v: LsblkDevice['rota']): boolean | undefined =>
    v === null || v === undefined ? undefined : v === true || v === '1'
  let found: DiskKind | undefined
  const walk = (dev: LsblkDevice, parents: LsblkDevice[]): void => {
    if (found) return
    if (dev.mountpoint === mountPoint || (sourceName !== undefined && dev.name === sourceName)) {
      const chain = [dev, ...parents.slice().reverse()]
      const r = chain.map((d) => rota(d.rota)).find((v) => v !== undefined)
      const tran = chain.map((d) => d.tran).find((t) => typeof t === 'string')
      found = { device: dev.name, rotational: r ?? false, ...(tran ? { transport: tran } : {}) }
      return
    }
    for (const child of dev.children ?? []) walk(child, [...parents, dev])
  }
  for (const dev of parsed.blockdevices) walk(dev, [])
  return found
}

/** Parses the probe's `docker version --format '{{.Client.Version}} {{.Server.Version}}'`. */
export function parseDockerVersions(text: string): { client?: string; server?: string } {
  const [client, server] = text.trim().split(/\s+/)
  return { ...(client ? { client } : {}), ...(server ? { server } : {}) }
}

/** Why the Docker daemon did not answer, from the CLI's error text. */
export function classifyDockerError(stderr: string): 'permission' | 'not-running' | 'other' {
  if (/permission denied/i.test(stderr)) return 'permission'
  if (
    /cannot connect to the docker daemon|is the docker daemon running|no such file or directory/i.test(stderr)
  )
    return 'not-running'
  return 'other'
}

/**
 * Parses `docker compose version` / `docker-compose version --short`. Accepts the upstream form
 * (`Docker Compose version v2.26.1`), Debian's (`Docker Compose version 2.26.1-4`) and bare versions.
 */
export function parseComposeVersion(text: string): { raw: string; version: string } | undefined {
  const m = /(?:version\s+)?v?(\d+\.\d+(?:\.\d+)?)([-+.\w]*)/i.exec(text.trim())
  if (!m?.[1]) return undefined
  const coerced = semver.coerce(m[1])
  if (!coerced) return undefined
  return { raw: `${m[1]}${m[2] ?? ''}`, version: coerced.version }
}

/** The version number in `git --version` / `curl --version`. */
export function parseToolVersion(text: string): string | undefined {
  const first = text.split('\n')[0] ?? ''
  return /(\d+\.\d+(?:\.\d+)?)/.exec(first)?.[1]
}

/** `timedatectl status`: whether the clock is NTP-synchronised (undefined when not said). */
export function parseTimedatectl(text: string): { synchronized?: boolean; ntpService?: string } {
  const sync = /(?:System clock synchronized|NTP synchronized):\s*(yes|no)/i.exec(text)?.[1]
  const service = /NTP service:\s*(\S+)/i.exec(text)?.[1]
  return {
    ...(sync ? { synchronized: sync.toLowerCase() === 'yes' } : {}),
    ...(service ? { ntpService: service } : {}),
  }
}

/** `chronyc -n tracking`: "Leap status : Normal" means chrony keeps the clock synchronised. */
export function parseChronyTracking(text: string): { synchronized?: boolean } {
  const leap = /^Leap status\s*:\s*(.+)$/im.exec(text)?.[1]?.trim()
  if (!leap) return {}
  return { synchronized: !/not synchroni[sz]ed/i.test(leap) }
}

/**
 * How far a host's clock is from this computer's, in whole seconds, from the host's `date +%s` read at
 * some moment while the command ran between `startMs` and `endMs` (this computer's clock): the least
 * difference consistent with the reading, so 0 when they may agree; positive when the host is ahead.
 */
export function clockOffsetSeconds(
  remoteEpoch: string,
  window: { startMs: number; endMs: number },
): number | undefined {
  const trimmed = remoteEpoch.trim()
  if (!/^\d{9,12}$/.test(trimmed)) return undefined
  const remoteMs = Number(trimmed) * 1000
  // The host's true time at the reading lies in [remoteMs, remoteMs + 1000).
  // At least this far apart, in whole seconds (0 when they may agree).
  if (remoteMs + 1000 < window.startMs) return 0 - Math.floor((window.startMs - remoteMs - 1000) / 1000) || 0
  if (remoteMs > window.endMs) return Math.floor((remoteMs - window.endMs) / 1000)
  return 0
}

/** A listening TCP socket from `/proc/net/tcp{,6}`. */
export interface ListeningSocket {
  readonly address: string
  readonly port: number
  readonly family: 4 | 6
}

function hexToIpv4(hex: string): string {
  // The kernel prints the address as a host-order (little-endian on x86) 32-bit word.
  const bytes = [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16))
  return bytes.join('.')
}

function hexToIpv6(hex: string): string {
  if (/^0+$/.test(hex)) return '::'
  if (hex === '00000000000000000000000001000000') return '::1'
  const words: string[] = []
  for (let w = 0; w < 4; w++) {
    const chunk = hex.slice(w * 8, w * 8 + 8)
    const le = [6, 4, 2, 0].map((i) => chunk.slice(i, i + 2)).join('')
    words.push(le.slice(0, 4), le.slice(4, 8))
  }
  return words
    .map((x) => x.replace(/^0+(?=.)/, ''))
    .join(':')
    .toLowerCase()
}

/** Listening TCP sockets (state 0A) from the concatenated `/proc/net/tcp` and `/proc/net/tcp6`. */
export function parseProcNetTcp(text: string): ListeningSocket[] {
  const out: ListeningSocket[] = []
  for (const line of text.split('\n')) {
    const m =
      /^\s*\d+:\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+[0-9A-Fa-f]+:[0-9A-Fa-f]{4}\s+([0-9A-Fa-f]{2})\s/.exec(
        line,
      )
    if (!m?.[1] || !m[2] || m[3]?.toUpperCase() !== '0A') continue
    const v6 = m[1].length === 32
    out.push({
      address: v6 ? hexToIpv6(m[1]) : hexToIpv4(m[1]),
      port: parseInt(m[2], 16),
      family: v6 ? 6 : 4,
    })
  }
  return out
}

/** A port published by a container, from `docker ps --format '{{.Ports}}'`. */
export interface PublishedPort {
  readonly hostIp: string
  readonly hostPort: number
  readonly containerPort: number
  readonly proto: string
}

/** One container from the probe's `docker ps --format '{{.Names}}\t{{.Image}}\t{{.Ports}}'`. */
export interface ContainerPorts {
  readonly name: string
  readonly image: string
  readonly published: readonly PublishedPort[]
}

/** Parses the probe's `docker ps` lines; ranges like `0.0.0.0:8000-8001->8000-8001/tcp` are expanded. */
export function parseDockerPs(text: string): ContainerPorts[] {
  const out: ContainerPorts[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    const [name = '', image = '', ports = ''] = line.split('\t')
    const published: PublishedPort[] = []
    for (const item of ports.split(',').map((s) => s.trim())) {
      const m = /^(.*):(\d+)(?:-(\d+))?->(\d+)(?:-(\d+))?\/(\w+)$/.exec(item)
      if (!m) continue
      const first = Number(m[2])
      const last = m[3] ? Number(m[3]) : first
      const cFirst = Number(m[4])
      for (let p = first; p <= last && p - first < 1000; p++) {
        published.push({
          hostIp: (m[1] ?? '').replace(/^\[|\]$/g, ''),
          hostPort: p,
          containerPort: cFirst + (p - first),
          proto: m[6] ?? 'tcp',
        })
      }
    }
    out.push({ name: name.trim(), image: image.trim(), published })
  }
  return out
}

/** `ufw status`: active, inactive, or undefined when it could not be read (not root, no sudo). */
export function parseUfwStatus(text: string): boolean | undefined {
  const m = /^Status:\s*(active|inactive)/im.exec(text)
  return m?.[1] ? m[1].toLowerCase() === 'active' : undefined
}

/** One GPU from `nvidia-smi --query-gpu=...`. */
export interface GpuInfo {
  readonly index: number
  readonly name: string
  readonly memoryMiB: number
  readonly driver?: string
  readonly computeCap?: string
}

/**
 * Parses `nvidia-smi --query-gpu=<fields> --format=csv[,noheader][,nounits]` given the field list the
 * command asked for. Values with units (`81559 MiB`) and a header line are accepted too.
 */
export function parseGpuQuery(text: string, fields: readonly string[]): GpuInfo[] {
  const col = (f: string): number => fields.indexOf(f)
  const out: GpuInfo[] = []
  for (const line of text.split('\n')) {
    const cells = line.split(',').map((c) => c.trim())
    if (cells.length < fields.length || cells[0] === undefined || /^index$|^name$/i.test(cells[0])) continue
    const memText = cells[col('memory.total')] ?? ''
    const mem = /^(\d+(?:\.\d+)?)/.exec(memText)?.[1]
    if (mem === undefined) continue
    const index = col('index') >= 0 ? Number(cells[col('index')]) : out.length
    const driver = col('driver_version') >= 0 ? cells[col('driver_version')] : undefined
    const cap = col('compute_cap') >= 0 ? cells[col('compute_cap')] : undefined
    out.push({
      index: Number.isFinite(index) ? index : out.length,
      name: cells[col('name')] ?? '',
      memoryMiB: Number(mem),
      ...(driver ? { driver } : {}),
      ...(cap ? { computeCap: cap } : {}),
    })
  }
  return out
}

/** Driver and CUDA versions from the banner of plain `nvidia-smi` or from `nvidia-smi --version`. */
export function parseNvidiaVersions(text: string): { driver?: string; cuda?: string } {
  const driver =
    /Driver Version:\s*([\d.]+)/i.exec(text)?.[1] ?? /DRIVER version\s*:\s*([\d.]+)/i.exec(text)?.[1]
  const cuda = /CUDA Version\s*:?\s*([\d.]+)/i.exec(text)?.[1]
  return { ...(driver ? { driver } : {}), ...(cuda ? { cuda } : {}) }
}

/** Runtime names from `docker info --format '{{json .Runtimes}}'`. */
export function parseDockerRuntimes(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text.trim() || 'null')
    return value && typeof value === 'object' ? Object.keys(value) : []
  } catch {
    return []
  }
}

/** Docker's own account of a failed `docker run --gpus`: no GPU driver registered vs anything else. */
export function classifyGpuRunError(text: string): 'no-gpu-driver' | 'other' {
  return /could not select device driver|nvidia-container-cli|unknown or invalid runtime/i.test(text)
    ? 'no-gpu-driver'
    : 'other'
}
