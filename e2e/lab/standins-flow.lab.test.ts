import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { SshPool } from '../../electron/core/ssh/pool'
import { HostKeyTrust } from '../../electron/core/ssh/trust'
import type { HostTarget } from '../../electron/core/ssh/types'
import { blockPort, canConnect, labHost, labSsh, type LabHost } from './index'
import { describeLab } from './require-lab'

// The stand-ins across hosts, the way a real deployment goes: the network node from the cloned
// deploy/join on `net`, the ML node on `ml1`, registration through the admin API over an SSH
// tunnel (9200 is bound to net's 127.0.0.1 only), PoC batches flowing back to net:9100, the
// classic `http://api:9100` callback mistake, an unreachable ML node, and the warm key plus
// participant registration with the `inferenced` stand-in. Every assertion is on something a user
// would see: the node list, the setup report, `docker compose logs`, the seed's participant record.

/** Clone directory in the test user's home on net and ml1 (not ~/gonka: other tests use that). */
const CLONE = 'gonka-flow'
const JOIN = `~/${CLONE}/deploy/join`
const KEY_NAME = 'flow-warm'
const KEYRING_PASSWORD = 'flow-keyring-pass'
const INFERENCED = resolve(__dirname, 'standins', 'bin', 'inferenced')

const noSecrets = {
  password: () => Promise.resolve(undefined),
  passphrase: () => Promise.resolve(undefined),
  keyboardInteractive: () => Promise.resolve(undefined),
}

/** `GET /admin/v1/nodes` item (reference §3.3), the fields this test reads. */
interface NodeItem {
  node: {
    id: string
    host: string
    inference_port: number
    poc_port: number
    node_num: number
    models: Record<string, { args: string[] }>
    hardware: { type: string; count: number }[] | null
  }
  state: {
    current_status: string
    intended_status: string
    failure_reason: string
    ml_node_version: string
    admin_state: { enabled: boolean }
    standin_poc: {
      callback_url: string
      batches_received: number
      ml_node_callback_error: string | null
    } | null
  }
}

interface HttpReply {
  status: number
  text: string
  json: unknown
}

