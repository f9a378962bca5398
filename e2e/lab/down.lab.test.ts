import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { canConnectFrom, defaultOutDir, labDown, labHost, labSsh, labUp } from './index'
import { describeLab } from './require-lab'

const execFileAsync = promisify(execFile)

/** Everything of a lab that down must remove, as a user would look for it. */
async function leftovers(prefix: string, out: string): Promise<string[]> {
  const left: string[] = []
  const netns = (await execFileAsync('ip', ['netns', 'list'])).stdout
  for (const line of netns.split('\n')) {
    const name = line.split(' ')[0] ?? ''
    if (name.startsWith(`${prefix}-`)) left.push(`netns ${name}`)
  }
  const links = (await execFileAsync('ip', ['-o', 'link', 'show'])).stdout
  if (links.includes(` ${prefix}-gw`)) left.push(`link ${prefix}-gw`)
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const mountPoint = line.split(' ')[4]
    if (mountPoint?.startsWith(`${out}/`) || mountPoint === out) left.push(`mount ${mountPoint}`)
  }
  for (const controller of readdirSync('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', controller)
    try {
      for (const entry of readdirSync(dir))
        if (entry.startsWith(`lab-${prefix}-`)) left.push(`cgroup ${dir}/${entry}`)
    } catch {
      // Not a directory (cgroup v2 files).
    }
  }
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(out)) left.push(`process ${pid}`)
    } catch {
      // Ended while we looked.
    }
  }
  if (existsSync(out)) left.push(`dir ${out}`)
  return left
}

describeLab('lab down', (lab) => {
  const prefix = `d${process.pid % 100000}`
  const out = defaultOutDir(prefix)

  it('a second lab runs beside the first, isolated from it, and down leaves nothing', async () => {
    const second = await labUp({ prefix, hosts: ['net', 'ml1'], images: false })
    try {
      expect(second.subnet).not.toBe(lab().subnet)
      const net2 = labHost(second, 'net')
      expect((await labSsh(net2, 'hostname')).stdout.trim()).toBe(`${prefix}-net`)
      // An open session and a running container must not survive down either.
      const ran = await labSsh(net2, 'docker run -d --name sleeper lab/busybox:1 sleep 600')
      expect(ran.code, ran.stderr).toBe(0)
      expect(await canConnectFrom(net2, labHost(lab(), 'net').address, 22)).toBe(false)
      expect(await canConnectFrom(net2, labHost(second, 'ml1').address, 22)).toBe(true)
    } finally {
      await labDown(prefix)
    }
    expect(await leftovers(prefix, out)).toEqual([])
    // The first lab is untouched.
    expect((await labSsh(labHost(lab(), 'net'), 'echo still-here')).stdout.trim()).toBe('still-here')
  })

  it('down cleans a half-finished start (namespaces, a mount, a process inside)', async () => {
    const hostDir = join(out, 'hosts', 'net')
    mkdirSync(join(hostDir, 'ns'), { recursive: true })
    await execFileAsync('ip', ['netns', 'add', `${prefix}-sw`])
    await execFileAsync('ip', ['netns', 'add', `${prefix}-net`])
    await execFileAsync('mount', ['--bind', join(hostDir, 'ns'), join(hostDir, 'ns')])
    const stray = spawn('nsenter', [`--net=/run/netns/${prefix}-net`, 'sleep', '600'], {
      detached: true,
      stdio: 'ignore',
    })
    stray.unref()
    const exited = new Promise<void>((resolve) => stray.on('exit', () => resolve()))
    await labDown(prefix)
    await exited
    expect(await leftovers(prefix, out)).toEqual([])
  })
})
