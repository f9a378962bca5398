import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { freePort, http, runToExit, startRole, testPubkey, waitFor, type RunningRole } from './test-helpers'

const NodeItem = z.object({
  node: z.object({
    id: z.string(),
    host: z.string(),
    inference_port: z.number(),
    poc_port: z.number(),
    max_concurrent: z.number(),
    node_num: z.number(),
    models: z.record(z.string(), z.object({ args: z.array(z.string()) })),
    hardware: z.array(z.object({ type: z.string(), count: z.number() })),
  }),
  state: z.object({
    intended_status: z.string(),
    current_status: z.string(),
    poc_current_status: z.string(),
    failure_reason: z.string(),
    admin_state: z.object({ enabled: z.boolean(), epoch: z.number() }),
    ml_node_version: z.string(),
    standin_poc: z
      .object({ batches_received: z.number(), ml_node_callback_error: z.string().nullable() })
      .nullable(),
  }),
})
const NodeList = z.array(NodeItem)
const ErrorBody = z.object({ error: z.string() })
const Report = z.object({
  overall_status: z.enum(['PASS', 'FAIL', 'UNAVAILABLE']),
  checks: z.array(z.object({ id: z.string(), status: z.string(), message: z.string() })),
})

const MODEL = 'MiniMaxAI/MiniMax-M2.7'
const ACCOUNT_PUBKEY = testPubkey(7)

function mlNodeBody(
  id: string,
  host: string,
  pocPort: number,
  inferencePort: number,
  model = MODEL,
): Record<string, unknown> {
  return {
    id,
    host,
    inference_port: inferencePort,
    poc_port: pocPort,
    max_concurrent: 500,
    models: { [model]: { args: ['--tensor-parallel-size', '4'] } },
  }
}

const running: RunningRole[] = []
async function start(role: string, env: Record<string, string>, expected: number): Promise<RunningRole> {
  const r = await startRole(role, env, expected)
  running.push(r)
  return r
}

let tmp = ''
let seed: RunningRole
let seedUrl = ''
let mlnode: RunningRole
let mlPort = 0
let closedPort = 0

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'standins-'))
  closedPort = await freePort()
  seed = await start('seed', { STANDIN_SEED_PORT: '0' }, 1)
  seedUrl = `http://127.0.0.1:${seed.port('seed public API')}`
  mlnode = await start(
    'mlnode',
    {
      STANDIN_MLNODE_PORT: '0',
      STANDIN_MLNODE_INFERENCE_PORT: '0',
      STANDIN_GPU_DETECT: 'always',
      STANDIN_POC_RETRY_MS: '100',
    },
    2,
  )
  mlPort = mlnode.port('management')
}, 30000)

