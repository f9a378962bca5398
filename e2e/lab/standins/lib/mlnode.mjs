// Stand-ins for the ML node: `mlnode` (the GPU container, mlnode-308: management API on
// 8080, inference pass-through on 5000) and `inference` (nginx:1.28.0 in front of it).
// GPU facts are replayed from a real H100 capture (nvidia/fixtures/), never measured.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  describeFetchError,
  envPort,
  fakeHex,
  log,
  parseJson,
  readBody,
  sendError,
  sendJson,
  sendText,
  startServer,
  urlOf,
} from './common.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const REPLAY_HEADER = 'X-Gonka-Standin-Replay'
const CAPTURE = 'host-capture-h100 (real NVIDIA H100 80GB HBM3, captured 2026-11-26)'

export function fixturesDir() {
  return process.env.NVIDIA_FAKE_FIXTURES || path.join(HERE, '..', 'nvidia', 'fixtures')
}

/** Bytes under `dir` (files only, symlinks not followed; stops counting after 100 000 entries). */
function dirSize(dir) {
  let total = 0
  let seen = 0
  const stack = [dir]
  while (stack.length && seen < 100_000) {
    const d = stack.pop()
    let entries = []
    try {
      entries = fs.readdirSync(d, { withFileTypes: true })
    } catch {
      continue
    }
    for (const e of entries) {
      seen += 1
      const full = path.join(d, e.name)
      if (e.isDirectory()) stack.push(full)
      else if (e.isFile()) {
        try {
          total += fs.statSync(full).size
        } catch {
          // vanished meanwhile
        }
      }
    }
  }
  return total
}

/** GPU devices and driver facts parsed from the captured nvidia-smi output. */
export function loadCapture(dir = fixturesDir()) {
  // query-gpu.csv: index,name,uuid,memory.total,memory.used,memory.free,driver_version,
  // pci.bus_id,compute_cap,power.limit,temperature.gpu,utilization.gpu (csv,noheader,nounits)
  const csv = fs.readFileSync(path.join(dir, 'query-gpu.csv'), 'utf8')
  const devices = csv
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const f = line.split(',').map((s) => s.trim())
      return {
        index: Number(f[0]),
        name: f[1],
        total_memory_mb: Number(f[3]),
        free_memory_mb: Number(f[5]),
        used_memory_mb: Number(f[4]),
        utilization_percent: Number(f[11]),
        temperature_c: Number(f[10]),
        is_available: true,
        error_message: null,
      }
    })
  const version = fs.readFileSync(path.join(dir, 'nvidia-smi-version.txt'), 'utf8')
  const pick = (label) => {
    const m = version.match(new RegExp(`^${label}\\s*:\\s*(\\S+)`, 'm'))
    return m ? m[1] : null
  }
  return {
    devices,
    driver: {
      driver_version: pick('DRIVER version'),
      cuda_driver_version: pick('CUDA Version'),
      nvml_version: pick('NVML version'),
    },
  }
}

/** Does this container "have a GPU"? The fake NVIDIA hook drops nvidia-smi in when `--gpus` is used. */
function gpuVisible() {
  const mode = process.env.STANDIN_GPU_DETECT || 'nvidia-smi'
  if (mode === 'always') return true
  if (mode === 'never') return false
  const dirs = (process.env.PATH || '/usr/local/bin:/usr/bin:/bin').split(':')
  return dirs.some((d) => d && fs.existsSync(path.join(d, 'nvidia-smi')))
}

