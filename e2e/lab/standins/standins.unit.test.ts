import { spawnSync } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import {
  STANDINS_DIR,
  freePort,
  http,
  runToExit,
  startRole,
  testAddress,
  testPubkey,
  waitFor,
  type HttpResult,
  type RunningRole,
} from './test-helpers'

// Each test starts stand-in processes; on a loaded machine that takes longer than the default 5 s.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

const NodeItem = z.object({
  node: z.object({
    id: z.string(),
    host: z.string(),
    inference_port: z.number(),
    poc_port: z.number(),
    max_concurrent: z.number(),
    node_num: z.number(),
    models: z.record(z.string(), z.object({ args: z.array(z.string()) })),
    hardware: z.array(z.object({ type: z.string(), count: z.number() })).nullable(),
  }),
  state: z.object({
    intended_status: z.string(),
    current_status: z.string(),
    poc_current_status: z.string(),
    failure_reason: z.string(),
    admin_state: z.object({ enabled: z.boolean(), epoch: z.number() }),
    ml_node_version: z.string(),
    poc_validation_inference: z.boolean(),
    standin_poc: z
      .object({ batches_received: z.number(), ml_node_callback_error: z.string().nullable() })
      .nullable(),
  }),
})
const NodeList = z.array(NodeItem)
const ErrorBody = z.object({ error: z.string() })
const Report = z.object({
  overall_status: z.enum(['PASS', 'FAIL', 'UNAVAILABLE']),
  checks: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  summary: z.object({
    total_checks: z.number(),
    passed_checks: z.number(),
    failed_checks: z.number(),
    unavailable_checks: z.number(),
    issues: z.array(z.string()),
    recommendations: z.array(z.string()),
  }),
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
  seed = await start('seed', { STANDIN_SEED_PORT: '0', STANDIN_REGISTRATION_DELAY_MS: '100' }, 1)
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

  const register = (pub: string, url: string): Promise<HttpResult> =>
    http(`${seedUrl}/v1/participants`, {
      method: 'POST',
      body: { address: testAddress(pub), url, pub_key: pub, validator_key: 'vk', worker_key: '' },
    })
  const participant = async (address: string): Promise<HttpResult> =>
    http(`${seedUrl}/v2/participants/${address}`)
  const appeared = (address: string): Promise<Record<string, unknown>> =>
    waitFor(`participant ${address}`, async () => {
      const r = await participant(address)
      return r.status === 200
        ? z.object({ participant: z.record(z.string(), z.unknown()) }).parse(r.json).participant
        : undefined
    })

  it('§4.2 registration is asynchronous: 200 with an empty body, the participant appears a moment later', async () => {
    const pub = testPubkey(41)
    const address = testAddress(pub)
    await http(`${seedUrl}/standin/v1/registration`, { method: 'POST', body: { hold: true } })
    const reg = await register(pub, 'http://198.51.100.2:8000')
    expect(reg.status).toBe(200)
    expect(reg.text).toBe('')
    expect((await participant(address)).status).toBe(404)
    await http(`${seedUrl}/standin/v1/registration`, { method: 'POST', body: { hold: false } })
    expect((await appeared(address)).inference_url).toBe('http://198.51.100.2:8000')
  })

  it('§4.2 an existing account is rejected: a repeat registration never updates the URL', async () => {
    const pub = testPubkey(43)
    const address = testAddress(pub)
    expect((await register(pub, 'http://198.51.100.3:8000')).status).toBe(200)
    await appeared(address)
    const again = await register(pub, 'http://198.51.100.99:8000')
    expect(again.status).toBe(200)
    await waitFor('the rejection in the seed log', () =>
      Promise.resolve(
        seed.logs.find((l) => l.includes(`MsgSubmitNewUnfundedParticipant for ${address} failed (code 1110`)),
      ),
    )
    expect((await appeared(address)).inference_url).toBe('http://198.51.100.3:8000')
  })

  it('§4.2 a funded account, closed registration or an allowlist: 200, and the participant never appears', async () => {
    const funded = testPubkey(44)
    await http(`${seedUrl}/standin/v1/fund`, {
      method: 'POST',
      body: { address: testAddress(funded), amount: 5 },
    })
    const closed = testPubkey(45)
    const notListed = testPubkey(46)
    expect((await register(funded, 'http://198.51.100.4:8000')).status).toBe(200)
    await http(`${seedUrl}/standin/v1/registration`, { method: 'POST', body: { closed: true } })
    expect((await register(closed, 'http://198.51.100.5:8000')).status).toBe(200)
    await http(`${seedUrl}/standin/v1/registration`, {
      method: 'POST',
      body: { closed: false, allowlist: [testAddress(funded)] },
    })
    expect((await register(notListed, 'http://198.51.100.6:8000')).status).toBe(200)
    for (const pub of [funded, closed, notListed]) {
      const address = testAddress(pub)
      await waitFor(`the failed delivery for ${address}`, () =>
        Promise.resolve(
          seed.logs.find((l) => l.includes(`MsgSubmitNewUnfundedParticipant for ${address} failed`)),
        ),
      )
      expect((await participant(address)).status).toBe(404)
    }
    await http(`${seedUrl}/standin/v1/registration`, { method: 'POST', body: { allowlist: null } })
    // The funded account exists without a participant: balance only, no pubkey yet.
    expect((await http(`${seedUrl}/v2/accounts/${testAddress(funded)}`)).json).toEqual({
      pubkey: '',
      balance: 5,
      denom: 'ngonka',
    })
  })

  it('§4.5 POST /v1/participants answers 400 only without address or pub_key (no checks upstream lacks)', async () => {
    const noPub = await http(`${seedUrl}/v1/participants`, {
      method: 'POST',
      body: { address: 'gonka1x', url: 'x' },
    })
    expect(noPub.status).toBe(400)
    expect(noPub.json).toEqual({ error: 'Address and PubKey are required' })
    // A mismatching address or a malformed URL is accepted (the chain drops it later).
    const odd = await http(`${seedUrl}/v1/participants`, {
      method: 'POST',
      body: { address: 'gonka1xxxx', url: 'not a url', pub_key: testPubkey(42) },
    })
    expect(odd.status).toBe(200)
    expect(odd.text).toBe('')
  })

  it('§4.3 /v2/participants/<addr>: snake_case, zero values omitted, status a number; unknown → 404 {"error":"not found"}', async () => {
    const pub = testPubkey(47)
    const address = testAddress(pub)
    await register(pub, 'http://198.51.100.7:8000')
    const p = await appeared(address)
    expect(p).toMatchObject({ index: address, address, inference_url: 'http://198.51.100.7:8000', status: 1 })
    expect(p).not.toHaveProperty('weight')
    expect(p).not.toHaveProperty('coin_balance')
    expect(p).not.toHaveProperty('worker_public_key')
    expect(p).not.toHaveProperty('inferenceUrl')
    const unknown = await participant('gonka1unknown')
    expect(unknown.status).toBe(404)
    expect(unknown.json).toEqual({ error: 'not found' })
  })

  it('§4.4 /v2/accounts/<addr> and /v1/participants/<addr> answer {pubkey, balance:<number>, denom}', async () => {
    const pub = testPubkey(48)
    const address = testAddress(pub)
    await register(pub, 'http://198.51.100.8:8000')
    await appeared(address)
    for (const route of ['v2/accounts', 'v1/participants']) {
      const r = await http(`${seedUrl}/${route}/${address}`)
      expect(r.json).toEqual({ pubkey: pub, balance: 0, denom: 'ngonka' })
    }
  })

  it('§4.5 GET /v1/participants items are {id, url, coins_owed, refunds_owed, balance, voting_power, reputation} + block_height', async () => {
    const r = z
      .object({ participants: z.array(z.record(z.string(), z.unknown())), block_height: z.number() })
      .parse((await http(`${seedUrl}/v1/participants`)).json)
    expect(r.participants.length).toBeGreaterThan(0)
    for (const item of r.participants)
      expect(Object.keys(item).sort()).toEqual([
        'balance',
        'coins_owed',
        'id',
        'refunds_owed',
        'reputation',
        'url',
        'voting_power',
      ])
  })

  it('§4.8 no fee allowance answers HTTP 500 with code 2 and "not found" in the message', async () => {
    const r = await http(`${seedUrl}/chain-api/cosmos/feegrant/v1beta1/allowance/gonka1cold/gonka1warm`)
    expect(r.status).toBe(500)
    expect(r.json).toMatchObject({ code: 2, message: expect.stringContaining('not found') as string })
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

  it('§4.11 /api/v1/models/space is {cache_size_gb, available_gb, cache_path}; /api/v1/state has poc_validation_inference, poc_status NO_BACKENDS without a GPU', async () => {
    const cache = path.join(tmp, 'hf-cache')
    fs.mkdirSync(cache, { recursive: true })
    fs.writeFileSync(path.join(cache, 'weights.bin'), Buffer.alloc(20 * 1024 * 1024))
    const node = await start(
      'mlnode',
      {
        STANDIN_MLNODE_PORT: '0',
        STANDIN_MLNODE_INFERENCE_PORT: '0',
        STANDIN_GPU_DETECT: 'never',
        HF_HOME: cache,
      },
      2,
    )
    const base = `http://127.0.0.1:${node.port('management')}`
    const space = z
      .object({ cache_size_gb: z.number(), available_gb: z.number(), cache_path: z.string() })
      .strict()
      .parse((await http(`${base}/api/v1/models/space`)).json)
    expect(space.cache_path).toBe(cache)
    expect(space.cache_size_gb).toBe(0.02)
    expect(space.available_gb).toBeGreaterThan(0)
    const state = z
      .object({ state: z.string(), poc_validation_inference: z.boolean(), poc_status: z.string() })
      .parse((await http(`${base}/api/v1/state`)).json)
    expect(state).toMatchObject({ poc_validation_inference: false, poc_status: 'NO_BACKENDS' })
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

  it('§4.10 creates a node (200 + stored config without node_num, hardware null) and upserts by id', async () => {
    const created = await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('n1', '127.0.0.1', mlPort, mlnode.port('inference')),
    })
    expect(created.status).toBe(200)
    const stored = z.record(z.string(), z.unknown()).parse(created.json)
    expect(stored['id']).toBe('n1')
    expect(stored).not.toHaveProperty('node_num')
    expect(stored['hardware']).toBeNull()
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
      return n && n.state.current_status !== 'UNKNOWN' && n.node.hardware?.length ? n : undefined
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

  it('§4.10 batch: an id registered before is reported as a duplicate host:port, not "already exists"', async () => {
    const r = await http(`${admin}/admin/v1/nodes/batch`, {
      method: 'POST',
      body: [mlNodeBody('n1', '127.0.0.1', mlPort, mlnode.port('inference'))],
    })
    expect(r.status).toBe(400)
    const errors = z.object({ error: z.object({ errors: z.array(z.string()) }) }).parse(r.json).error.errors
    expect(errors.join('\n')).toContain(
      `duplicate inference host+port combination: 127.0.0.1:${mlnode.port('inference')}`,
    )
    expect(errors.join('\n')).not.toContain('already exists')
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

  it('§4.6 setup report: mlnode_<id> details {id, host, models, gpus[{index, total_memory_gb…}]}, block_sync and permissions field names, "Check unavailable" issues', async () => {
    const report = Report.parse((await http(`${admin}/admin/v1/setup/report`)).json)
    const ml = report.checks.find((c) => c.id === 'mlnode_n1')
    expect(ml?.status).toBe('PASS')
    expect(ml?.details).toEqual({
      id: 'n1',
      host: '127.0.0.1',
      models: [MODEL],
      gpus: [
        expect.objectContaining({
          index: 0,
          name: 'NVIDIA H100 80GB HBM3',
          total_memory_gb: expect.any(Number) as number,
          free_memory_gb: expect.any(Number) as number,
          used_memory_gb: expect.any(Number) as number,
          available: true,
        }),
      ],
    })
    // The chain node is down in this test (DAPI_CHAIN_NODE__URL is a closed port): unavailable
    // checks, no failure among them, make the whole report UNAVAILABLE, not PASS.
    const unavailable = report.checks.filter((c) => c.status === 'UNAVAILABLE')
    expect(unavailable.map((c) => c.id)).toEqual(expect.arrayContaining(['block_sync', 'validator_in_set']))
    for (const c of unavailable) expect(report.summary.issues).toContain(`Check unavailable: ${c.message}`)
    expect(report.summary.unavailable_checks).toBe(unavailable.length)
    const failed = report.checks.filter((c) => c.status === 'FAIL')
    expect(report.overall_status).toBe(failed.length ? 'FAIL' : 'UNAVAILABLE')
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

  it('§4.6 mlnode_<id> fails only on /health: an unreachable callback leaves it PASS (the ML node logs it)', async () => {
    const r = await http(`${admin}/admin/v1/standin/poc/start`, {
      method: 'POST',
      body: { node_ids: ['n1'] },
    })
    expect(z.record(z.string(), z.object({ started: z.boolean() })).parse(r.json)['n1']?.started).toBe(true)
    const n = await waitFor('callback failure recorded', async () => {
      const x = (await list()).find((i) => i.node.id === 'n1')
      return x?.state.standin_poc?.ml_node_callback_error ? x : undefined
    })
    expect(n.state.standin_poc?.ml_node_callback_error).toContain('ECONNREFUSED')
    expect(n.state.failure_reason).toBe('')
    expect(n.state.standin_poc?.batches_received).toBe(0)
    expect(
      api.logs.some((l) =>
        l.includes(
          `ERROR PoC: ML node n1 cannot deliver generated batches to http://127.0.0.1:${closedPort}/v2/poc-batches/MiniMaxAI%252FMiniMax-M2.7`,
        ),
      ),
    ).toBe(true)
    const report = Report.parse((await http(`${admin}/admin/v1/setup/report`)).json)
    expect(report.checks.find((c) => c.id === 'mlnode_n1')?.status).toBe('PASS')
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

  it('§4.7 the callback URL is used exactly as written: a trailing slash breaks PoC delivery', async () => {
    const mlServerPort = await freePort()
    const ml3 = await start(
      'mlnode',
      {
        STANDIN_MLNODE_PORT: '0',
        STANDIN_MLNODE_INFERENCE_PORT: '0',
        STANDIN_GPU_DETECT: 'always',
        STANDIN_POC_RETRY_MS: '100',
      },
      2,
    )
    const api = await start(
      'api',
      apiEnv({
        DAPI_API__ML_SERVER_PORT: String(mlServerPort),
        DAPI_API__POC_CALLBACK_URL: `http://127.0.0.1:${mlServerPort}/`,
      }),
      3,
    )
    const admin = `http://127.0.0.1:${api.port('admin')}`
    await http(`${admin}/admin/v1/nodes`, {
      method: 'POST',
      body: mlNodeBody('slash', '127.0.0.1', ml3.port('management'), ml3.port('inference')),
    })
    const started = await http(`${admin}/admin/v1/standin/poc/start`, { method: 'POST', body: {} })
    const wrong = `http://127.0.0.1:${mlServerPort}//v2/poc-batches/MiniMaxAI%252FMiniMax-M2.7`
    expect(
      z.record(z.string(), z.object({ callback_url: z.string() })).parse(started.json)['slash']?.callback_url,
    ).toBe(wrong)
    await waitFor('the ML node fails to deliver', () =>
      Promise.resolve(
        ml3.logs.find((l) => l.includes(`ERROR failed to send generated batch to ${wrong}/generated`)),
      ),
    )
    expect(ml3.logs.join('\n')).toContain('HTTP 404')
    expect(api.logs.some((l) => l.includes('received generated PoC batch'))).toBe(false)
  })
})

describe('api: setup report against a running chain node', () => {
  it('§4.6 validator_in_set is computed from the validator set; block_sync details {latest_height, latest_block_time, seconds_since_block}', async () => {
    const node = await start(
      'node',
      {
        STANDIN_RPC_PORT: '0',
        STANDIN_P2P_PORT: '0',
        STANDIN_NODE_SEED: 'validator-test',
        SEED_NODE_RPC_URL: `${seedUrl}/chain-rpc/`,
        STANDIN_INFERENCE_HOME: path.join(tmp, 'no-inference-home'),
      },
      2,
    )
    const chainUrl = `http://127.0.0.1:${node.port('CometBFT')}`
    const pub = testPubkey(60)
    const api = await start('api', apiEnv({ ACCOUNT_PUBKEY: pub, DAPI_CHAIN_NODE__URL: chainUrl }), 3)
    const report = async (): Promise<z.infer<typeof Report>> =>
      Report.parse((await http(`http://127.0.0.1:${api.port('admin')}/admin/v1/setup/report`)).json)
    // On a loaded machine a query can time out (UNAVAILABLE): wait for the answer of a working chain.
    const statusOf = async (want: string): Promise<z.infer<typeof Report>> =>
      waitFor(
        `validator_in_set ${want}`,
        async () => {
          const r = await report()
          return r.checks.find((c) => c.id === 'validator_in_set')?.status === want ? r : undefined
        },
        40_000,
      )
    const first = await statusOf('FAIL')
    const sync = first.checks.find((c) => c.id === 'block_sync')
    expect(sync?.details).toEqual({
      latest_height: expect.any(Number) as number,
      latest_block_time: expect.any(String) as string,
      seconds_since_block: expect.any(Number) as number,
    })

    const status = z
      .object({
        result: z.object({ validator_info: z.object({ pub_key: z.object({ value: z.string() }) }) }),
      })
      .parse((await http(`${chainUrl}/status`)).json)
    const address = testAddress(pub)
    await http(`${seedUrl}/v1/participants`, {
      method: 'POST',
      body: {
        address,
        url: 'http://198.51.100.60:8000',
        pub_key: pub,
        validator_key: status.result.validator_info.pub_key.value,
      },
    })
    await waitFor('registered', async () =>
      (await http(`${seedUrl}/v2/participants/${address}`)).status === 200 ? true : undefined,
    )
    await http(`${seedUrl}/standin/v1/epoch/advance`, { method: 'POST' })
    await statusOf('PASS')
  })
})

describe('api: setup report overall status', () => {
  it('§4.6 overall_status is UNAVAILABLE (not PASS) when checks are unavailable and none fails', async () => {
    // The warm key in the keyring, no seed and no chain node: nothing fails, several checks cannot run.
    const keyring = path.join(tmp, 'warm-keyring')
    const add = spawnSync(
      process.execPath,
      [
        path.join(STANDINS_DIR, 'bin', 'inferenced'),
        'keys',
        'add',
        'warm-key',
        '--keyring-backend',
        'file',
        '--keyring-dir',
        keyring,
      ],
      { input: 'password1\npassword1\n', encoding: 'utf8' },
    )
    expect(add.status, add.stderr).toBe(0)
    const api = await start(
      'api',
      apiEnv({ DAPI_CHAIN_NODE__SEED_API_URL: '', STANDIN_KEYRING_DIR: keyring }),
      3,
    )
    const report = Report.parse(
      (await http(`http://127.0.0.1:${api.port('admin')}/admin/v1/setup/report`)).json,
    )
    expect(report.checks.filter((c) => c.status === 'FAIL')).toEqual([])
    expect(report.summary.unavailable_checks).toBeGreaterThan(0)
    expect(report.summary.passed_checks).toBeGreaterThan(0)
    expect(report.overall_status).toBe('UNAVAILABLE')
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

describe('stand-in gonka repo (deploy/join)', () => {
  const JOIN = path.join(STANDINS_DIR, 'gonka-repo', 'deploy', 'join')
  const Compose = z.object({
    services: z.record(
      z.string(),
      z.object({
        image: z.string(),
        ports: z.array(z.string()).optional(),
        depends_on: z.union([z.array(z.string()), z.record(z.string(), z.unknown())]).optional(),
      }),
    ),
  })
  const compose = Compose.parse(parseYaml(fs.readFileSync(path.join(JOIN, 'docker-compose.yml'), 'utf8')))

  it('§4.9 compose has versiond (no ports) and bridge (30303 tcp+udp on all addresses); proxy depends on versiond', () => {
    expect(compose.services['versiond']?.ports).toBeUndefined()
    expect(compose.services['bridge']?.ports).toEqual([
      '${GETH_P2P_PORT:-30303}:30303/tcp',
      '${GETH_P2P_PORT:-30303}:30303/udp',
    ])
    expect(Object.keys(compose.services['proxy']?.depends_on ?? {})).toContain('versiond')
    const images = z
      .array(z.object({ tag: z.string(), role: z.string() }))
      .parse(JSON.parse(fs.readFileSync(path.join(STANDINS_DIR, 'images.json'), 'utf8')))
    // Every image compose starts by default has a stand-in image of the same tag.
    for (const [name, svc] of Object.entries(compose.services)) {
      if (name === 'proxy-ssl') continue
      expect(
        images.map((i) => i.tag),
        name,
      ).toContain(svc.image)
    }
    expect(images.filter((i) => ['versiond', 'bridge'].includes(i.role)).map((i) => i.role)).toEqual([
      'versiond',
      'bridge',
    ])
  })

  it('§4.9 config.env.template has BEACON_STATE_URL, the observability block, commented POSTGRES_*, quoted multi-word VERSIOND_* values', () => {
    const t = fs.readFileSync(path.join(JOIN, 'config.env.template'), 'utf8')
    expect(t).toMatch(/^export BEACON_STATE_URL=\S+$/m)
    expect(t).toMatch(/^export DAPI_OTEL_ENABLED=/m)
    expect(t).toMatch(/^export GRAFANA_PORT=/m)
    expect(t).toMatch(/^# export POSTGRES_HOST=/m)
    expect(t).toMatch(/^export VERSIOND_VERSIONS="v4 v5"$/m)
    expect(t).toMatch(/^# /m)
    // Loadable by a POSIX shell once the <FILLIN> placeholders are filled, quoted values intact.
    const filled = path.join(tmp, 'config.env')
    fs.writeFileSync(filled, t.replace(/<[^>]*>/g, 'filled'))
    const r = spawnSync('sh', ['-c', `. "${filled}" && printf '%s' "$VERSIOND_VERSIONS"`], {
      encoding: 'utf8',
    })
    expect(r.stdout).toBe('v4 v5')
  })

  it('§4.9 the bridge stand-in holds its P2P port on TCP and UDP; versiond stays up', async () => {
    const port = await freePort()
    const bridge = await start('bridge', { STANDIN_BRIDGE_P2P_PORT: String(port) }, 1)
    expect(
      bridge.logs.some((l) => l.includes(`listening Geth P2P discovery (udp) on 127.0.0.1:${port}`)),
    ).toBe(true)
    const busy = dgram.createSocket('udp4')
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      busy.once('error', (e) => resolve(e))
      busy.bind(port, '127.0.0.1', () => resolve(null))
    })
    busy.close()
    expect(err?.code).toBe('EADDRINUSE')
    const versiond = await start('versiond', {}, 0)
    expect(versiond.logs[0]).toBe('STAND-IN versiond (not the real Gonka service)')
  })
})