afterAll(async () => {
  for (const r of running) await r.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('stand-in identity', () => {
  it('every role logs that it is a stand-in and sets X-Gonka-Standin', async () => {
    expect(seed.logs[0]).toBe('STAND-IN seed (not the real Gonka service)')
    const r = await http(`${seedUrl}/v1/status`)
    expect(r.headers.get('x-gonka-standin')).toBe('seed')
  })

  it('stops promptly with exit code 0 on SIGTERM', async () => {
    const r = await startRole('tmkms', {}, 0)
    expect(await r.stop()).toBe(0)
  })
})

describe('seed', () => {
  it('serves the governance models with ids, model_args and v_ram', async () => {
    const r = await http(`${seedUrl}/v1/governance/models`)
    const body = z
      .object({
        models: z.array(z.object({ id: z.string(), model_args: z.array(z.string()), v_ram: z.number() })),
      })
      .parse(r.json)
    expect(body.models.map((m) => m.id)).toContain(MODEL)
    expect(body.models.map((m) => m.id)).not.toContain('Qwen/Qwen3-235B-A22B-Instruct-2507-FP8')
  })

  it('registers a participant and finds it by address afterwards', async () => {
    const pub = testPubkey(41)
    const before = await http(`${seedUrl}/v2/participants/gonka1unknown`)
    expect(before.status).toBe(404)
    const reg = await http(`${seedUrl}/v1/participants`, {
      method: 'POST',
      body: { url: 'http://198.51.100.2:8000', pub_key: pub, validator_key: 'vk', worker_key: '' },
    })
    expect(reg.status).toBe(200)
    const list = z
      .object({ participants: z.array(z.object({ address: z.string(), inference_url: z.string() })) })
      .parse((await http(`${seedUrl}/v1/participants`)).json)
    const mine = list.participants.find((p) => p.inference_url === 'http://198.51.100.2:8000')
    expect(mine?.address).toMatch(/^gonka1[02-9ac-hj-np-z]{38}$/)
    const got = await http(`${seedUrl}/v2/participants/${mine?.address ?? ''}`)
    expect(
      z.object({ participant: z.object({ address: z.string(), status: z.string() }) }).parse(got.json)
        .participant.status,
    ).toBe('ACTIVE')
  })

  it('rejects a registration whose address does not match the pubkey', async () => {
    const r = await http(`${seedUrl}/v1/participants`, {
      method: 'POST',
      body: { address: 'gonka1xxxx', url: 'http://a:8000', pub_key: testPubkey(42) },
    })
    expect(r.status).toBe(400)
  })

  it('shows authz grants only after they were granted', async () => {
    const q = `${seedUrl}/chain-api/cosmos/authz/v1beta1/grants?granter=gonka1cold&grantee=gonka1warm`
    const Grants = z.object({ grants: z.array(z.object({ authorization: z.object({ msg: z.string() }) })) })
    expect(Grants.parse((await http(q)).json).grants).toHaveLength(0)
    expect(
      (
        await http(`${seedUrl}/standin/v1/grant-ml-ops-permissions`, {
          method: 'POST',
          body: { granter: 'gonka1cold', grantee: 'gonka1warm' },
        })
      ).status,
    ).toBe(200)
    const msgs = Grants.parse((await http(q)).json).grants.map((g) => g.authorization.msg)
    expect(msgs).toContain('/inference.inference.MsgStartInference')
    expect(msgs).toHaveLength(20)
  })

  it('answers chain-rpc/status and epochs/latest in the documented shapes', async () => {
    const s = z
      .object({
        result: z.object({
          node_info: z.object({ network: z.string(), listen_addr: z.string() }),
          sync_info: z.object({ catching_up: z.boolean() }),
        }),
      })
      .parse((await http(`${seedUrl}/chain-rpc/status`)).json)
    expect(s.result.node_info.network).toBe('gonka-mainnet')
    const e = z
      .object({
        latest_epoch: z.object({ index: z.number() }),
        phase: z.string(),
        next_epoch_stages: z.object({ poc_start: z.number() }),
      })
      .parse((await http(`${seedUrl}/v1/epochs/latest`)).json)
    expect(e.next_epoch_stages.poc_start).toBeGreaterThan(0)
    const p = z
      .object({ active_participants: z.object({ participants: z.array(z.object({ index: z.string() })) }) })
      .parse((await http(`${seedUrl}/v1/epochs/current/participants`)).json)
    expect(p.active_participants.participants.length).toBeGreaterThan(0)
  })
})

describe('mlnode and inference', () => {
  it('answers GPU routes from the H100 capture, marked as replayed', async () => {
    const d = await http(`http://127.0.0.1:${mlPort}/api/v1/gpu/devices`)
    const devs = z
      .object({
        count: z.number(),
        devices: z.array(z.object({ name: z.string(), total_memory_mb: z.number() })),
      })
      .parse(d.json)
    expect(devs.devices[0]).toMatchObject({ name: 'NVIDIA H100 80GB HBM3', total_memory_mb: 81559 })
    expect(d.headers.get('x-gonka-standin-replay')).toContain('host-capture-h100')
    const drv = z
      .object({ driver_version: z.string(), cuda_driver_version: z.string() })
      .parse((await http(`http://127.0.0.1:${mlPort}/api/v1/gpu/driver`)).json)
    expect(drv).toMatchObject({ driver_version: '580.159.04', cuda_driver_version: '13.0' })
    const h = await http(`http://127.0.0.1:${mlPort}/health`)
    expect(h.status).toBe(200)
    expect(z.object({ status: z.string() }).parse(h.json).status).toBe('healthy')
    expect(
      z.object({ state: z.string() }).parse((await http(`http://127.0.0.1:${mlPort}/api/v1/state`)).json)
        .state,
    ).toBe('STOPPED')
  })

  it('reports no GPU and an unhealthy /health when the container has none', async () => {
    const noGpu = await start(
      'mlnode',
      { STANDIN_MLNODE_PORT: '0', STANDIN_MLNODE_INFERENCE_PORT: '0', STANDIN_GPU_DETECT: 'never' },
      2,
    )
    const h = await http(`http://127.0.0.1:${noGpu.port('management')}/health`)
    expect(h.status).toBe(503)
    expect((await http(`http://127.0.0.1:${noGpu.port('management')}/api/v1/gpu/driver`)).status).toBe(503)
  })

  it('inference (nginx stand-in) proxies 8080 to the mlnode, with and without /v3.0.8/', async () => {
    const inf = await start(
      'inference',
      {
        STANDIN_INFERENCE_MGMT_PORT: '0',
        STANDIN_INFERENCE_PORT: '0',
        STANDIN_UPSTREAM_HOST: '127.0.0.1',
        STANDIN_UPSTREAM_MGMT_PORT: String(mlPort),
        STANDIN_UPSTREAM_INFERENCE_PORT: String(mlnode.port('inference')),
      },
      2,
    )
    const base = `http://127.0.0.1:${inf.port('management')}`
    for (const p of ['/api/v1/state', '/v3.0.8/api/v1/state']) {
      const r = await http(base + p)
      expect(r.status).toBe(200)
      expect(r.headers.get('x-gonka-standin')).toBe('inference')
      expect(z.object({ version: z.string() }).parse(r.json).version).toBe('3.0.13')
    }
  })

  it('inference answers 502 when mlnode-308 is down', async () => {
    const inf = await start(
      'inference',
      {
        STANDIN_INFERENCE_MGMT_PORT: '0',
        STANDIN_INFERENCE_PORT: '0',
        STANDIN_UPSTREAM_HOST: '127.0.0.1',
        STANDIN_UPSTREAM_MGMT_PORT: String(closedPort),
      },
      2,
    )
    expect((await http(`http://127.0.0.1:${inf.port('management')}/health`)).status).toBe(502)
  })
})

function apiEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    KEY_NAME: 'warm-key',
    ACCOUNT_PUBKEY,
    DAPI_API__POC_CALLBACK_URL: `http://127.0.0.1:${closedPort}`,
    DAPI_API__PUBLIC_URL: 'http://198.51.100.2:8000',
    DAPI_CHAIN_NODE__SEED_API_URL: seedUrl,
    DAPI_CHAIN_NODE__URL: `http://127.0.0.1:${closedPort}`,
    DAPI_API__PUBLIC_SERVER_PORT: '0',
    DAPI_API__ML_SERVER_PORT: '0',
    DAPI_API__ADMIN_SERVER_PORT: '0',
    NODE_CONFIG_PATH: path.join(tmp, 'no-node-config.json'),
    STANDIN_DAPI_DIR: path.join(tmp, 'no-dapi'),
    STANDIN_KEYRING_DIR: path.join(tmp, 'no-keyring'),
    STANDIN_HEALTH_POLL_MS: '300',
    STANDIN_REPORT_CACHE_MS: '0',
    ...extra,
  }
}

