import { expect, it } from 'vitest'
import { labHost, labSsh } from './index'
import { describeLab } from './require-lab'

// Smoke test of the lab plumbing the stand-ins rely on: the offline gonka repo clones on `net`
// and its network-node compose file starts from the locally imported images (never a pull).
// The stand-ins' own routes are tested beside them in standins/.
describeLab('stand-in gonka repo on the lab', (lab) => {
  it('§4.9 `docker compose up -d` of the cloned deploy/join starts every network-node service, versiond and bridge too', async () => {
    const net = labHost(lab(), 'net')
    const seed = labHost(lab(), 'seed')
    // The values a user would fill into config.env, pointed at the lab's own hosts.
    const script = `set -e
rm -rf ~/gonka && git clone -q -b main ${net.gonkaRepoUrl} ~/gonka
cd ~/gonka/deploy/join
sed -e 's|^export KEY_NAME=.*|export KEY_NAME=lab-warm|' \\
    -e 's|^export KEYRING_PASSWORD=.*|export KEYRING_PASSWORD=lab-keyring-pass|' \\
    -e 's|^export PUBLIC_URL=.*|export PUBLIC_URL=http://${net.address}:8000|' \\
    -e 's|^export P2P_EXTERNAL_ADDRESS=.*|export P2P_EXTERNAL_ADDRESS=tcp://${net.address}:5000|' \\
    -e 's|^export ACCOUNT_PUBKEY=.*|export ACCOUNT_PUBKEY=A1labStandInAccountPubKeyAAAAAAAAAAAAAAAAAAAA|' \\
    -e 's|node[0-9].gonka.ai|${seed.address}|g' \\
    config.env.template > config.env
. ./config.env
docker compose -f docker-compose.yml up -d --quiet-pull 2>&1
# A service that exits at once on bad config still shows "running" right after up.
sleep 2
docker compose -f docker-compose.yml ps --format json
`
    try {
      const up = await labSsh(net, 'bash -s', { input: script })
      expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0)
      expect(up.stdout).not.toMatch(/Pulling/)
      const services = up.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map(
          (l) =>
            JSON.parse(l) as {
              Service: string
              State: string
              Publishers?: { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }[]
            },
        )
      expect(services.map((s) => s.Service).sort()).toEqual(
        expect.arrayContaining(['api', 'bridge', 'node', 'proxy', 'tmkms', 'versiond']),
      )
      // bridge publishes the Geth P2P port on all addresses, TCP and UDP; versiond nothing.
      const bridge = services.find((s) => s.Service === 'bridge')?.Publishers ?? []
      const published = bridge
        .filter((p) => p.PublishedPort === 30303 && p.URL === '0.0.0.0')
        .map((p) => p.Protocol)
        .sort()
      expect(published).toEqual(['tcp', 'udp'])
      const versiond = services.find((s) => s.Service === 'versiond')?.Publishers ?? []
      expect(versiond.filter((p) => p.PublishedPort > 0)).toEqual([])
      for (const s of services) expect(`${s.Service} ${s.State}`).toBe(`${s.Service} running`)
    } finally {
      await labSsh(
        net,
        'cd ~/gonka/deploy/join && . ./config.env && docker compose down -t 1 >/dev/null 2>&1; true',
      )
    }
  })
})
