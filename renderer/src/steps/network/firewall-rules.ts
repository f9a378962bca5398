import type { CheckResult } from '../../../../electron/shared/checks'
import type { Profile } from '../../../../electron/shared/profile'

/**
 * The server a fix must run on: a path between hosts is opened on its target, everything else on
 * the host that was checked.
 */
function hostOfFix(result: CheckResult): string {
  if (result.checkId.startsWith('net.')) return result.paths?.[0]?.to ?? result.serverId
  return result.serverId
}

/** The firewall commands of every open problem of step 5, gathered per server. */
export function suggestedRules(profile: Profile, results: readonly CheckResult[]): Map<string, string[]> {
  const byHost = new Map<string, string[]>()
  for (const r of results) {
    if ((r.status !== 'fail' && r.status !== 'warn') || !r.fix?.command) continue
    const host = hostOfFix(r)
    if (!profile.servers.some((s) => s.id === host)) continue
    const lines = byHost.get(host) ?? []
    for (const line of r.fix.command.split('\n'))
      if (line.trim() !== '' && !lines.includes(line)) lines.push(line)
    byHost.set(host, lines)
  }
  // ufw applies the first rule that matches: an allow for one source must come before a deny of the port.
  const allowFirst = (line: string): number => (/^sudo ufw allow from /.test(line) ? 0 : 1)
  for (const [host, lines] of byHost)
    byHost.set(
      host,
      [...lines].sort((a, b) => allowFirst(a) - allowFirst(b)),
    )
  return byHost
}