describe('api: required environment', () => {
  it.each(['KEY_NAME', 'ACCOUNT_PUBKEY', 'DAPI_API__POC_CALLBACK_URL', 'DAPI_API__PUBLIC_URL'])(
    'exits with a clear message when %s is empty',
    async (name) => {
      const r = await runToExit('api', apiEnv({ [name]: '' }))
      expect(r.code).toBe(1)
      expect(r.output).toContain(`Error: ${name} is required.`)
    },
  )
})

describe('api: admin nodes', () => {
  let api: RunningRole
  let admin = ''
  const list = async (): Promise<z.infer<typeof NodeList>> =>
    NodeList.parse((await http(`${admin}/admin/v1/nodes`)).json)

  beforeAll(async () => {
    api = await start('api', apiEnv(), 3)
    admin = `http://127.0.0.1:${api.port('admin')}`
  })

  it('creates a node (200 + stored config) and upserts by id', async () => {
    const created = await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('n1', '127.0.0.1', mlPort, mlnode.port('inference')),
    })
    expect(created.status).toBe(200)
    expect(z.object({ id: z.string(), node_num: z.number() }).parse(created.json).id).toBe('n1')
    const again = await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: { ...mlNodeBody('n1', '127.0.0.1', mlPort, mlnode.port('inference')), max_concurrent: 800 },
    })
    expect(again.status).toBe(200)
    const items = (await list()).filter((n) => n.node.id === 'n1')
    expect(items).toHaveLength(1)
    expect(items[0]?.node.max_concurrent).toBe(800)
  })

  it('polls a reachable ML node: state from /api/v1/state and hardware filled from its GPUs', async () => {
    const n1 = await waitFor('n1 polled', async () => {
      const n = (await list()).find((x) => x.node.id === 'n1')
      return n && n.state.current_status !== 'UNKNOWN' && n.node.hardware.length ? n : undefined
    })
    expect(n1.state.current_status).toBe('STOPPED')
    expect(n1.state.ml_node_version).toBe('3.0.13')
    expect(n1.node.hardware).toEqual([{ type: 'NVIDIA H100 80GB HBM3 | 80GB', count: 1 }])
  })

  it('rejects a duplicate host+port with 400', async () => {
    const r = await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('n2', '127.0.0.1', mlPort, mlnode.port('inference')),
    })
    expect(r.status).toBe(400)
    expect(ErrorBody.parse(r.json).error).toContain('duplicate inference host+port combination: 127.0.0.1:')
  })

  it('rejects a node whose only model is not in the governance list', async () => {
    const r = await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('n3', '10.0.0.3', 8080, 5050, 'Qwen/Qwen2.5-7B-Instruct'),
    })
    expect(r.status).toBe(400)
    expect(ErrorBody.parse(r.json).error).toBe(
      'failed to create node: node n3 has no governance-valid models',
    )
  })

  it('answers 400 with field messages for missing fields, and for bad JSON', async () => {
    const r = await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: { id: '', host: '', inference_port: 0, poc_port: 70000 },
    })
    expect(r.status).toBe(400)
    const msg = ErrorBody.parse(r.json).error
    for (const part of [
      'node id is required',
      'host is required',
      'inference_port must be between 1 and 65535, got 0',
      'poc_port must be between 1 and 65535, got 70000',
      'max_concurrent must be greater than 0',
      'at least one model must be specified',
    ]) {
      expect(msg).toContain(part)
    }
    const bad = await http(`${admin}/admin/v1/nodes`, { method: 'POST', body: '{not json' })
    expect(bad.status).toBe(400)
    expect(ErrorBody.parse(bad.json).error).toMatch(/^invalid request body: /)
  })

  it('DELETE of an unknown id answers 200 false, of a known id true', async () => {
    const unknown = await http(`${admin}/admin/v1/nodes/nope`, { method: 'DELETE' })
    expect(unknown.status).toBe(200)
    expect(unknown.json).toBe(false)
    await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('gone', '10.0.0.9', 8080, 5050),
    })
    expect((await http(`${admin}/admin/v1/nodes/gone`, { method: 'DELETE' })).json).toBe(true)
    expect((await list()).some((n) => n.node.id === 'gone')).toBe(false)
  })

  it('enable/disable: 404 for unknown ids, admin_state for known ones', async () => {
    expect((await http(`${admin}/admin/v1/nodes/nope/disable`, { method: 'POST' })).status).toBe(404)
    const d = await http(`${admin}/admin/v1/nodes/n1/disable`, { method: 'POST' })
    expect(d.json).toEqual({ message: 'node disabled successfully', node_id: 'n1' })
    expect((await list()).find((n) => n.node.id === 'n1')?.state.admin_state.enabled).toBe(false)
    await http(`${admin}/admin/v1/nodes/n1/enable`, { method: 'POST' })
    expect((await list()).find((n) => n.node.id === 'n1')?.state.admin_state.enabled).toBe(true)
  })

  it('batch: 206 with nodes and errors when some fail, 400 when all fail', async () => {
    const some = await http(`${admin}/admin/v1/nodes/batch`, {
      method: 'POST',
      body: [
        mlNodeBody('b1', '10.0.1.1', 8080, 5050),
        mlNodeBody('b2', '10.0.1.2', 8080, 5050, 'not/a-model'),
      ],
    })
    expect(some.status).toBe(206)
    const body = z
      .object({ nodes: z.array(z.object({ id: z.string() })), errors: z.array(z.string()) })
      .parse(some.json)
    expect(body.nodes.map((n) => n.id)).toEqual(['b1'])
    expect(body.errors[0]).toMatch(/^node\[1\] \(id: b2\): /)
    const all = await http(`${admin}/admin/v1/nodes/batch`, {
      method: 'POST',
      body: [mlNodeBody('b3', '', 8080, 5050)],
    })
    expect(all.status).toBe(400)
    expect(z.object({ error: z.object({ error: z.string() }) }).parse(all.json).error.error).toBe(
      'all nodes failed validation',
    )
  })

  it('accepts a host with http:// (as the newest API does) and then shows the node FAILED', async () => {
    const r = await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('schemed', 'http://10.0.0.5', 8080, 5050),
    })
    expect(r.status).toBe(200)
    const n = await waitFor('schemed FAILED', async () => {
      const x = (await list()).find((i) => i.node.id === 'schemed')
      return x?.state.current_status === 'FAILED' ? x : undefined
    })
    expect(n.state.failure_reason).toContain('http://http://10.0.0.5:8080')
    await http(`${admin}/admin/v1/nodes/schemed`, { method: 'DELETE' })
  })

  it('marks an unreachable ML node FAILED, in the list and in the setup report', async () => {
    await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('down', '127.0.0.1', closedPort, closedPort),
    })
    const n = await waitFor('down FAILED', async () => {
      const x = (await list()).find((i) => i.node.id === 'down')
      return x?.state.current_status === 'FAILED' ? x : undefined
    })
    expect(n.state.failure_reason).toContain('ECONNREFUSED')
    const report = Report.parse((await http(`${admin}/admin/v1/setup/report`)).json)
    expect(report.checks.find((c) => c.id === 'mlnode_down')?.status).toBe('FAIL')
    expect(report.checks.find((c) => c.id === 'mlnode_n1')?.status).toBe('PASS')
    expect(report.overall_status).toBe('FAIL')
    expect(api.logs.some((l) => l.includes('ERROR ML node down FAILED'))).toBe(true)
    await http(`${admin}/admin/v1/nodes/down`, { method: 'DELETE' })
  })

  it('records a PoC whose callback URL the ML node cannot reach as failed', async () => {
    const r = await http(`${admin}/admin/v1/standin/poc/start`, {
      method: 'POST',
      body: { node_ids: ['n1'] },
    })
    expect(z.record(z.string(), z.object({ started: z.boolean() })).parse(r.json)['n1']?.started).toBe(true)
    const n = await waitFor('callback failure recorded', async () => {
      const x = (await list()).find((i) => i.node.id === 'n1')
      return x?.state.standin_poc?.ml_node_callback_error ? x : undefined
    })
    expect(n.state.failure_reason).toContain(
      `PoC callback failed: ML node could not deliver generated batches to http://127.0.0.1:${closedPort}/v2/poc-batches`,
    )
    expect(n.state.standin_poc?.batches_received).toBe(0)
    expect(api.logs.some((l) => l.includes('ERROR PoC: ML node n1 cannot deliver generated batches'))).toBe(
      true,
    )
    const report = Report.parse((await http(`${admin}/admin/v1/setup/report`)).json)
    expect(report.checks.find((c) => c.id === 'mlnode_n1')?.message).toContain('cannot deliver PoC batches')
    await http(`http://127.0.0.1:${mlPort}/api/v1/stop`, { method: 'POST' })
  })
})

