import type { CheckCatalogueEntry, CheckId } from '../../shared/checks'
import type { ServerRole } from '../../shared/profile'

const DOCS = 'https://gonka.ai/host/quickstart/'
const HW = 'https://gonka.ai/host/hardware-specifications/'
const ALL: readonly ServerRole[] = ['network', 'ml', 'combined']
const NET: readonly ServerRole[] = ['network', 'combined']
const ML: readonly ServerRole[] = ['ml', 'combined']

type Entry = Omit<CheckCatalogueEntry, 'id' | 'titleKey' | 'whyKey'>

const entries: Record<CheckId, Entry> = {
  'ssh.connect': {
    roles: ALL,
    severity: 'required',
    scope: 'host',
    probes: 'SSH login and the probe script',
    rule: 'The host accepts the SSH login and runs the probe.',
    docUrl: DOCS,
  },
  'os.platform': {
    roles: ALL,
    severity: 'required',
    scope: 'host',
    probes: 'uname -sm, /etc/os-release',
    rule: 'Linux on x86_64; Ubuntu or Debian recommended.',
    docUrl: DOCS,
  },
  'cpu.cores': {
    roles: ALL,
    severity: 'recommended',
    scope: 'host',
    probes: 'nproc',
    rule: 'At least 16 CPU cores.',
    docUrl: HW,
  },
  'memory.total': {
    roles: ALL,
    severity: 'required',
    scope: 'host',
    probes: '/proc/meminfo',
    rule: 'Network node: 64 GB recommended, at least 16 GB. ML node: at least 1.5 × its total GPU memory.',
    docUrl: HW,
  },
  'disk.free': {
    roles: NET,
    severity: 'required',
    scope: 'host',
    probes: 'df -PB1 on the deployment folder',
    rule: '250 GB free recommended where the chain data lives, at least 50 GB.',
    docUrl: 'https://gonka.ai/FAQ/',
  },
  'disk.ssd': {
    roles: NET,
    severity: 'recommended',
    scope: 'host',
    probes: 'lsblk ROTA and TRAN of that disk',
    rule: 'Chain data on an SSD or NVMe disk.',
    docUrl: HW,
  },
  'docker.engine': {
    roles: ALL,
    severity: 'required',
    scope: 'host',
    probes: 'docker version',
    rule: 'Docker Engine installed and running.',
    docUrl: 'https://docs.docker.com/engine/install/',
  },
  'docker.access': {
    roles: ALL,
    severity: 'required',
    scope: 'host',
    probes: 'docker version as the SSH user, then sudo -n',
    rule: 'The SSH user can use Docker: root, the docker group, or passwordless sudo.',
    docUrl: 'https://docs.docker.com/engine/install/linux-postinstall/',
    dependsOn: ['docker.engine'],
  },
  'docker.compose': {
    roles: ALL,
    severity: 'required',
    scope: 'host',
    probes: 'docker compose version, docker-compose version',
    rule: 'Docker Compose v2, version 2.20 or newer (v1 cannot read the Gonka compose files).',
    docUrl: 'https://docs.docker.com/compose/install/linux/',
  },
  'tools.git': {
    roles: ALL,
    severity: 'required',
    scope: 'host',
    probes: 'git --version',
    rule: 'git installed (the deployment files are cloned).',
    docUrl: DOCS,
  },
  'tools.curl': {
    roles: ALL,
    severity: 'recommended',
    scope: 'host',
    probes: 'curl --version',
    rule: 'curl installed (health checks, manual commands).',
    docUrl: DOCS,
  },
  'clock.sync': {
    roles: ALL,
    severity: 'recommended',
    scope: 'host',
    probes: 'timedatectl status; chronyc -n tracking; date +%s (compared with this computer)',
    rule: 'The system clock is synchronised (NTP); without a readable time service, within 2 s of this computer.',
    docUrl: DOCS,
  },
  'ports.free': {
    roles: ALL,
    severity: 'required',
    scope: 'host',
    probes: '/proc/net/tcp{,6}, docker ps',
    rule: 'Network node: 5000, 8000, 8443, 9100, 9200 free; ML node: 5050, 8080 free — or held by our own containers.',
    docUrl: DOCS,
  },
  'gpu.driver': {
    roles: ML,
    severity: 'required',
    scope: 'host',
    probes: 'nvidia-smi --query-gpu',
    rule: 'nvidia-smi works and lists at least one GPU.',
    docUrl: HW,
  },
  'gpu.cuda': {
    roles: ML,
    severity: 'required',
    scope: 'host',
    probes: 'nvidia-smi banner',
    rule: 'The driver supports CUDA 12.6 or newer.',
    docUrl: DOCS,
    dependsOn: ['gpu.driver'],
  },
  'gpu.vram': {
    roles: ML,
    severity: 'required',
    scope: 'host',
    probes: 'nvidia-smi memory.total per GPU',
    rule: "Total GPU memory at least the chosen model's need per ML node (from the network's governance model list).",
    docUrl: HW,
    dependsOn: ['gpu.driver'],
  },
  'gpu.toolkit': {
    roles: ML,
    severity: 'required',
    scope: 'host',
    probes: 'nvidia-ctk, nvidia-container-cli, docker run --gpus all',
    rule: 'NVIDIA Container Toolkit installed and Docker can start containers with --gpus.',
    docUrl: 'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html',
    dependsOn: ['docker.engine'],
  },
  'hf.cache': {
    roles: ML,
    severity: 'required',
    scope: 'host',
    probes: 'HF_HOME write test, df',
    rule: 'HF_HOME is writable and has room for the model weights.',
    docUrl: DOCS,
  },
  'firewall.state': {
    roles: ALL,
    severity: 'recommended',
    scope: 'host',
    probes: 'ufw status, firewall-cmd --state and --list-ports, iptables -S (INPUT walked rule by rule)',
    rule: 'A firewall is active (a connection to a port nobody opened is dropped) and none of the private ports is allowed from every address.',
    docUrl: DOCS,
  },
  'firewall.docker-bypass': {
    roles: ALL,
    severity: 'recommended',
    scope: 'host',
    probes: 'docker ps published ports, iptables -S (DOCKER-USER walked per port)',
    rule: 'Each private port a container publishes on every (or a public) address (9100, 9200, 26657, 5050, 8080, 30303) is dropped for outside sources by the DOCKER-USER chain (Docker bypasses ufw).',
    docUrl: DOCS,
  },
  'net.callback': {
    roles: ['ml'],
    severity: 'required',
    scope: 'between-hosts',
    probes: 'TCP connect from the ML host to the network host :9100',
    rule: 'The ML host reaches the network host on 9100 (PoC callback).',
    docUrl: DOCS,
  },
  'net.inference': {
    roles: ['ml'],
    severity: 'required',
    scope: 'between-hosts',
    probes: 'TCP connect from the network host to the ML host :5050',
    rule: 'The network host reaches the ML host on 5050 (inference).',
    docUrl: DOCS,
  },
  'net.poc': {
    roles: ['ml'],
    severity: 'required',
    scope: 'between-hosts',
    probes: 'TCP connect from the network host to the ML host :8080',
    rule: 'The network host reaches the ML host on 8080 (ML management and PoC).',
    docUrl: DOCS,
  },
  'outside.public': {
    roles: NET,
    severity: 'recommended',
    scope: 'from-desktop',
    probes: 'TCP connect from this computer to 5000 and 8000',
    rule: '5000 (P2P) and 8000 (API) are reachable on the public address.',
    docUrl: DOCS,
  },
  'outside.private': {
    roles: ALL,
    severity: 'recommended',
    scope: 'from-desktop',
    probes: 'TCP connect from this computer to 9100, 9200, 26657, 5050, 8080',
    rule: 'Private ports are not reachable from outside.',
    docUrl: DOCS,
  },
}

