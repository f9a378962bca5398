import { writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { Destination } from '../../shared/destination'
import { PROFILE_SCHEMA_VERSION, profileSchema, type Profile, type Server } from '../../shared/profile'
import { openCliService, printFailure } from '../cli-service'
import { CliUsageError, destinationArg, parseOptions, type CliCommand } from '../io'

/** A profile id from a name or file name (`Lab split.json` → `lab-split`). */
export function profileIdFrom(text: string): string {
  const slug = text
    .replace(/\.json$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
  return /^[a-z0-9]/.test(slug) ? slug : `profile-${slug}`.replace(/-+$/, '').slice(0, 63)
}

/** `profile init`: saves a profile in the app's data folder (and writes it to --out FILE when given). */
export const profileCommand: CliCommand = {
  name: 'profile',
  usage:
    'profile init (--name NAME | --out FILE) --topology split|single --network USER@HOST[:PORT] [--ml NAME=USER@HOST[:PORT] ...] [--key FILE] [--known-hosts FILE] [--seed URL] [--force]',
  summary: "Save a profile describing the servers of one deployment in the app's data folder.",
  help: [
    "The profile is saved in the app's data folder, where the desktop app opens it and",
    '`check --profile NAME` finds it; with --out it is also written to FILE.',
    '',
    'Options:',
    '  --name NAME          the profile name (default: the --out file name); its id is NAME in lower case',
    '                       with dashes, e.g. "Lab split" → lab-split',
    '  --out FILE           also write the profile JSON to FILE',
    '  --topology T         split (one network server + ML servers) or single (one machine does both)',
    '  --network U@H[:P]    the network node server (single: the only server); port 1..65535, default 22',
    '  --ml NAME=U@H[:P]    an ML node server; repeat for each (split only)',
    '  --key FILE           private key for every server (default: ssh-agent)',
    '  --known-hosts FILE   an OpenSSH known_hosts file `check` also trusts for these hosts',
    "  --seed URL           the seed node's public API, e.g. http://node2.gonka.ai:8000 (for the model list)",
    '  --force              replace a saved profile with the same id',
    "Data folder: GHW_USER_DATA_DIR when set, else the app's (Linux: ~/.config/gonka-host-wizard).",
    'Exit status: 0 saved, 2 wrong usage or invalid profile, 1 anything else.',
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
      seed: { type: 'string' },
      force: { type: 'boolean' },
    })
    if (values.out === undefined && values.name === undefined)
      throw new CliUsageError('Give --name NAME (or --out FILE, whose name becomes the profile name).')
    if (values.out !== undefined && values.out.trim() === '') throw new CliUsageError('--out needs a file.')
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
    const server = (id: string, name: string, dest: Destination, role: Server['role']): Server => ({
      id,
      name,
      address: dest.host,
      port: dest.port,
      user: dest.user,
      auth,
      ...(keyPath ? { keyPath } : {}),
      role,
    })
    const servers: Server[] = [
      server(
        'network',
        'network',
        destinationArg('--network', values.network),
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
      servers.push(server(id, name, destinationArg(`--ml ${name}`, spec.slice(eq + 1)), 'ml'))
    }
    const name = (values.name ?? basename(values.out ?? '').replace(/\.json$/i, '')).trim()
    if (name === '' || name.length > 80)
      throw new CliUsageError('The profile name must be 1 to 80 characters.')
    const now = new Date().toISOString()
    const parsed = profileSchema.safeParse({
      schemaVersion: PROFILE_SCHEMA_VERSION,
      id: profileIdFrom(name),
      name,
      topology: values.topology,
      servers,
      ...(values.seed !== undefined ? { seedApiUrl: values.seed.trim() } : {}),
      ...(values['known-hosts'] ? { knownHostsPath: resolve(values['known-hosts']) } : {}),
      createdAt: now,
      updatedAt: now,
    })
    if (!parsed.success)
      throw new CliUsageError(`Not a valid profile: ${parsed.error.issues[0]?.message ?? ''}`)
    const cli = await openCliService(io)
    try {
      const listing = await cli.service.invoke('listProfiles', {})
      if (!listing.ok) {
        printFailure(io, listing.error)
        return 1
      }
      const clash = listing.value.profiles.find((p) => p.id === parsed.data.id)
      if (clash && values.force !== true)
        throw new CliUsageError(
          `A profile with id "${clash.id}" ("${clash.name}") is already saved in ${cli.dataDir}; use --force to replace it, or another --name.`,
        )
      // The service validates it as the app's form does (addresses, users, duplicates, topology, seed).
      const saved = await cli.service.invoke('saveProfile', { profile: parsed.data })
      if (!saved.ok) {
        printFailure(io, saved.error)
        return saved.error.code === 'INVALID_INPUT' ? 2 : 1
      }
      const profile: Profile = saved.value
      const list = servers.map((s) => `${s.name} (${s.role}) ${s.user}@${s.address}:${s.port}`).join(', ')
      io.out(`Saved profile "${profile.name}" (id ${profile.id}) in ${cli.dataDir}: ${list}`)
      if (values.out !== undefined) {
        await writeFile(values.out, JSON.stringify(profile, null, 2) + '\n', { mode: 0o600 })
        io.out(`Wrote ${values.out}`)
      }
      return 0
    } finally {
      await cli.close()
    }
  },
}
