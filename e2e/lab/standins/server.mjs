// Entry of every Gonka stand-in image: `node /app/server.mjs`, role from STANDIN_ROLE.
// Plain Node >= 20, no npm packages. Each role says it is a stand-in, in its first log
// line and in the X-Gonka-Standin response header.
import { banner, envPort, installShutdown, log } from './lib/common.mjs'

const role = process.env.STANDIN_ROLE || ''
const args = process.argv.slice(2)
const roles = [
  'api',
  'proxy',
  'node',
  'tmkms',
  'versiond',
  'bridge',
  'explorer',
  'mlnode',
  'inference',
  'seed',
]

if (!roles.includes(role)) {
  process.stdout.write(
    `STAND-IN: STANDIN_ROLE must be one of ${roles.join(', ')}; got ${JSON.stringify(role)}\n`,
  )
  process.exit(2)
}
// The real api image runs a command given to it (`docker compose run --rm --no-deps -T api sh -c '…'`,
// the quickstart's way to make the warm key and to register): so does the stand-in api, for a shell
// or inferenced (the stand-in CLI); other arguments are compose `command:` values and are ignored.
if (role === 'api' && ['sh', '/bin/sh', 'inferenced', '/usr/local/bin/inferenced'].includes(args[0] ?? '')) {
  const { spawnSync } = await import('node:child_process')
  process.stderr.write(`STAND-IN api image: running ${args[0]} (not the real Gonka image)\n`)
  const r = spawnSync(args[0], args.slice(1), { stdio: 'inherit' })
  process.exit(r.status ?? 1)
}
banner(role)
installShutdown(role)

try {
  switch (role) {
    case 'api':
      await (await import('./lib/api.mjs')).runApi(args)
      break
    case 'proxy':
      await (await import('./lib/proxy.mjs')).runProxy()
      break
    case 'node':
      await (await import('./lib/chain.mjs')).runNode(args)
      break
    case 'tmkms':
      await (await import('./lib/chain.mjs')).runIdle('tmkms')
      break
    case 'versiond':
      await (await import('./lib/chain.mjs')).runIdle('versiond')
      break
    case 'bridge':
      await (await import('./lib/chain.mjs')).runBridge()
      break
    case 'explorer':
      await (
        await import('./lib/chain.mjs')
      ).runIdle('explorer', [['dashboard', envPort(['STANDIN_EXPLORER_PORT'], 5173)]])
      break
    case 'mlnode':
      await (await import('./lib/mlnode.mjs')).runMlnode(args)
      break
    case 'inference':
      await (await import('./lib/mlnode.mjs')).runInference()
      break
    case 'seed':
      await (await import('./lib/seed.mjs')).runSeed()
      break
  }
  log(role, 'ready')
} catch (e) {
  log(role, `FATAL ${e && e.stack ? e.stack : String(e)}`)
  process.exit(1)
}
