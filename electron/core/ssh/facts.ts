import type { HostFacts, Privilege, SudoAccess } from '../../shared/ops/ssh'
import { AppFailure } from '../errors'
import type { HostTarget, RemoteExecutor } from './types'

/**
 * The probe, sent on stdin to `sh -s` (never on the command line). Prints `key=value` lines; every
 * value is produced by a fixed command, nothing from the user is interpolated.
 */
const FACTS_SCRIPT = `
if [ -r /etc/os-release ]; then . /etc/os-release; fi
printf 'os_id=%s\\n' "\${ID:-}"
printf 'os_version=%s\\n' "\${VERSION_ID:-}"
printf 'os_name=%s\\n' "\${PRETTY_NAME:-}"
printf 'user=%s\\n' "$(id -un)"
printf 'uid=%s\\n' "$(id -u)"
printf 'groups=%s\\n' "$(id -Gn)"
printf 'shell=%s\\n' "\${SHELL:-}"
if command -v sudo >/dev/null 2>&1; then
  printf 'sudo_installed=1\\n'
  if sudo -n true >/dev/null 2>&1; then printf 'sudo_nopasswd=1\\n'; else printf 'sudo_nopasswd=0\\n'; fi
else
  printf 'sudo_installed=0\\n'
fi
if command -v docker >/dev/null 2>&1; then
  printf 'docker_cli=1\\n'
  # Proof, not group membership: the daemon answered this user (or passwordless sudo).
  if docker info >/dev/null 2>&1; then printf 'docker_info=1\\n'; else printf 'docker_info=0\\n'; fi
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n docker info >/dev/null 2>&1; then
    printf 'sudo_docker=1\\n'
  fi
else
  printf 'docker_cli=0\\n'
fi
s=/var/run/docker.sock
if [ -S "$s" ]; then
  printf 'docker_socket=1\\n'
  if [ -r "$s" ] && [ -w "$s" ]; then printf 'docker_socket_rw=1\\n'; else printf 'docker_socket_rw=0\\n'; fi
else
  printf 'docker_socket=0\\n'
fi
`

/** Parses the probe's `key=value` output (pure; tested with captured output). */
export function parseFactsOutput(stdout: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1).trim()
  }
  return out
}

/** Groups that usually grant sudo with the user's password on Debian/Ubuntu and RHEL-likes. */
const SUDO_GROUPS = new Set(['sudo', 'wheel', 'admin'])

/** Builds {@link HostFacts} from parsed probe output; `passwordSudoWorks` is the verified answer, if any. */
export function factsFrom(raw: Record<string, string>, passwordSudoWorks?: boolean): HostFacts {
  const uid = Number(raw.uid ?? '-1')
  const groups = (raw.groups ?? '').split(/\s+/).filter(Boolean)
  const isRoot = uid === 0
  let sudo: SudoAccess
  if (isRoot) sudo = 'root'
  else if (raw.sudo_installed !== '1') sudo = 'not-installed'
  else if (raw.sudo_nopasswd === '1') sudo = 'passwordless'
  else if (passwordSudoWorks === true) sudo = 'password'
  else if (passwordSudoWorks === false) sudo = 'none'
  else sudo = groups.some((g) => SUDO_GROUPS.has(g)) ? 'password-unverified' : 'none'
  const socket = raw.docker_socket === '1'
  const socketAccess = socket && raw.docker_socket_rw === '1'
  // Only what was proved counts: a sudo group without a checked password is "unverified", not admin.
  const admin = sudo === 'root' || sudo === 'passwordless' || sudo === 'password'
  const docker =
    raw.docker_info === '1' ||
    raw.sudo_docker === '1' ||
    isRoot ||
    socketAccess ||
    (admin && raw.docker_cli === '1')
  const unverified: Privilege[] = []
  if (sudo === 'password-unverified') {
    unverified.push('admin')
    if (!docker) unverified.push('docker')
  }
  return {
    os: { id: raw.os_id ?? '', versionId: raw.os_version ?? '', prettyName: raw.os_name ?? '' },
    user: raw.user ?? '',
    uid,
    isRoot,
    groups,
    shell: raw.shell ?? '',
    sudo,
    docker: { cli: raw.docker_cli === '1', socket, socketAccess, inDockerGroup: groups.includes('docker') },
    can: {
      admin,
      adminWithoutPrompt: sudo === 'root' || sudo === 'passwordless',
      docker,
      unverified,
    },
  }
}

/**
 * Probes the privilege facts of a host: OS, user, root, sudo (without password, and with the login
 * password when one is given — it goes to `sudo -S` on stdin), docker group and socket access.
 */
export async function probeHostFacts(
  executor: RemoteExecutor,
  target: HostTarget,
  options: { password?: string; signal?: AbortSignal } = {},
): Promise<HostFacts> {
  const result = await executor.exec(target, ['sh', '-s'], {
    stdin: FACTS_SCRIPT,
    timeoutMs: 20_000,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  if (result.code !== 0) {
    throw new AppFailure('REMOTE_COMMAND_FAILED', `Reading the facts of ${target.host} failed.`, {
      hint: 'The login shell may not be a POSIX shell; see the details.',
      details: { host: target.host, exitCode: result.code ?? -1, stderr: result.stderr.slice(0, 500) },
    })
  }
  const raw = parseFactsOutput(result.stdout)
  let passwordSudoWorks: boolean | undefined
  if (
    options.password !== undefined &&
    raw.uid !== '0' &&
    raw.sudo_installed === '1' &&
    raw.sudo_nopasswd !== '1'
  ) {
    // -k: ignore cached credentials so the answer is about the password; -p '': no prompt text.
    const check = await executor.exec(target, ['sudo', '-S', '-k', '-p', '', 'true'], {
      stdin: options.password + '\n',
      timeoutMs: 20_000,
      ...(options.signal ? { signal: options.signal } : {}),
    })
    passwordSudoWorks = check.code === 0
  }
  return factsFrom(raw, passwordSudoWorks)
}