export async function runMlnode(args) {
  const ROLE = 'mlnode'
  if (args.length) log(ROLE, `command ignored by the stand-in: ${args.join(' ')}`)
  const capture = loadCapture()
  const version = process.env.STANDIN_MLNODE_VERSION || '3.0.13'
  const st = {
    state: 'STOPPED', // POW | INFERENCE | TRAIN | STOPPED
    poc_status: 'IDLE', // IDLE | GENERATING | VALIDATING
    loaded_model: null,
    poc: null, // { request, callback: {url, attempts, delivered, last_error, last_status} }
  }
  const hasGpu = gpuVisible()
  log(
    ROLE,
    hasGpu
      ? `GPU visible: replaying ${capture.devices.length} device(s) from ${CAPTURE}`
      : 'no GPU visible in this container (no nvidia-smi: started without --gpus?)',
  )

  const replay = (res) => res.setHeader(REPLAY_HEADER, CAPTURE)
  const standinNote = { replayed_from: CAPTURE, note: 'values replayed from a capture, not measured' }

  function health() {
    const gpu = hasGpu
      ? { available: true, count: capture.devices.length, devices: capture.devices }
      : { available: false, count: 0, devices: [] }
    const running = st.state
    const healthy = hasGpu
    return {
      status: healthy ? 'healthy' : 'unhealthy',
      service_state: running,
      gpu,
      managers: {
        pow: { running: running === 'POW', healthy: true },
        inference: { running: running === 'INFERENCE', healthy: running === 'INFERENCE' ? hasGpu : true },
        train: { running: false, healthy: true },
      },
      _standin: standinNote,
    }
  }

  async function sendBatch(cb, body) {
    cb.attempts += 1
    try {
      const r = await fetch(cb.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5000),
      })
      cb.last_status = r.status
      if (r.ok) {
        cb.delivered += 1
        cb.last_error = null
        log(ROLE, `sent generated batch to ${cb.url}: HTTP ${r.status}`)
        return true
      }
      cb.last_error = `HTTP ${r.status}`
    } catch (e) {
      cb.last_error = describeFetchError(e)
    }
    log(ROLE, `ERROR failed to send generated batch to ${cb.url} (attempt ${cb.attempts}): ${cb.last_error}`)
    return false
  }

  async function runPoc(request, cbUrl) {
    const cb = { url: cbUrl, attempts: 0, delivered: 0, last_error: null, last_status: null }
    st.poc = { request, callback: cb }
    const nonces = Array.from({ length: 8 }, (_, i) => (request.block_height || 0) * 100 + i)
    const body = {
      public_key: request.public_key || '',
      block_hash: request.block_hash || '',
      block_height: request.block_height || 0,
      node_id: request.node_id,
      model_id: request.params && request.params.model ? request.params.model : undefined,
      nonces,
      dist: nonces.map((n) => ((n * 7919) % 1000) / 1000),
      _standin: 'generated by the mlnode stand-in; not real PoC work',
    }
    const retries = Number(process.env.STANDIN_POC_RETRIES || 3)
    for (let i = 0; i < retries && st.poc && st.poc.callback === cb; i++) {
      if (await sendBatch(cb, body)) return
      await new Promise((r) => setTimeout(r, Number(process.env.STANDIN_POC_RETRY_MS || 1000)))
    }
  }

  async function initGenerate(req, res, v2) {
    const parsed = parseJson(await readBody(req))
    if (!parsed.ok) {
      return sendJson(res, 422, {
        detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error', input: {} }],
      })
    }
    const reqBody = parsed.value || {}
    const model = reqBody.params && typeof reqBody.params.model === 'string' ? reqBody.params.model : ''
    // Without a url in the body: the env callback, built as upstream's broker does (nothing trimmed).
    const envUrl = process.env.DAPI_API__POC_CALLBACK_URL
      ? `${process.env.DAPI_API__POC_CALLBACK_URL}/v2/poc-batches${v2 && model ? '/' + encodeURIComponent(encodeURIComponent(model)) : ''}`
      : ''
    const base = typeof reqBody.url === 'string' && reqBody.url !== '' ? reqBody.url : envUrl
    if (!base) {
      return sendJson(res, 422, {
        detail: [{ type: 'missing', loc: ['body', 'url'], msg: 'Field required', input: reqBody }],
      })
    }
    if (st.state === 'POW' && st.poc_status === 'GENERATING')
      return sendError(res, 409, 'PoW already running')
    // The url is used exactly as sent: a trailing slash in it stays (and breaks delivery, as for real).
    const cbUrl = `${base}/generated`
    st.state = 'POW'
    st.poc_status = 'GENERATING'
    log(ROLE, `PoC generate started for node ${reqBody.node_id || '?'}; batches go to ${cbUrl}`)
    void runPoc(reqBody, cbUrl)
    return sendJson(res, 200, {
      status: 'OK',
      pow_status: { status: 'GENERATING', is_model_initialized: true },
    })
  }

  function powStatus() {
    return {
      status: st.poc_status === 'IDLE' ? 'IDLE' : st.poc_status,
      is_model_initialized: st.state === 'POW',
      standin_callback: st.poc ? st.poc.callback : null,
    }
  }

  function vllm(req, res, url) {
    // What vLLM would answer; nothing runs here.
    if (st.state !== 'INFERENCE')
      return sendError(res, 503, 'no inference backend running (stand-in: vLLM is never started)')
    if (url.pathname === '/health') return sendText(res, 200, '')
    if (url.pathname === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: st.loaded_model, object: 'model', owned_by: 'vllm', root: st.loaded_model }],
      })
    }
    if (url.pathname === '/v1/chat/completions' || url.pathname === '/v1/completions') {
      return sendJson(res, 200, {
        id: `chatcmpl-standin-${fakeHex(String(Date.now()), 6)}`,
        object: 'chat.completion',
        model: st.loaded_model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'STAND-IN: no model runs here.' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      })
    }
    return sendError(res, 404, 'Not Found')
  }

  const mgmt = async (req, res) => {
    const url = urlOf(req)
    const p = url.pathname
    const m = req.method || 'GET'
    if (m === 'GET' && (p === '/health' || p === '/livez')) {
      replay(res)
      const h = health()
      return sendJson(res, h.status === 'healthy' ? 200 : 503, h)
    }
    if (m === 'GET' && p === '/readyz') {
      const ready = !(st.state === 'INFERENCE' && !hasGpu)
      return sendJson(res, ready ? 200 : 503, { ready })
    }
    if (m === 'GET' && p === '/api/v1/state') {
      return sendJson(res, 200, {
        state: st.state,
        version,
        poc_validation_inference: process.env.STANDIN_POC_VALIDATION_INFERENCE === '1',
        // NO_BACKENDS without a GPU (no inference backend to run PoC on); STANDIN_POC_STATUS
        // forces a value (e.g. MIXED: some backends generating, some not).
        poc_status: process.env.STANDIN_POC_STATUS || (hasGpu ? st.poc_status : 'NO_BACKENDS'),
        inference_healthy: st.state === 'INFERENCE' && hasGpu,
        loaded_model: st.loaded_model,
      })
    }
    if (m === 'GET' && p === '/api/v1/gpu/devices') {
      replay(res)
      if (!hasGpu) return sendJson(res, 200, { devices: [], count: 0, _standin: standinNote })
      return sendJson(res, 200, {
        devices: capture.devices,
        count: capture.devices.length,
        _standin: standinNote,
      })
    }
    if (m === 'GET' && p === '/api/v1/gpu/driver') {
      replay(res)
      if (!hasGpu) return sendJson(res, 503, { detail: 'NVML is not available' })
      return sendJson(res, 200, { ...capture.driver, _standin: standinNote })
    }
    if (m === 'POST' && p === '/api/v1/stop') {
      st.state = 'STOPPED'
      st.poc_status = 'IDLE'
      st.loaded_model = null
      st.poc = null
      return sendJson(res, 200, { status: 'OK' })
    }
    if (m === 'POST' && (p === '/api/v1/inference/up' || p === '/api/v1/inference/up/async')) {
      const parsed = parseJson(await readBody(req))
      const body = parsed.ok ? parsed.value || {} : {}
      if (typeof body.model !== 'string' || body.model === '') {
        return sendJson(res, 422, {
          detail: [{ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: body }],
        })
      }
      if (st.state === 'POW') return sendError(res, 409, 'PoW is running; stop it first')
      if (!hasGpu)
        return sendJson(res, 500, { detail: 'CUDA is not available (stand-in: no GPU in this container)' })
      st.state = 'INFERENCE'
      st.loaded_model = body.model
      log(ROLE, `inference "up" for ${body.model} (nothing is loaded: stand-in)`)
      return sendJson(res, 200, { status: 'OK' })
    }
    if (m === 'GET' && p === '/api/v1/inference/up/status') {
      return sendJson(res, 200, {
        status: st.state === 'INFERENCE' ? 'RUNNING' : 'NOT_STARTED',
        model: st.loaded_model,
      })
    }
    if (m === 'POST' && p === '/api/v1/inference/down') {
      st.state = 'STOPPED'
      st.loaded_model = null
      return sendJson(res, 200, { status: 'OK' })
    }
    if (m === 'POST' && (p === '/api/v1/pow/init/generate' || p === '/api/v1/pow/init'))
      return initGenerate(req, res, false)
    if (
      m === 'POST' &&
      (p === '/api/v1/inference/pow/init/generate' || p === '/api/v1/inference/pow/generate')
    ) {
      return initGenerate(req, res, true)
    }
    if (m === 'GET' && (p === '/api/v1/pow/status' || p === '/api/v1/inference/pow/status'))
      return sendJson(res, 200, powStatus())
    if (m === 'POST' && (p === '/api/v1/pow/stop' || p === '/api/v1/inference/pow/stop')) {
      st.state = 'STOPPED'
      st.poc_status = 'IDLE'
      st.poc = null
      return sendJson(res, 200, { status: 'OK' })
    }
    if (m === 'GET' && p === '/api/v1/models/list') return sendJson(res, 200, { models: [] })
    if (m === 'GET' && p === '/api/v1/models/space') {
      try {
        const cachePath = process.env.HF_HOME || '/root/.cache'
        const s = fs.statfsSync(cachePath)
        const gb = (n) => Math.round((n / 1024 ** 3) * 100) / 100
        return sendJson(res, 200, {
          cache_size_gb: gb(dirSize(cachePath)),
          available_gb: gb(s.bavail * s.bsize),
          cache_path: cachePath,
        })
      } catch (e) {
        return sendError(res, 500, String(e))
      }
    }
    if (p.startsWith('/v1/')) return vllm(req, res, url)
    return sendJson(res, 404, { detail: 'Not Found' })
  }

  const inferencePort = async (req, res) => vllm(req, res, urlOf(req))

  await startServer(ROLE, 'management API', envPort(['STANDIN_MLNODE_PORT'], 8080), mgmt)
  await startServer(
    ROLE,
    'inference pass-through',
    envPort(['STANDIN_MLNODE_INFERENCE_PORT'], 5000),
    inferencePort,
  )
}

