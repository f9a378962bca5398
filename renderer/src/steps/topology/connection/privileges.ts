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

/** Whether the host gives the privilege. */
export function hasPrivilege(facts: HostFacts, privilege: Privilege): boolean {
  if (privilege === 'login') return true
  if (privilege === 'admin') return facts.can.admin
  return facts.can.docker
}

/** How the user reaches Docker, as a key under connection.facts.dockerState. */
export function dockerState(facts: HostFacts): 'socket' | 'root' | 'sudo' | 'missing' | 'none' {
  if (!facts.docker.cli && !facts.docker.socket) return 'missing'
  if (facts.isRoot) return 'root'
  if (facts.docker.socketAccess) return 'socket'
  if (facts.can.admin) return 'sudo'
  return 'none'
}
