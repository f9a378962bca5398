// `npm run lab -- up|down|status`: the lab for a developer's shell and for CI.
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { ALL_HOSTS, defaultOutDir, hostsJsonPath, labDown, labStatus, labUp, LabError } from './lab-control'

const USAGE = `usage: npm run lab -- up [--prefix P] [--hosts net,ml1,ml2,seed] [--sudo nopasswd|password|none] [--no-images] [--out DIR]
       npm run lab -- status
       npm run lab -- down [--prefix P] [--out DIR]`

const argsSchema = z.object({
  command: z.enum(['up', 'down', 'status']),
  prefix: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,9}$/, 'prefix: a lowercase letter, then up to 9 letters or digits'),
  hosts: z
    .string()
    .transform((s) => s.split(',').filter((h) => h !== ''))
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9]{0,5}$/)).min(1)),
  sudo: z.enum(['nopasswd', 'password', 'none']),
  out: z.string().startsWith('/').optional(),
  images: z.boolean(),
})

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      prefix: { type: 'string', default: process.env.LAB_PREFIX ?? 'dev' },
      hosts: { type: 'string', default: ALL_HOSTS.join(',') },
      sudo: { type: 'string', default: 'nopasswd' },
      out: { type: 'string' },
      'no-images': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help || positionals.length !== 1) {
    console.log(USAGE)
    return values.help ? 0 : 2
  }
  const parsed = argsSchema.safeParse({
    command: positionals[0],
    prefix: values.prefix,
    hosts: values.hosts,
    sudo: values.sudo,
    out: values.out,
    images: !values['no-images'],
  })
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'))
    console.error(USAGE)
    return 2
  }
  const a = parsed.data
  const out = a.out ?? defaultOutDir(a.prefix)
  try {
    if (a.command === 'up') {
      const lab = await labUp({
        prefix: a.prefix,
        hosts: a.hosts,
        sudoMode: a.sudo,
        images: a.images,
        outDir: out,
        output: 'inherit',
        cleanupOnFailure: false,
      })
      for (const h of lab.hosts)
        console.log(
          `${h.name.padEnd(5)} ${h.address}  ssh -i ${lab.clientKeyPath} -o UserKnownHostsFile=${lab.knownHostsPath} ${h.user}@${h.address}`,
        )
      console.log(`hosts.json: ${hostsJsonPath(out)}  (password login: see hosts.json)`)
    } else if (a.command === 'down') {
      await labDown(a.prefix, { outDir: out, output: 'inherit' })
    } else {
      await labStatus('inherit')
    }
    return 0
  } catch (error) {
    if (error instanceof LabError) {
      console.error(error.message.split('\n')[0])
      if (a.command === 'up') console.error(`clean up with: npm run lab -- down --prefix ${a.prefix}`)
      return 1
    }
    throw error
  }
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(error)
    process.exitCode = 1
  },
)