describe('api: PoC with a reachable callback URL', () => {
  it('receives the generated batch on the ML callback server', async () => {
    const mlServerPort = await freePort()
    const ml2 = await start(
      'mlnode',
      { STANDIN_MLNODE_PORT: '0', STANDIN_MLNODE_INFERENCE_PORT: '0', STANDIN_GPU_DETECT: 'always' },
      2,
    )
    const api = await start(
      'api',
      apiEnv({
        DAPI_API__ML_SERVER_PORT: String(mlServerPort),
        DAPI_API__POC_CALLBACK_URL: `http://127.0.0.1:${mlServerPort}`,
      }),
      3,
    )
    const admin = `http://127.0.0.1:${api.port('admin')}`
    await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('good', '127.0.0.1', ml2.port('management'), ml2.port('inference')),
    })
    await http(`${admin}/admin/v1/standin/poc/start`, { method: 'POST', body: {} })
    const n = await waitFor('batch received', async () => {
      const x = NodeList.parse((await http(`${admin}/admin/v1/nodes`)).json).find((i) => i.node.id === 'good')
      return x?.state.standin_poc && x.state.standin_poc.batches_received > 0 ? x : undefined
    })
    expect(n.state.failure_reason).toBe('')
    expect(api.logs.some((l) => l.includes('received generated PoC batch (v2) from ML node good'))).toBe(true)
    expect((await http(`http://127.0.0.1:${mlServerPort}/versions`)).status).toBe(200)
    // The ML node is still generating from the first phase: the next phase must start anyway.
    const state = await http(`http://127.0.0.1:${ml2.port('management')}/api/v1/state`)
    expect(z.object({ state: z.string() }).parse(state.json).state).toBe('POW')
    const again = await http(`${admin}/admin/v1/standin/poc/start`, { method: 'POST', body: {} })
    expect(
      z
        .record(z.string(), z.object({ started: z.boolean(), error: z.string().nullable() }))
        .parse(again.json)['good'],
    ).toEqual({ started: true, error: null })
    await waitFor('second batch received', () =>
      Promise.resolve(
        api.logs.filter((l) => l.includes('received generated PoC batch (v2) from ML node good')).length > 1
          ? true
          : undefined,
      ),
    )
  })
})

