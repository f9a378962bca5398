// Stand-ins for the chain-side containers that only have to stay up: `node`
// (inferenced; answers CometBFT-shaped /status on 26657), `tmkms`, `versiond`, `explorer`
// and `bridge` (holds 30303 tcp+udp).
import dgram from 'node:dgram'
import fs from 'node:fs'
import {
  bindHost,
  envPort,
  fetchJson,
  keepAlive,
  log,
  sendError,
  sendJson,
  sendText,
  startServer,
  urlOf,
} from './common.mjs'
import { cometStatus } from './chain-data.mjs'

export async function runNode(args) {
  const ROLE = 'node'
  if (args.length) log(ROLE, `command ignored by the stand-in: ${args.join(' ')}`)
  for (const k of ['SEED_NODE_RPC_URL', 'SEED_NODE_P2P_URL', 'P2P_EXTERNAL_ADDRESS', 'KEY_NAME']) {
    log(ROLE, `${k}=${process.env[k] || '(empty)'}`)
  }
  const home = process.env.STANDIN_INFERENCE_HOME || '/root/.inference'
  if (fs.existsSync(home)) {
    const flag = `${home}/.node_initialized`
    if (!fs.existsSync(flag)) {
      fs.writeFileSync(flag, 'stand-in: first init done\n')
      log(ROLE, 'first start: would download genesis and configure state sync (stand-in does nothing)')
    } else log(ROLE, 'already initialized; seed settings in config.env are ignored (as the real node does)')
  }
  const handler = (req, res) => {
    const p = urlOf(req).pathname
    if (p === '/status') {
      return sendJson(
        res,
        200,
        cometStatus({
          moniker: 'STAND-IN node (not a real Gonka chain node)',
          listenAddr: 'tcp://0.0.0.0:26656',
          nodeSeed: process.env.STANDIN_NODE_SEED || 'network-node',
        }),
      )
    }
    if (p === '/health') return sendJson(res, 200, { jsonrpc: '2.0', id: -1, result: {} })
    if (p === '/validators') {
      // The stand-in node keeps no chain: the validator set is the seed's (SEED_NODE_RPC_URL).
      const seedRpc = (process.env.SEED_NODE_RPC_URL || '').replace(/\/+$/, '')
      if (!seedRpc)
        return sendJson(res, 200, {
          jsonrpc: '2.0',
          id: -1,
          result: { validators: [], count: '0', total: '0' },
        })
      return fetchJson(`${seedRpc}/validators`).then((r) =>
        r.ok && r.json
          ? sendJson(res, 200, r.json)
          : sendJson(res, 500, {
              jsonrpc: '2.0',
              id: -1,
              error: { code: -32603, message: 'Internal error', data: r.error || `HTTP ${r.status}` },
            }),
      )
    }
    return sendError(res, 404, 'stand-in chain node answers /status, /health and /validators only')
  }
  await startServer(ROLE, 'CometBFT RPC', envPort(['STANDIN_RPC_PORT'], 26657), handler)
  // P2P port: accept TCP so reachability checks of 26656 (published as 5000) see it open.
  await startServer(
    ROLE,
    'P2P (accepts connections only)',
    envPort(['STANDIN_P2P_PORT'], 26656),
    (_req, res) => sendText(res, 400, 'stand-in P2P port\n'),
  )
}

export async function runIdle(role, ports = []) {
  log(role, 'running (the stand-in has no work to do; it stays up)')
  for (const [name, port] of ports) {
    await startServer(role, name, port, (_req, res) => sendText(res, 200, `STAND-IN ${role}\n`))
  }
  keepAlive()
}

/** `bridge`: stays up and holds the Geth P2P port 30303 on TCP and UDP, as the real one does. */
export async function runBridge() {
  const ROLE = 'bridge'
  log(ROLE, 'running (stand-in: no Geth/Prysm; it only holds the P2P port)')
  const port = envPort(['STANDIN_BRIDGE_P2P_PORT'], 30303)
  const tcp = await startServer(ROLE, 'Geth P2P (tcp, accepts connections only)', port, (_req, res) =>
    sendText(res, 400, 'stand-in Geth P2P port\n'),
  )
  const udp = dgram.createSocket('udp4')
  await new Promise((resolve, reject) => {
    udp.once('error', reject)
    udp.bind(tcp.port, bindHost(), () => resolve(undefined))
  })
  log(ROLE, `listening Geth P2P discovery (udp) on ${bindHost()}:${udp.address().port}`)
  keepAlive()
}