/** Runs a bash script on a lab host as the test user; throws with its output when it fails. */
async function sh(host: LabHost, script: string): Promise<string> {
  const r = await labSsh(host, 'bash -s', { input: `set -e\n${script}\n` })
  if (r.code !== 0)
    throw new Error(`on ${host.name} (exit ${r.code}):\n${script}\n--\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

/** Polls `probe` until `ok` holds or the deadline passes (then fails with the last value seen). */
async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T | undefined
  let lastError: Error | undefined
  for (;;) {
    try {
      last = await probe()
      lastError = undefined
      if (ok(last)) return last
    } catch (error) {
      lastError = error instanceof Error ? error : new Error(String(error))
    }
    if (Date.now() > deadline) {
      const seen = lastError !== undefined ? lastError.message : JSON.stringify(last, null, 1)
      throw new Error(`${what}: not reached within ${timeoutMs / 1000} s; last seen: ${seen}`)
    }
    await new Promise((r) => setTimeout(r, 300))
  }
}

/** Runs the local (user's machine) `inferenced` stand-in with stdin, as a user would. */
function localInferenced(args: readonly string[], input: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [INFERENCED, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(stdout)
        : reject(new Error(`inferenced ${args.join(' ')}: ${code}\n${stderr}`)),
    )
    child.stdin.end(input)
  })
}

describeLab('stand-ins across hosts: network node, ML node, PoC callback, registration', (lab) => {
  let net: LabHost
  let ml1: LabHost
  let ml2: LabHost
  let seed: LabHost
  let pool: SshPool
  let netTarget: HostTarget
  let coldKeyringDir: string
  let accountPubkey: string
  let coldAddress: string
  let coldName: string
  let model: string
  const callbackRight = (): string => `http://${net.address}:9100`

  /** One HTTP request to net's admin API through an SSH local forward to its 127.0.0.1:9200. */
  async function admin(method: string, path: string, body?: unknown): Promise<HttpReply> {
    const channel = await pool.forwardOut(netTarget, '127.0.0.1', 9200)
    const payload = body === undefined ? undefined : JSON.stringify(body)
    return new Promise<HttpReply>((resolvePromise, reject) => {
      const req = http.request(
        {
          method,
          path,
          host: '127.0.0.1',
          port: 9200,
          createConnection: () => channel,
          headers: {
            Connection: 'close',
            ...(payload === undefined
              ? {}
              : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (d: string) => (text += d))
          res.on('end', () => {
            channel.end()
            let json: unknown
            try {
              json = JSON.parse(text)
            } catch {
              json = undefined
            }
            resolvePromise({ status: res.statusCode ?? 0, text, json })
          })
        },
      )
      // Not req.setTimeout: that calls setTimeout on the socket, which an SSH channel lacks.
      const timer = setTimeout(
        () => req.destroy(new Error(`admin ${method} ${path}: no answer in 15 s`)),
        15_000,
      )
      req.on('close', () => clearTimeout(timer))
      req.on('error', (error) => {
        channel.destroy()
        reject(error)
      })
      req.end(payload)
    })
  }

  const listNodes = async (): Promise<NodeItem[]> => {
    const r = await admin('GET', '/admin/v1/nodes')
    if (r.status !== 200) throw new Error(`GET /admin/v1/nodes: ${r.status} ${r.text}`)
    return r.json as NodeItem[]
  }
  const nodeIn = (list: NodeItem[], id: string): NodeItem | undefined => list.find((n) => n.node.id === id)
  /** Polls the node list (asking the api to poll its ML nodes now) until `ok` holds for node `id`. */
  const nodeUntil = (id: string, what: string, ok: (n: NodeItem) => boolean, timeoutMs = 20_000) =>
    until(
      `node ${id}: ${what}`,
      timeoutMs,
      async () => {
        await admin('POST', '/admin/v1/standin/poll')
        return nodeIn(await listNodes(), id)
      },
      (n) => n !== undefined && ok(n),
    ) as Promise<NodeItem>

  const netLogs = (service: string) =>
    sh(net, `cd ${JOIN} && . ./config.env && docker compose logs --no-color ${service} 2>&1`)
  const ml1Logs = () =>
    sh(
      ml1,
      `cd ${JOIN} && . ./config.env && docker compose -f docker-compose.mlnode.yml logs --no-color mlnode-308 2>&1`,
    )

  /** Points the api at another PoC callback URL the way a user must: edit config.env, recreate api. */
  async function setCallback(url: string): Promise<void> {
    const out = await sh(
      net,
      `cd ${JOIN}
sed -i 's|^export DAPI_API__POC_CALLBACK_URL=.*|export DAPI_API__POC_CALLBACK_URL=${url}|' config.env
. ./config.env
docker compose up -d api 2>&1`,
    )
    expect(out).toMatch(/Recreate|Started/)
    // The recreated api keeps its ML nodes (.dapi state, like gonka.db) and says which URL it uses.
    await until(
      'api answers again on the admin port',
      20_000,
      async () => (await admin('GET', '/admin/v1/nodes')).status,
      (s) => s === 200,
    )
    expect(nodeIn(await listNodes(), 'ml1')?.node.host).toBe(ml1.address)
    expect(await netLogs('api')).toContain(`PoC callback URL ${url}`)
  }

  async function cleanup(): Promise<void> {
    const down = (host: LabHost, file: string) =>
      labSsh(
        host,
        `cd ${JOIN} 2>/dev/null && . ./config.env && docker compose -f ${file} down -v -t 1 >/dev/null 2>&1; true`,
      )
    await Promise.all([down(net, 'docker-compose.yml'), down(ml1, 'docker-compose.mlnode.yml')])
    // The containers wrote root-owned files (.inference, .dapi, .tmkms) into the clones.
    for (const host of [net, ml1]) rmSync(join(host.home, CLONE), { recursive: true, force: true })
  }

  beforeAll(async () => {
    net = labHost(lab(), 'net')
    ml1 = labHost(lab(), 'ml1')
    ml2 = labHost(lab(), 'ml2')
    seed = labHost(lab(), 'seed')
    pool = new SshPool({ trust: new HostKeyTrust(undefined, [lab().knownHostsPath]), secrets: noSecrets })
    netTarget = {
      id: 'net',
      host: net.address,
      port: net.port,
      user: net.user,
      auth: 'key',
      keyPath: net.privateKeyPath,
    }
    await cleanup() // a run killed half-way leaves containers with the same container_name behind

    // The account (cold) key lives on the user's own machine; only its pubkey goes to the server.
    // A fresh name per run, so the seed's record checked below is this run's, not a leftover.
    coldKeyringDir = mkdtempSync(join(tmpdir(), 'flow-cold-'))
    coldName = `flow-cold-${process.pid}-${Date.now()}`
    const cold = JSON.parse(
      await localInferenced(
        [
          'keys',
          'add',
          coldName,
          '--keyring-backend',
          'file',
          '--keyring-dir',
          coldKeyringDir,
          '--output',
          'json',
        ],
        'cold-keyring-pass\ncold-keyring-pass\n',
      ),
    ) as { address: string; pubkey: string }
    accountPubkey = (JSON.parse(cold.pubkey) as { key: string }).key
    coldAddress = cold.address

    // A model id the seed's governance list approves (what the wizard reads before registering).
    const gov = (await (await fetch(`http://${seed.address}:8000/v1/governance/models`)).json()) as {
      models: { id: string }[]
    }
    model = gov.models[0]?.id ?? ''
    expect(model).not.toBe('')

    // Network node on net, config.env filled in as the quickstart says (remote ML nodes: the
    // callback URL is net's private address, never the Docker-internal default).
    // config.env as the quickstart has it filled in, the same file on both servers (remote ML
    // nodes: the callback URL is net's private address, never the Docker-internal default).
    const configEnv = `sed -e 's|^export KEY_NAME=.*|export KEY_NAME=${KEY_NAME}|' \\
    -e 's|^export KEYRING_PASSWORD=.*|export KEYRING_PASSWORD=${KEYRING_PASSWORD}|' \\
    -e 's|^export PUBLIC_URL=.*|export PUBLIC_URL=http://${net.address}:8000|' \\
    -e 's|^export P2P_EXTERNAL_ADDRESS=.*|export P2P_EXTERNAL_ADDRESS=tcp://${net.address}:5000|' \\
    -e 's|^export ACCOUNT_PUBKEY=.*|export ACCOUNT_PUBKEY=${accountPubkey}|' \\
    -e 's|^export DAPI_API__POC_CALLBACK_URL=.*|export DAPI_API__POC_CALLBACK_URL=${callbackRight()}|' \\
    -e "s|^export HF_HOME=.*|export HF_HOME=$HOME/${CLONE}/hf-cache|" \\
    -e 's|node[0-9].gonka.ai|${seed.address}|g' \\
    config.env.template > config.env
mkdir -p ../../hf-cache
. ./config.env`
    const clone = (host: LabHost) => `git clone -q -b main ${host.gonkaRepoUrl} ~/${CLONE}
cd ${JOIN}
${configEnv}`
    const netUp = sh(net, `${clone(net)}\ndocker compose up -d --quiet-pull 2>&1`)
    // ML node on ml1: the mlnode compose file only; HF cache inside the clone (not /mnt/shared).
    const mlUp = sh(ml1, `${clone(ml1)}\ndocker compose -f docker-compose.mlnode.yml up -d --quiet-pull 2>&1`)
    const [netOut, mlOut] = await Promise.all([netUp, mlUp])
    expect(netOut).not.toMatch(/Pulling/)
    expect(mlOut).not.toMatch(/Pulling/)
    await until(
      'admin API on net answers through the SSH tunnel',
      30_000,
      async () => (await admin('GET', '/admin/v1/nodes')).status,
      (s) => s === 200,
    )
    await until(
      'ML node on ml1 answers /health on its poc_port',
      30_000,
      async () => (await fetch(`http://${ml1.address}:8080/health`)).status,
      (s) => s === 200,
    )
  })

  afterAll(async () => {
    await pool?.dispose()
    if (net !== undefined) await cleanup()
    if (coldKeyringDir !== undefined) rmSync(coldKeyringDir, { recursive: true, force: true })
  })

  it('keeps the admin API off the network and the ML callback port open', async () => {
    expect(await canConnect(net.address, 9200)).toBe(false)
    expect(await canConnect(net.address, 9100)).toBe(true)
    // The retired default model in node-config.json was dropped at merge: no ML node yet.
    expect(await listNodes()).toEqual([])
    expect(await netLogs('api')).toMatch(/Qwen3-235B[^\n]*not a valid governance model/)
  })

  it('registers ml1 over the tunnel; the api polls it and lists it healthy with its GPUs', async () => {
    const body = {
      id: 'ml1',
      host: ml1.address,
      inference_port: 5050,
      poc_port: 8080,
      max_concurrent: 500,
      models: { [model]: { args: [] } },
    }
    const r = await admin('POST', '/admin/v1/nodes', body)
    expect(r.status, r.text).toBe(200)
    // The stored config comes back as upstream answers it: no node_num, hardware null until polled.
    expect(r.json).toMatchObject({ ...body, hardware: null })
    expect(r.json).not.toHaveProperty('node_num')

    const item = await nodeUntil('ml1', 'polled', (n) => n.state.current_status !== 'UNKNOWN')
    expect(item.node).toMatchObject({ host: ml1.address, inference_port: 5050, poc_port: 8080 })
    expect(Object.keys(item.node.models)).toEqual([model])
    expect(item.state).toMatchObject({
      current_status: 'STOPPED', // the ML node's /api/v1/state before any PoC or inference
      intended_status: 'INFERENCE',
      failure_reason: '',
      ml_node_version: '3.0.13',
      admin_state: { enabled: true },
    })
    // Hardware left out of the request is filled from the ML node's /api/v1/gpu/devices.
    expect(item.node.hardware).toEqual([
      { type: 'NVIDIA H100 80GB HBM3 | 80GB', count: expect.any(Number) as number },
    ])
  })

  it('PoC with the right callback URL: ml1 delivers a batch that the api logs', async () => {
    const r = await admin('POST', '/admin/v1/standin/poc/start', { node_ids: ['ml1'] })
    expect(r.status, r.text).toBe(200)
    // <callback>/v2/poc-batches/<model id escaped twice>, as upstream's broker builds it.
    const base = `${callbackRight()}/v2/poc-batches/${encodeURIComponent(encodeURIComponent(model))}`
    expect(r.json).toEqual({ ml1: { started: true, error: null, callback_url: base } })
    const logs = await until(
      'api log shows a batch from ml1',
      20_000,
      () => netLogs('api'),
      (l) => l.includes(`received generated PoC batch (v2) from ML node ml1 for model ${model}`),
    )
    expect(logs).not.toContain('ERROR PoC')
    expect(await ml1Logs()).toContain(`sent generated batch to ${base}/generated: HTTP 200`)
    const item = nodeIn(await listNodes(), 'ml1')
    expect(item?.state.standin_poc?.batches_received).toBeGreaterThanOrEqual(1)
    expect(item?.state.failure_reason).toBe('')
    expect(item?.state.current_status).not.toBe('FAILED')
  })

  it('PoC with the Docker-internal callback http://api:9100: ml1 cannot deliver, and it shows', async () => {
    await setCallback('http://api:9100')
    // <callback>/v2/poc-batches/<model id escaped twice>, as upstream's broker builds it.
    const wrong = `http://api:9100/v2/poc-batches/${encodeURIComponent(encodeURIComponent(model))}`
    const r = await admin('POST', '/admin/v1/standin/poc/start', { node_ids: ['ml1'] })
    expect(r.json).toEqual({ ml1: { started: true, error: null, callback_url: wrong } })

    // The ML node logs the failed sends of generated batches (reference §6 #1)…
    const mlLogs = await until('ml1 logs a failed batch send', 30_000, ml1Logs, (l) =>
      l.includes(`ERROR failed to send generated batch to ${wrong}/generated`),
    )
    expect(mlLogs).toMatch(
      /ERROR failed to send generated batch to http:\/\/api:9100\/\S+ \(attempt 1\): \S+/,
    )
    // …no batch reaches the network node (stand-in diagnostics: state.standin_poc and its log).
    // Upstream's failure_reason and setup report do not see it: mlnode_ml1 fails only on /health.
    const item = await nodeUntil('ml1', 'PoC callback failure recorded', (n) =>
      Boolean(n.state.standin_poc?.ml_node_callback_error),
    )
    expect(item.state.standin_poc).toMatchObject({ callback_url: wrong, batches_received: 0 })
    expect(item.state.failure_reason).toBe('')
    expect(await netLogs('api')).toContain(
      `ERROR PoC: ML node ml1 cannot deliver generated batches to ${wrong}/`,
    )
    const report = (await admin('GET', '/admin/v1/setup/report')).json as {
      checks: { id: string; status: string }[]
    }
    expect(report.checks.find((c) => c.id === 'mlnode_ml1')?.status).toBe('PASS')

    // §4.7: the callback URL is used exactly as written, so a trailing slash breaks PoC too.
    await setCallback(`${callbackRight()}/`)
    await admin('POST', '/admin/v1/standin/poc/start', { node_ids: ['ml1'] })
    const slashed = `${callbackRight()}//v2/poc-batches/`
    await until('ml1 fails to deliver to the doubled slash', 30_000, ml1Logs, (l) =>
      l.includes(`ERROR failed to send generated batch to ${slashed}`),
    )
    expect(nodeIn(await listNodes(), 'ml1')?.state.standin_poc?.batches_received).toBe(0)

    // The fix: net's private address in config.env, no trailing slash, api recreated; batches arrive.
    await setCallback(callbackRight())
    await admin('POST', '/admin/v1/standin/poc/start', { node_ids: ['ml1'] })
    const fixed = await nodeUntil(
      'ml1',
      'batches received again',
      (n) => (n.state.standin_poc?.batches_received ?? 0) > 0,
    )
    expect(fixed.state.failure_reason).toBe('')
  })

  it('an unreachable ML node shows FAILED with the reason; a firewalled poc_port too', async () => {
    // ml2 is registered but runs nothing.
    const r = await admin('POST', '/admin/v1/nodes', {
      id: 'ml2',
      host: ml2.address,
      inference_port: 5050,
      poc_port: 8080,
      max_concurrent: 500,
      models: { [model]: { args: [] } },
    })
    expect(r.status, r.text).toBe(200)
    const ml2Item = await nodeUntil('ml2', 'FAILED', (n) => n.state.current_status === 'FAILED')
    expect(ml2Item.state.failure_reason).toContain(`Get "http://${ml2.address}:8080/health": ECONNREFUSED`)
    expect(nodeIn(await listNodes(), 'ml1')?.state.current_status).not.toBe('FAILED')

    // ml1's poc_port closed by a firewall (Docker-published, so DOCKER-USER too): FAILED until reopened.
    const undo = await blockPort(lab(), 'ml1', { port: 8080, action: 'REJECT', published: true })
    try {
      const blocked = await nodeUntil(
        'ml1',
        'FAILED behind the firewall',
        (n) => n.state.current_status === 'FAILED',
      )
      expect(blocked.state.failure_reason).toContain(`Get "http://${ml1.address}:8080/health": ECONNREFUSED`)
    } finally {
      await undo()
    }
    await nodeUntil('ml1', 'reachable again', (n) => n.state.current_status !== 'FAILED')
  })

  it('inferenced in the api container: warm key (passphrase on stdin), then registration on the seed', async () => {
    const compose = `cd ${JOIN} && . ./config.env && docker compose exec -T api`
    // The passphrase goes on stdin (twice: a new keyring asks to confirm), never in argv.
    const add = await labSsh(
      net,
      `${compose} inferenced keys add "$KEY_NAME" --keyring-backend file --output json`,
      {
        input: `${KEYRING_PASSWORD}\n${KEYRING_PASSWORD}\n`,
      },
    )
    expect(add.code, add.stderr).toBe(0)
    expect(add.stderr).toContain('Enter keyring passphrase')
    const warm = JSON.parse(add.stdout) as { name: string; address: string }
    expect(warm).toMatchObject({
      name: KEY_NAME,
      address: expect.stringMatching(/^gonka1[0-9a-z]{38}$/) as string,
    })
    expect(warm.address).not.toBe(coldAddress)
    const list = await labSsh(net, `${compose} inferenced keys list --keyring-backend file --output json`)
    expect(list.code, list.stderr).toBe(0)
    expect((JSON.parse(list.stdout) as { address: string }[]).map((k) => k.address)).toEqual([warm.address])

    const reg = await labSsh(
      net,
      `${compose} inferenced register-new-participant "$PUBLIC_URL" "$ACCOUNT_PUBKEY" --node-address "$SEED_API_URL"`,
    )
    expect(reg.code, `${reg.stdout}\n${reg.stderr}`).toBe(0)
    expect(reg.stdout).toContain(`Account Address: ${coldAddress}`)
    expect(reg.stdout).toContain('Participant registration submitted successfully!')
    const consensusKey = /Validator Consensus Key: (\S+)/.exec(reg.stdout)?.[1]
    expect(consensusKey).toBeTruthy()

    // Registration is asynchronous: the CLI polled until the seed delivered it (status 1 = ACTIVE).
    expect(reg.stdout).toContain(`Found participant: ${coldAddress}`)
    const seen = await fetch(`http://${seed.address}:8000/v2/participants/${coldAddress}`)
    expect(seen.status).toBe(200)
    const { participant } = (await seen.json()) as {
      participant: { address: string; inference_url: string; validator_key: string; status: number }
    }
    expect(participant).toMatchObject({
      address: coldAddress,
      inference_url: `http://${net.address}:8000`,
      validator_key: consensusKey,
      status: 1,
    })

    // A repeat registration with another URL is accepted (HTTP 200) but never changes the record.
    const again = await labSsh(
      net,
      `cd ${JOIN} && . ./config.env && docker compose exec -T -e STANDIN_REGISTER_POLL_SECONDS=3 api inferenced register-new-participant http://198.51.100.9:8000 "$ACCOUNT_PUBKEY" --node-address "$SEED_API_URL"`,
    )
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0)
    const after = (await (
      await fetch(`http://${seed.address}:8000/v2/participants/${coldAddress}`)
    ).json()) as {
      participant: { inference_url: string }
    }
    expect(after.participant.inference_url).toBe(`http://${net.address}:8000`)

    // Grants from the user's machine (cold key there), through the seed's chain RPC, as upstream.
    const grant = await localInferenced(
      [
        'tx',
        'inference',
        'grant-ml-ops-permissions',
        coldName,
        warm.address,
        '--from',
        coldName,
        '--keyring-backend',
        'file',
        '--keyring-dir',
        coldKeyringDir,
        '--node',
        `http://${seed.address}:8000/chain-rpc/`,
        '--gas',
        '2000000',
      ],
      'cold-keyring-pass\n',
    )
    expect(grant).toContain('Transaction confirmed successfully!')
    const grants = (await (
      await fetch(
        `http://${seed.address}:8000/chain-api/cosmos/authz/v1beta1/grants?granter=${coldAddress}&grantee=${warm.address}`,
      )
    ).json()) as { grants: unknown[] }
    expect(grants.grants).toHaveLength(20)
    const allowance = await fetch(
      `http://${seed.address}:8000/chain-api/cosmos/feegrant/v1beta1/allowance/${coldAddress}/${warm.address}`,
    )
    expect(allowance.status).toBe(200)
  })
})
