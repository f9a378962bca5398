import type { HostFacts, Privilege } from '../../../../../electron/shared/ops/ssh'

/**
 * Which later work needs which privilege (the renderer may import only types from the contract, so
 * this mirrors PRIVILEGE_NEEDS in electron/shared/ops/ssh.ts by key; texts are in connection.json).
 */
export const PRIVILEGE_USES: Readonly<Record<Privilege, readonly string[]>> = {
  login: ['prerequisites', 'mlNodes'],
  admin: ['prerequisitesFirewall', 'installDocker', 'networkFirewall'],
  docker: ['keys', 'launch', 'status'],
}

/** The privileges in the order the facts list them. */
export const PRIVILEGES: readonly Privilege[] = ['login', 'admin', 'docker']

/** Whether the host gives the privilege: proved, not proved either way (`unverified`), or missing. */
export function privilegeState(facts: HostFacts, privilege: Privilege): 'has' | 'unverified' | 'missing' {
  if (privilege === 'login') return 'has'
  if (privilege === 'admin' ? facts.can.admin : facts.can.docker) return 'has'
  // Facts from an older back end have no `unverified` list.
  return (facts.can.unverified ?? []).includes(privilege) ? 'unverified' : 'missing'
}

/** How the user reaches Docker, as a key under connection.facts.dockerState. */
export function dockerState(
  facts: HostFacts,
): 'socket' | 'root' | 'sudo' | 'sudoUnverified' | 'missing' | 'none' {
  if (!facts.docker.cli && !facts.docker.socket) return 'missing'
  if (facts.isRoot) return 'root'
  if (facts.docker.socketAccess) return 'socket'
  if (facts.can.docker) return 'sudo'
  if ((facts.can.unverified ?? []).includes('docker')) return 'sudoUnverified'
  return 'none'
}