describe('api: node_config.json is merged once', () => {
  it('takes governance-valid nodes on first start, ignores the file afterwards, keeps state in .dapi', async () => {
    const dapi = path.join(tmp, 'dapi')
    fs.mkdirSync(dapi)
    const cfg = path.join(tmp, 'node_config.json')
    fs.writeFileSync(
      cfg,
      JSON.stringify([
        mlNodeBody('old', 'inference', 8080, 5000, 'Qwen/Qwen3-235B-A22B-Instruct-2507-FP8'),
        mlNodeBody('new', '10.0.2.1', 8080, 5050),
      ]),
    )
    const env = apiEnv({ NODE_CONFIG_PATH: cfg, STANDIN_DAPI_DIR: dapi })
    const first = await start('api', env, 3)
    const ids1 = NodeList.parse(
      (await http(`http://127.0.0.1:${first.port('admin')}/admin/v1/nodes`)).json,
    ).map((n) => n.node.id)
    expect(ids1).toEqual(['new'])
    await first.stop()
    fs.writeFileSync(cfg, JSON.stringify([mlNodeBody('edited', '10.0.2.9', 8080, 5050)]))
    const second = await start('api', env, 3)
    const ids2 = NodeList.parse(
      (await http(`http://127.0.0.1:${second.port('admin')}/admin/v1/nodes`)).json,
    ).map((n) => n.node.id)
    expect(ids2).toEqual(['new'])
    expect(second.logs.some((l) => l.includes('Node config already merged. Skipping'))).toBe(true)
  })
})

