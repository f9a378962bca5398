import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import Docker from 'dockerode'
import { z } from 'zod'
import { expect, it } from 'vitest'
import { canConnect, canConnectFrom, hostKeyFingerprint, labHost, labSsh, rootExec } from './index'
import { describeLab } from './require-lab'

const execFileAsync = promisify(execFile)

describeLab('lab hosts', (lab) => {
  it('every host answers real `ssh` with the key, pinned by the lab known_hosts, as the test user', async () => {
    for (const host of lab().hosts) {
      const { stdout } = await execFileAsync('ssh', [
        '-i',
        lab().clientKeyPath,
        '-o',
        `UserKnownHostsFile=${lab().knownHostsPath}`,
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        'ConnectTimeout=5',
        `${host.user}@${host.address}`,
        'id -un; hostname',
      ])
      expect(stdout.trim().split('\n')).toEqual([host.user, host.hostname])
    }
  })

  it('every host accepts password login and refuses a wrong password', async () => {
    for (const host of lab().hosts) {
      const ok = await labSsh(host, 'echo in', { auth: 'password' })
      expect(ok.stdout.trim()).toBe('in')
      await expect(labSsh(host, 'true', { auth: 'password', password: 'not-the-password' })).rejects.toThrow(
        /authentication methods failed/,
      )
    }
  })

  it('refuses root login and pins the host key (a wrong fingerprint is rejected)', async () => {
    const net = labHost(lab(), 'net')
    const root = await execFileAsync('ssh', [
      '-i',
      lab().clientKeyPath,
      '-o',
      `UserKnownHostsFile=${lab().knownHostsPath}`,
      '-o',
      'BatchMode=yes',
      `root@${net.address}`,
      'true',
    ]).then(
      () => 'logged in',
      () => 'refused',
    )
    expect(root).toBe('refused')
    const other = labHost(lab(), 'ml1').hostKeyFingerprint
    await expect(labSsh(net, 'true', { expectFingerprint: other })).rejects.toThrow()
  })

  it('the test user has passwordless sudo, iptables and ufw inside the host only', async () => {
    const net = labHost(lab(), 'net')
    const r = await labSsh(net, 'sudo -n iptables -S INPUT && sudo -n ufw status')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('-P INPUT ACCEPT')
    expect(r.stdout).toContain('Status: inactive')
  })

  it('docker and Docker Compose v2 work over SSH on every docker host; seed has no dockerd', async () => {
    for (const host of lab().hosts) {
      const r = await labSsh(host, 'docker info --format "{{.ServerVersion}}" && docker compose version')
      if (host.docker) {
        expect(r.code, r.stderr).toBe(0)
        expect(r.stdout).toMatch(/Docker Compose version v?2\./)
      } else {
        expect(r.code).not.toBe(0)
        expect(r.stderr).toMatch(/Cannot connect to the Docker daemon/)
      }
    }
  })

  it("dockerode reaches a host's dockerd over SSH (docker system dial-stdio) and sees its images", async () => {
    const net = labHost(lab(), 'net')
    const docker = new Docker({
      protocol: 'ssh',
      host: net.address,
      port: net.port,
      username: net.user,
      sshOptions: {
        privateKey: readFileSync(net.privateKeyPath),
        hostVerifier: (key: Buffer) => hostKeyFingerprint(key) === net.hostKeyFingerprint,
      },
    })
    const images = await docker.listImages()
    expect(images.flatMap((i) => i.RepoTags ?? [])).toContain('lab/busybox:1')
  })

  it('each docker host has exactly the stand-in images images.json gives it, each knowing its role', async () => {
    const listPath = new URL('./standins/images.json', import.meta.url)
    const entries = z
      .array(z.object({ tag: z.string(), role: z.string(), hosts: z.array(z.string()) }))
      .parse(JSON.parse(readFileSync(listPath, 'utf8')))
    for (const host of lab().hosts.filter((h) => h.docker)) {
      const tags = (await labSsh(host, 'docker images --format "{{.Repository}}:{{.Tag}}"')).stdout.split(
        '\n',
      )
      for (const entry of entries) {
        expect(tags.includes(entry.tag), `${entry.tag} on ${host.name}`).toBe(entry.hosts.includes(host.name))
      }
      const mine = entries.find((e) => e.hosts.includes(host.name) && e.role !== 'busybox')
      if (mine === undefined) continue
      const run = await labSsh(
        host,
        `docker run --rm --entrypoint /usr/local/bin/node ${mine.tag} -e "console.log(process.env.STANDIN_ROLE)"`,
      )
      expect(run.stdout.trim(), run.stderr).toBe(mine.role)
    }
  })

  it('a compose project comes up over SSH, publishes its port to other hosts, and goes down', async () => {
    const ml1 = labHost(lab(), 'ml1')
    const net = labHost(lab(), 'net')
    const compose = [
      'services:',
      '  web:',
      '    image: lab/busybox:1',
      '    command: ["httpd", "-f", "-p", "8090"]',
      '    ports: ["8090:8090"]',
      // busybox as PID 1 ignores SIGTERM; without this `down` waits 10 s.
      '    stop_signal: SIGKILL',
      '',
    ].join('\n')
    const up = await labSsh(
      ml1,
      'mkdir -p ~/tiny && cat > ~/tiny/compose.yml && cd ~/tiny && docker compose up -d && docker compose ps --format json',
      { input: compose },
    )
    expect(up.code, up.stderr).toBe(0)
    expect(up.stdout).toContain('"State":"running"')
    expect(await canConnectFrom(net, ml1.address, 8090)).toBe(true)
    const down = await labSsh(ml1, 'cd ~/tiny && docker compose down')
    expect(down.code, down.stderr).toBe(0)
    expect(await canConnectFrom(net, ml1.address, 8090)).toBe(false)
  })

  it('hosts reach each other and the machine, but nothing outside the lab (no default route)', async () => {
    const net = labHost(lab(), 'net')
    const ml2 = labHost(lab(), 'ml2')
    expect(await canConnectFrom(net, ml2.address, 22)).toBe(true)
    expect(await canConnect(net.address, 22)).toBe(true)
    const route = await rootExec(net, ['ip', 'route', 'show', 'default'])
    expect(route.stdout.trim()).toBe('')
    const out = await rootExec(net, ['bash', '-c', 'exec 3<>/dev/tcp/192.0.2.1/80'])
    expect(out.stderr).toMatch(/Network is unreachable/)
  })

  it('each host has its own /tmp, home and hostname', async () => {
    const net = labHost(lab(), 'net')
    const ml1 = labHost(lab(), 'ml1')
    await labSsh(net, 'echo from-net > /tmp/lab-private-check')
    const onMl1 = await labSsh(ml1, 'cat /tmp/lab-private-check')
    expect(onMl1.code).not.toBe(0)
    const onNet = await labSsh(net, 'cat /tmp/lab-private-check; rm /tmp/lab-private-check')
    expect(onNet.stdout.trim()).toBe('from-net')
  })

  it('fake GPU tools exist on ml hosts only, and `--gpus` works there', async () => {
    for (const host of lab().hosts) {
      const r = await labSsh(host, 'command -v nvidia-smi')
      expect(r.code === 0, `${host.name}: ${r.stdout}`).toBe(host.fakeGpu)
    }
    const ml1 = labHost(lab(), 'ml1')
    const gpu = await labSsh(ml1, 'docker run --rm --gpus all lab/busybox:1 true')
    expect(gpu.code, gpu.stderr).toBe(0)
    const net = labHost(lab(), 'net')
    const noGpu = await labSsh(net, 'docker run --rm --gpus all lab/busybox:1 true')
    expect(noGpu.stderr).toMatch(/could not select device driver/)
  })

  it('the stand-in gonka repository clones offline on branch main', async () => {
    const net = labHost(lab(), 'net')
    // The URL is a validated file:/// path without spaces, so it is safe in the command line.
    const clone = await labSsh(
      net,
      `rm -rf ~/gonka && git clone -q -b main ${net.gonkaRepoUrl} ~/gonka && git -C ~/gonka branch --show-current && ls ~/gonka/deploy`,
    )
    expect(clone.code, clone.stderr).toBe(0)
    expect(clone.stdout).toMatch(/^main\n/)
    expect(clone.stdout).toContain('join')
  })
})