/** nginx:1.28.0 stand-in: 8080 and 5000 proxied to mlnode-308, `/v3.0.8/` prefix accepted and stripped. */
export async function runInference() {
  const ROLE = 'inference'
  const confPath = '/etc/nginx/nginx.conf'
  if (fs.existsSync(confPath))
    log(ROLE, `found ${confPath}; the stand-in applies the same routes (it does not parse nginx syntax)`)
  const upstreamHost = process.env.STANDIN_UPSTREAM_HOST || 'mlnode-308'
  const routes = [
    {
      name: 'management (8080)',
      listen: envPort(['STANDIN_INFERENCE_MGMT_PORT'], 8080),
      port: Number(process.env.STANDIN_UPSTREAM_MGMT_PORT || 8080),
    },
    {
      name: 'inference (5000)',
      listen: envPort(['STANDIN_INFERENCE_PORT'], 5000),
      port: Number(process.env.STANDIN_UPSTREAM_INFERENCE_PORT || 5000),
    },
  ]
  for (const r of routes) {
    const handler = (req, res) =>
      new Promise((resolve) => {
        let target = req.url || '/'
        if (target.startsWith('/v3.0.8/')) target = target.slice('/v3.0.8'.length)
        else if (target === '/v3.0.8') target = '/'
        const up = http.request(
          {
            host: upstreamHost,
            port: r.port,
            method: req.method,
            path: target,
            headers: {
              ...req.headers,
              'x-real-ip': req.socket.remoteAddress || '',
              'x-forwarded-for': req.socket.remoteAddress || '',
            },
          },
          (ur) => {
            const headers = { ...ur.headers, 'x-gonka-standin': ROLE }
            if (ur.headers['x-gonka-standin'])
              headers['x-gonka-standin-upstream'] = ur.headers['x-gonka-standin']
            res.writeHead(ur.statusCode || 502, headers)
            ur.pipe(res)
            ur.on('end', resolve)
          },
        )
        up.on('error', (e) => {
          log(
            ROLE,
            `[error] connect() to ${upstreamHost}:${r.port} failed (${e.code || e.message}) while proxying ${req.method} ${req.url}`,
          )
          if (!res.headersSent) {
            sendText(
              res,
              502,
              '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.28.0 (stand-in)</center>\r\n</body>\r\n</html>\r\n',
              'text/html',
            )
          }
          resolve()
        })
        req.pipe(up)
      })
    await startServer(ROLE, `${r.name} -> ${upstreamHost}:${r.port}`, r.listen, handler)
  }
}
