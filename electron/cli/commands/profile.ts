import { writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import {
  PROFILE_SCHEMA_VERSION,
  profileSchema,
  validateAddress,
  type Profile,
  type Server,
} from '../../shared/profile'
import { CliUsageError, parseOptions, type CliCommand } from '../io'

/** `USER@HOST[:PORT]` (IPv6 in brackets) → parts; throws a usage error that names the flag. */
export function parseUserHost(flag: string, value: string): { user: string; address: string; port: number } {
  const m = /^([^@\s]+)@(\[[0-9A-Fa-f:.]+\]|[^:@\s]+)(?::(\d{1,5}))?$/.exec(value)
  if (!m?.[1] || !m[2]) throw new CliUsageError(`${flag} must be USER@HOST[:PORT], got "${value}".`)
  const port = m[3] === undefined ? 22 : Number(m[3])
  if (port < 1 || port > 65535) throw new CliUsageError(`${flag}: port ${port} is not in 1..65535.`)
  const address = m[2].replace(/^\[|\]$/g, '')
  const problem = validateAddress(m[2])
  if (problem) throw new CliUsageError(`${flag}: "${m[2]}" is not a valid host (${problem}).`)
  return { user: m[1], address, port }
}

/** A profile id from the output file name (`lab-split.json` → `lab-split`). */
function idFromFile(file: string): string {
  const slug = basename(file)
    .replace(/\.json$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
  return /^[a-z0-9]/.test(slug) ? slug : `profile-${slug}`.slice(0, 63)
}

/** `profile init`: writes a profile JSON for the headless `check` (and for the app to import). */
export const profileCommand: CliCommand = {
  name: 'profile',
  usage:
    'profile init --out FILE --topology split|single --network USER@HOST[:PORT] [--ml NAME=USER@HOST[:PORT] ...] [--key FILE] [--known-hosts FILE]',
  summary: 'Write a profile file describing the servers of one deployment.',
  help: [
    'Options:',
    '  --out FILE           where to write the profile JSON',
    '  --topology T         split (one network server + ML servers) or single (one machine does both)',
    '  --network U@H[:P]    the network node server (single: the only server)',
    '  --ml NAME=U@H[:P]    an ML node server; repeat for each (split only)',
    '  --key FILE           private key for every server (default: ssh-agent)',
    '  --known-hosts FILE   known_hosts used to verify host keys (default: ~/.ssh/known_hosts)',
  ].join('\n'),
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub !== 'init') throw new CliUsageError('Only "profile init" exists.')
    const { values } = parseOptions(rest, {
      out: { type: 'string' },
      topology: { type: 'string' },
      network: { type: 'string' },
      ml: { type: 'string', multiple: true },
      key: { type: 'string' },
      'known-hosts': { type: 'string' },
      name: { type: 'string' },
    })
    if (!values.out) throw new CliUsageError('--out is required.')
    if (values.topology !== 'split' && values.topology !== 'single')
      throw new CliUsageError('--topology must be split or single.')
    if (!values.network) throw new CliUsageError('--network is required.')
    const mls = values.ml ?? []
    if (values.topology === 'single' && mls.length > 0)
      throw new CliUsageError(
        '--ml is only for --topology split (single: the network server also runs the ML node).',
      )
    if (values.topology === 'split' && mls.length === 0)
      throw new CliUsageError('--topology split needs at least one --ml NAME=USER@HOST[:PORT].')
    const keyPath = values.key ? resolve(values.key) : undefined
    const auth = keyPath ? ('key' as const) : ('agent' as const)
    const server = (
      id: string,
      name: string,
      spec: { user: string; address: string; port: number },
      role: Server['role'],
    ): Server => ({
      id,
      name,
      address: spec.address,
      port: spec.port,
      user: spec.user,
      auth,
      ...(keyPath ? { keyPath } : {}),
      role,
    })
    const servers: Server[] = [
      server(
        'network',
        'network',
        parseUserHost('--network', values.network),
        values.topology === 'single' ? 'combined' : 'network',
      ),
    ]
    for (const spec of mls) {
      const eq = spec.indexOf('=')
      const name = eq > 0 ? spec.slice(0, eq) : ''
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
        throw new CliUsageError(`--ml must be NAME=USER@HOST[:PORT] with a simple NAME, got "${spec}".`)
      const id = name.toLowerCase().replace(/[^a-z0-9-]/g, '-')
      if (servers.some((s) => s.id === id || s.name === name))
        throw new CliUsageError(`--ml name "${name}" is used twice.`)
      servers.push(server(id, name, parseUserHost(`--ml ${name}`, spec.slice(eq + 1)), 'ml'))
    }
    const now = new Date().toISOString()
    const profile: Profile = profileSchema.parse({
      schemaVersion: PROFILE_SCHEMA_VERSION,
      id: idFromFile(values.out),
      name: values.name ?? basename(values.out).replace(/\.json$/i, ''),
      topology: values.topology,
      servers,
      createdAt: now,
      updatedAt: now,
    })
    // knownHostsPath: proposed optional profile field (the CLI's known_hosts); the app ignores it today.
    const file = {
      ...profile,
      ...(values['known-hosts'] ? { knownHostsPath: resolve(values['known-hosts']) } : {}),
    }
    await writeFile(values.out, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 })
    io.out(
      `Wrote ${values.out}: ${servers.map((s) => `${s.name} (${s.role}) ${s.user}@${s.address}:${s.port}`).join(', ')}`,
    )
    return 0
  },
}