/** The check catalogue, in display order: host checks, then network checks. */
export const CHECK_CATALOGUE: readonly CheckCatalogueEntry[] = Object.entries(entries).map(([id, e]) => ({
  id: id as CheckId,
  titleKey: `checks.${id}.title`,
  whyKey: `checks.${id}.why`,
  ...e,
}))

/** The catalogue entry of one check. */
export function catalogueEntry(id: CheckId): CheckCatalogueEntry {
  const entry = CHECK_CATALOGUE.find((e) => e.id === id)
  if (!entry) throw new Error(`no catalogue entry for ${id}`)
  return entry
}

/** Check ids that apply to a role, in catalogue order. */
export function checksForRole(role: ServerRole): CheckId[] {
  return CHECK_CATALOGUE.filter((e) => e.roles.includes(role)).map((e) => e.id)
}

/** Ports the deployment needs free on a host of this role. */
export function portsForRole(role: ServerRole): number[] {
  const network = [5000, 8000, 8443, 9100, 9200]
  const ml = [5050, 8080]
  return role === 'network' ? network : role === 'ml' ? ml : [...network, ...ml]
}

/** Ports that must stay private (never reachable from outside) on a host of this role. */
export function privatePortsForRole(role: ServerRole): number[] {
  const network = [9100, 9200, 26657]
  const ml = [5050, 8080]
  return role === 'network' ? network : role === 'ml' ? ml : [...network, ...ml]
}

/** Ports that must be reachable from outside on a host of this role. */
export function publicPortsForRole(role: ServerRole): number[] {
  return role === 'ml' ? [] : [5000, 8000]
}