describe('proxy', () => {
  it('answers /health, disables chain RPC by default and forwards /v1 and /api/v1 to the api', async () => {
    const api = await start('api', apiEnv(), 3)
    const proxy = await start(
      'proxy',
      {
        STANDIN_PROXY_PORT: '0',
        STANDIN_PROXY_SSL_PORT: '-1',
        STANDIN_API_HOST: '127.0.0.1',
        GONKA_API_PORT: String(api.port('public')),
      },
      1,
    )
    const base = `http://127.0.0.1:${proxy.port('http')}`
    const h = await http(`${base}/health`)
    expect([h.status, h.text.trim()]).toEqual([200, 'healthy'])
    const rpc = await http(`${base}/chain-rpc/status`)
    expect([rpc.status, rpc.text.trim()]).toEqual([404, 'Chain RPC Disabled'])
    expect((await http(`${base}/v1/status`)).json).toEqual({ status: 'ok' })
    expect((await http(`${base}/api/v1/status`)).json).toEqual({ status: 'ok' })
    const models = z
      .object({ models: z.array(z.object({ id: z.string() })) })
      .parse((await http(`${base}/v1/governance/models`)).json)
    expect(models.models.map((m) => m.id)).toContain(MODEL)
    expect((await http(`${base}/v1/poc-batches/1`)).status).toBe(403)
  })
})
