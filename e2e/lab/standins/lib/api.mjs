// Stand-in for the Gonka API node (`api` container): admin API (9200), ML callback server
// (9100) and public API (9000). Behaviour follows the newest version in
// shared/reference/gonka-deploy.md §3 (validation, error texts, DELETE → false, upsert,
// batch 201/206/400, merge-once node config, health polling → FAILED).
import fs from 'node:fs'
import path from 'node:path'
import {
  addressFromPubkey,
  envPort,
  every,
  fetchJson,
  log,
  matchPath,
  parseJson,
  readBody,
  sendError,
  sendJson,
  sendText,
  startServer,
  urlOf,
} from './common.mjs'
import { ML_OPS_PERMISSIONS, epochsLatest, fakeBlockHash } from './chain-data.mjs'
import { getKey, listKeys } from './keyring.mjs'

const ROLE = 'api'

/** Mirrors the real entry script's checks (decentralized-api/scripts/init-docker.sh). */
export function checkRequiredEnv(env = process.env) {
  if (!env.KEY_NAME) return 'Error: KEY_NAME is required.'
  if (!env.ACCOUNT_PUBKEY) {
    return [
      `WARNING: ACCOUNT_PUBKEY not provided, attempting to extract from existing key: ${env.KEY_NAME}`,
      `Error: Key '${env.KEY_NAME}' not found and ACCOUNT_PUBKEY not provided`,
      'Error: ACCOUNT_PUBKEY is required.',
    ].join('\n')
  }
  if (!env.DAPI_API__POC_CALLBACK_URL) return 'Error: DAPI_API__POC_CALLBACK_URL is required.'
  if (!env.DAPI_API__PUBLIC_URL) return 'Error: DAPI_API__PUBLIC_URL is required.'
  return null
}

const FIELD_TYPES = {
  id: 'string',
  host: 'string',
  inference_segment: 'string',
  poc_segment: 'string',
  inference_port: 'int',
  poc_port: 'int',
  max_concurrent: 'int',
}

/** Go/echo-like binding: wrong JSON types are a 400 "invalid request body". */
function bindNode(raw) {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      error: `code=400, message=Unmarshal type error: expected=apiconfig.InferenceNodeConfig, got=${Array.isArray(raw) ? 'array' : typeof raw}`,
    }
  }
  for (const [k, t] of Object.entries(FIELD_TYPES)) {
    const v = raw[k]
    if (v === undefined || v === null) continue
    const ok = t === 'string' ? typeof v === 'string' : typeof v === 'number' && Number.isInteger(v)
    if (!ok)
      return { error: `code=400, message=Unmarshal type error: expected=${t}, got=${typeof v}, field=${k}` }
  }
  const models = {}
  if (raw.models !== undefined && raw.models !== null) {
    if (typeof raw.models !== 'object' || Array.isArray(raw.models)) {
      return {
        error: `code=400, message=Unmarshal type error: expected=map[string]apiconfig.ModelConfig, got=${Array.isArray(raw.models) ? 'array' : typeof raw.models}, field=models`,
      }
    }
    for (const [id, cfg] of Object.entries(raw.models)) {
      const args = cfg && typeof cfg === 'object' ? cfg.args : undefined
      if (
        args !== undefined &&
        args !== null &&
        (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))
      ) {
        return { error: `code=400, message=Unmarshal type error: expected=[]string, field=models.${id}.args` }
      }
      models[id] = { args: args || [] }
    }
  }
  let hardware = null
  if (raw.hardware !== undefined && raw.hardware !== null) {
    if (!Array.isArray(raw.hardware))
      return {
        error: 'code=400, message=Unmarshal type error: expected=[]apiconfig.Hardware, field=hardware',
      }
    hardware = raw.hardware.map((h) => ({
      type: String((h && h.type) || ''),
      count: Number((h && h.count) || 0),
    }))
  }
  return {
    node: {
      host: raw.host || '',
      inference_segment: raw.inference_segment || '',
      inference_port: raw.inference_port || 0,
      poc_segment: raw.poc_segment || '',
      poc_port: raw.poc_port || 0,
      models,
      id: raw.id || '',
      max_concurrent: raw.max_concurrent || 0,
      hardware,
    },
  }
}

function basicErrors(n) {
  const errors = []
  if (n.id.trim() === '') errors.push('node id is required and cannot be empty')
  if (n.host.trim() === '') errors.push('host is required and cannot be empty')
  if (n.inference_port <= 0 || n.inference_port > 65535)
    errors.push(`inference_port must be between 1 and 65535, got ${n.inference_port}`)
  if (n.poc_port <= 0 || n.poc_port > 65535)
    errors.push(`poc_port must be between 1 and 65535, got ${n.poc_port}`)
  if (n.max_concurrent <= 0) errors.push(`max_concurrent must be greater than 0, got ${n.max_concurrent}`)
  if (Object.keys(n.models).length === 0) errors.push('at least one model must be specified')
  return errors
}

export async function runApi(args) {
  if (args.length) log(ROLE, `command ignored by the stand-in: ${args.join(' ')}`)
  const envError = checkRequiredEnv()
  if (envError) {
    process.stdout.write(envError + '\n')
    process.exit(1)
  }
  const env = process.env
  const seedUrl = (env.DAPI_CHAIN_NODE__SEED_API_URL || env.SEED_API_URL || '').replace(/\/+$/, '')
  const chainUrl = (env.DAPI_CHAIN_NODE__URL || 'http://node:26657').replace(/\/+$/, '')
  // Used exactly as written, as upstream does: a trailing slash or a path breaks PoC.
  const callbackUrl = env.DAPI_API__POC_CALLBACK_URL
  const dapiDir = env.STANDIN_DAPI_DIR || '/root/.dapi'
  const keyringHome = env.STANDIN_KEYRING_DIR || '/root/.inference'
  const nodeConfigPath = env.NODE_CONFIG_PATH || '/root/node_config.json'
  const pollMs = Number(env.STANDIN_HEALTH_POLL_MS || 5000)
  const reportCacheMs = Number(env.STANDIN_REPORT_CACHE_MS ?? 60000)
  const govCacheMs = Number(env.STANDIN_GOVERNANCE_CACHE_MS ?? 60000)
  const coldAddress = addressFromPubkey(env.ACCOUNT_PUBKEY)

  log(
    ROLE,
    `seed API ${seedUrl || '(not set)'}; chain node ${chainUrl}; PoC callback URL ${callbackUrl}; public URL ${env.DAPI_API__PUBLIC_URL}`,
  )

  // ---- state -------------------------------------------------------------
  /** id -> { node, admin: {enabled, epoch}, health: {...}, poc: {...} } */
  const nodes = new Map()
  let merged = false
  let nextNodeNum = 1
  const stateFile = path.join(dapiDir, 'standin-state.json')
  const persist = fs.existsSync(dapiDir)

  function save() {
    if (!persist) return
    const data = {
      standin: 'Gonka Host Wizard api stand-in state (stands in for gonka.db)',
      merged,
      next_node_num: nextNodeNum,
      nodes: [...nodes.values()].map((r) => ({ node: r.node, admin: r.admin })),
    }
    const tmp = `${stateFile}.tmp`
    fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n')
    fs.renameSync(tmp, stateFile)
  }

  function newRecord(node, admin = { enabled: true, epoch: 0 }) {
    return {
      node,
      admin,
      health: { status: 'UNKNOWN', reason: '', checked_at: null, version: '', poc_status: 'IDLE' },
      poc: null,
    }
  }

  if (persist && fs.existsSync(stateFile)) {
    try {
      const data = JSON.parse(fs.readFileSync(stateFile, 'utf8'))
      merged = Boolean(data.merged)
      nextNodeNum = Number(data.next_node_num) || 1
      for (const r of data.nodes || []) nodes.set(r.node.id, newRecord(r.node, r.admin))
      log(ROLE, `loaded ${nodes.size} node(s) from ${stateFile}`)
    } catch (e) {
      log(ROLE, `WARNING could not read ${stateFile}: ${String(e)}`)
    }
  }

  // ---- governance models (from the seed, cached) --------------------------
  let gov = { at: 0, models: null }
  async function governanceModels() {
    if (gov.models && Date.now() - gov.at < govCacheMs) return { ok: true, models: gov.models }
    if (!seedUrl) return { ok: false, error: 'DAPI_CHAIN_NODE__SEED_API_URL is not set' }
    const r = await fetchJson(`${seedUrl}/v1/governance/models`)
    if (r.ok && r.json && Array.isArray(r.json.models)) {
      gov = { at: Date.now(), models: r.json.models }
      return { ok: true, models: gov.models }
    }
    const error = r.error || `HTTP ${r.status}: ${(r.text || '').slice(0, 200)}`
    if (gov.models) {
      log(
        ROLE,
        `WARNING governance models query failed (${error}); using cached list from ${new Date(gov.at).toISOString()}`,
      )
      return { ok: true, models: gov.models }
    }
    return { ok: false, error }
  }

  function duplicateErrors(n, excludeId) {
    const errors = []
    for (const [id, r] of nodes) {
      if (id === excludeId) continue
      if (r.node.host === n.host && r.node.inference_port === n.inference_port) {
        errors.push(
          `duplicate inference host+port combination: ${n.host}:${n.inference_port} (already used by node '${id}')`,
        )
        break
      }
    }
    for (const [id, r] of nodes) {
      if (id === excludeId) continue
      if (r.node.host === n.host && r.node.poc_port === n.poc_port) {
        errors.push(
          `duplicate PoC host+port combination: ${n.host}:${n.poc_port} (already used by node '${id}')`,
        )
        break
      }
    }
    return errors
  }

  /** Register a new node: { node } or { status, message }. */
  async function register(n) {
    // An id registered before is checked against itself too: upstream reports the duplicate host:port.
    const errors = [...basicErrors(n), ...duplicateErrors(n, '')]
    if (errors.length)
      return { status: 400, message: `failed to create node: validation failed: ${errors.join('; ')}` }
    const g = await governanceModels()
    if (!g.ok)
      return { status: 400, message: `failed to create node: failed to get governance models: ${g.error}` }
    const valid = new Set(g.models.map((m) => m.id))
    const models = {}
    for (const [id, cfg] of Object.entries(n.models)) {
      if (valid.has(id)) models[id] = cfg
      else log(ROLE, `WARNING model ${id} is not a valid governance model; dropping it from node ${n.id}`)
    }
    if (Object.keys(models).length === 0)
      return { status: 400, message: `failed to create node: node ${n.id} has no governance-valid models` }
    const node = { ...n, models, node_num: nextNodeNum++ }
    nodes.set(n.id, newRecord(node))
    save()
    log(
      ROLE,
      `node ${n.id} registered: http://${n.host}:${n.inference_port}${n.inference_segment} (poc ${n.poc_port})`,
    )
    void pollOne(n.id)
    return { node }
  }

  async function update(n) {
    const rec = nodes.get(n.id)
    const errors = [...basicErrors(n), ...duplicateErrors(n, n.id)]
    if (errors.length)
      return { status: 500, message: `failed to update node: validation failed: ${errors.join('; ')}` }
    const g = await governanceModels()
    if (!g.ok)
      return { status: 400, message: `failed to update node: failed to get governance models: ${g.error}` }
    const valid = new Set(g.models.map((m) => m.id))
    for (const id of Object.keys(n.models)) {
      if (!valid.has(id))
        return { status: 400, message: `failed to update node: model ${id} is not a valid governance model` }
    }
    const node = {
      ...n,
      node_num: rec.node.node_num,
      hardware: n.hardware ?? rec.node.hardware,
    }
    rec.node = node
    save()
    log(ROLE, `node ${n.id} updated`)
    void pollOne(n.id)
    return { node }
  }

  // ---- merge-once node config ---------------------------------------------
  async function mergeNodeConfig() {
    if (merged) {
      log(ROLE, 'Node config already merged. Skipping')
      return
    }
    if (!fs.existsSync(nodeConfigPath)) {
      log(ROLE, `WARNING node config ${nodeConfigPath} not found; no initial ML nodes`)
      return
    }
    let list
    try {
      list = JSON.parse(fs.readFileSync(nodeConfigPath, 'utf8'))
    } catch (e) {
      log(ROLE, `WARNING cannot parse ${nodeConfigPath}: ${String(e)}`)
      return
    }
    merged = true
    if (!Array.isArray(list)) list = []
    for (const [i, raw] of list.entries()) {
      const b = bindNode(raw)
      if (b.error) {
        log(ROLE, `WARNING node config entry ${i} skipped: ${b.error}`)
        continue
      }
      const r = await register(b.node)
      if (r.message) log(ROLE, `WARNING node config entry ${i} (id: ${b.node.id}) skipped: ${r.message}`)
    }
    save()
    log(ROLE, `Node config merged from ${nodeConfigPath}: ${nodes.size} node(s)`)
  }

  // ---- ML node health polling ---------------------------------------------
  const pocBase = (n) => `http://${n.host}:${n.poc_port}${n.poc_segment || ''}`
  const schemeInHost = (h) => /^[a-z][a-z0-9+.-]*:\/\//i.test(h) || h.includes('/')

  async function pollOne(id) {
    const rec = nodes.get(id)
    if (!rec) return
    const n = rec.node
    const h = rec.health
    h.checked_at = new Date().toISOString()
    const prev = h.status
    if (schemeInHost(n.host)) {
      h.status = 'FAILED'
      h.reason = `Get "${pocBase(n)}/health": invalid host "${n.host}": host must be a bare IP or name without scheme (the API builds http://<host>:<port> itself)`
    } else {
      const r = await fetchJson(`${pocBase(n)}/health`)
      if (!r.ok) {
        h.status = 'FAILED'
        h.reason = r.status
          ? `ML node health check ${pocBase(n)}/health returned HTTP ${r.status}`
          : `Get "${pocBase(n)}/health": ${r.error}`
      } else {
        const s = await fetchJson(`${pocBase(n)}/api/v1/state`)
        const map = { STOPPED: 'STOPPED', INFERENCE: 'INFERENCE', POW: 'POC', TRAIN: 'TRAINING' }
        if (s.ok && s.json) {
          h.status = map[s.json.state] || 'UNKNOWN'
          h.version = s.json.version || ''
          h.poc_status = s.json.poc_status || 'IDLE'
          h.poc_validation_inference = Boolean(s.json.poc_validation_inference)
          h.reason = ''
        } else {
          h.status = 'FAILED'
          h.reason = `Get "${pocBase(n)}/api/v1/state": ${s.error || 'HTTP ' + s.status}`
        }
        if (!n.hardware || n.hardware.length === 0) {
          const d = await fetchJson(`${pocBase(n)}/api/v1/gpu/devices`)
          if (d.ok && d.json && Array.isArray(d.json.devices) && d.json.devices.length) {
            const groups = new Map()
            for (const dev of d.json.devices) {
              const key = `${dev.name} | ${Math.round(dev.total_memory_mb / 1024)}GB`
              groups.set(key, (groups.get(key) || 0) + 1)
            }
            n.hardware = [...groups].map(([type, count]) => ({ type, count }))
            save()
          }
        }
        if (rec.poc && rec.poc.batches_received === 0) {
          const ps = await fetchJson(`${pocBase(n)}/api/v1/inference/pow/status`)
          const cb = ps.ok && ps.json ? ps.json.standin_callback : null
          if (cb && cb.last_error && cb.delivered === 0 && rec.poc.ml_error !== cb.last_error) {
            rec.poc.ml_error = cb.last_error
            log(
              ROLE,
              `ERROR PoC: ML node ${id} cannot deliver generated batches to ${cb.url}: ${cb.last_error}. ` +
                `No batches received. DAPI_API__POC_CALLBACK_URL=${callbackUrl} must be reachable from the ML node.`,
            )
          }
        }
      }
    }
    if (h.status === 'FAILED' && prev !== 'FAILED') log(ROLE, `ERROR ML node ${id} FAILED: ${h.reason}`)
    if (h.status !== 'FAILED' && prev === 'FAILED')
      log(ROLE, `ML node ${id} is reachable again (${h.status})`)
  }

  every(pollMs, async () => {
    for (const id of [...nodes.keys()]) await pollOne(id)
  })

  // Upstream knows nothing of a failed batch delivery (only the ML node logs it), so
  // failure_reason carries health failures only; the stand-in's view is in state.standin_poc.
  const failureReason = (rec) => rec.health.reason

  function nodeResponse(rec) {
    const epoch = epochsLatest().latest_epoch.index
    return {
      node: rec.node,
      state: {
        intended_status: rec.admin.enabled ? 'INFERENCE' : 'STOPPED',
        current_status: rec.health.status,
        poc_intended_status: rec.poc ? 'GENERATING' : 'IDLE',
        poc_current_status: rec.health.poc_status,
        lock_count: 0,
        failure_reason: failureReason(rec),
        status_timestamp: rec.health.checked_at || new Date(0).toISOString(),
        admin_state: { enabled: rec.admin.enabled, epoch: rec.admin.epoch || epoch },
        ml_node_version: rec.health.version,
        poc_validation_inference: Boolean(rec.health.poc_validation_inference),
        epoch_models: {},
        epoch_ml_nodes: {},
        preserved_models: {},
        standin_poc: rec.poc
          ? {
              callback_url: rec.poc.callback_url,
              started_at: rec.poc.started_at,
              batches_received: rec.poc.batches_received,
              trigger_error: rec.poc.trigger_error,
              ml_node_callback_error: rec.poc.ml_error,
            }
          : null,
      },
    }
  }

  // ---- PoC (stand-in trigger; the real API starts PoC at the epoch's poc_start) ----
  async function startPoc(ids) {
    const results = {}
    const epoch = epochsLatest()
    const targets = [...nodes.values()].filter((r) => r.admin.enabled && (!ids || ids.includes(r.node.id)))
    for (const rec of targets) {
      const n = rec.node
      const model = Object.keys(n.models)[0] || ''
      // <callback>/v2/poc-batches/<model id escaped twice>, as upstream's broker builds it.
      const cbBase = `${callbackUrl}/v2/poc-batches/${encodeURIComponent(encodeURIComponent(model))}`
      rec.poc = {
        started_at: new Date().toISOString(),
        callback_url: cbBase,
        batches_received: 0,
        trigger_error: null,
        ml_error: null,
      }
      const body = {
        block_hash: fakeBlockHash(epoch.epoch_stages.poc_start),
        block_height: epoch.epoch_stages.poc_start,
        public_key: env.ACCOUNT_PUBKEY,
        node_id: n.node_num,
        node_count: nodes.size,
        batch_size: 32,
        params: { model, seq_len: 1024, k_dim: 12 },
        url: cbBase,
        poc_stronger_rng: true,
        standin_node_id: n.id,
      }
      if (schemeInHost(n.host)) {
        rec.poc.trigger_error = `invalid host "${n.host}"`
      } else {
        // A new PoC phase finds the ML node still busy with the last one (or serving inference):
        // stop it first, as the real broker does before it starts PoC, so a second trigger works.
        const s = await fetchJson(`${pocBase(n)}/api/v1/state`)
        if (s.ok && s.json && s.json.state && s.json.state !== 'STOPPED') {
          const stop = await fetchJson(`${pocBase(n)}/api/v1/stop`, { method: 'POST', body: {} })
          if (!stop.ok)
            log(
              ROLE,
              `WARNING stopping ML node ${n.id} before PoC failed: ${stop.error || 'HTTP ' + stop.status}`,
            )
        }
        const r = await fetchJson(`${pocBase(n)}/api/v1/inference/pow/init/generate`, {
          method: 'POST',
          body,
        })
        if (!r.ok) rec.poc.trigger_error = r.error || `HTTP ${r.status}: ${(r.text || '').slice(0, 200)}`
      }
      if (rec.poc.trigger_error)
        log(ROLE, `ERROR PoC start on ML node ${n.id} failed: ${rec.poc.trigger_error}`)
      else log(ROLE, `PoC generation started on ML node ${n.id}; callback ${cbBase}`)
      results[n.id] = { started: !rec.poc.trigger_error, error: rec.poc.trigger_error, callback_url: cbBase }
    }
    return results
  }

  // ---- setup report ---------------------------------------------------------
  let reportCache = null
  async function buildReport() {
    const checks = []
    const add = (id, status, message, details) =>
      checks.push(details === undefined ? { id, status, message } : { id, status, message, details })
    const recs = []

    add(
      'cold_key_configured',
      coldAddress ? 'PASS' : 'FAIL',
      coldAddress
        ? `Cold key configured: ${coldAddress}`
        : 'ACCOUNT_PUBKEY is not a valid base64 secp256k1 public key',
      coldAddress ? { address: coldAddress } : undefined,
    )
    if (!coldAddress)
      recs.push(
        'Set ACCOUNT_PUBKEY in config.env to the pubkey "key" of your account key and recreate the api container',
      )

    let keys = []
    let keyringError = null
    try {
      keys = listKeys(keyringHome)
    } catch (e) {
      keyringError = String(e)
    }
    const coldInKeyring = keys.find((k) => k.pubkey === env.ACCOUNT_PUBKEY)
    add(
      'cold_key_not_in_keyring',
      keyringError ? 'UNAVAILABLE' : coldInKeyring ? 'FAIL' : 'PASS',
      keyringError
        ? `Unable to read keyring: ${keyringError}`
        : coldInKeyring
          ? `Cold (account) key found in the server keyring as '${coldInKeyring.name}'`
          : 'Cold key is not in the server keyring',
    )
    if (coldInKeyring)
      recs.push('Remove the account (cold) key from the server keyring; keep it on a secure local machine')

    const warm = keyringError ? null : getKey(keyringHome, env.KEY_NAME)
    add(
      'warm_key_in_keyring',
      keyringError ? 'UNAVAILABLE' : warm ? 'PASS' : 'FAIL',
      warm
        ? `Warm key '${env.KEY_NAME}' found in keyring`
        : `Warm key '${env.KEY_NAME}' not found in keyring`,
      warm ? { address: warm.address } : undefined,
    )
    if (!warm && !keyringError)
      recs.push(
        `Create the ML operational key inside the api container: inferenced keys add ${env.KEY_NAME} --keyring-backend file`,
      )
    add(
      'warm_key_address_match',
      warm ? 'PASS' : 'UNAVAILABLE',
      warm ? `Signer address matches keyring address ${warm.address}` : 'Warm key not available',
    )

    if (coldAddress && warm && seedUrl) {
      const q = await fetchJson(
        `${seedUrl}/chain-api/cosmos/authz/v1beta1/grants?granter=${encodeURIComponent(coldAddress)}&grantee=${encodeURIComponent(warm.address)}`,
      )
      if (!q.ok || !q.json) {
        add(
          'permissions_granted',
          'UNAVAILABLE',
          `Unable to check permissions: ${q.error || 'HTTP ' + q.status}`,
        )
      } else {
        const have = new Set((q.json.grants || []).map((g) => g.authorization && g.authorization.msg))
        const missing = ML_OPS_PERMISSIONS.filter((p) => !have.has(p))
        const soon = (q.json.grants || []).filter(
          (g) => g.expiration && Date.parse(g.expiration) < Date.now() + 7 * 24 * 3600 * 1000,
        )
        add(
          'permissions_granted',
          missing.length ? 'FAIL' : 'PASS',
          missing.length
            ? `Missing ${missing.length} of ${ML_OPS_PERMISSIONS.length} required permissions`
            : soon.length
              ? `All ${ML_OPS_PERMISSIONS.length} permissions granted, but ${soon.length} expiring soon`
              : `All ${ML_OPS_PERMISSIONS.length} required permissions granted`,
          {
            cold_key_address: coldAddress,
            warm_key_address: warm.address,
            granted: ML_OPS_PERMISSIONS.length - missing.length,
            missing: missing.length,
            ...(missing.length ? { missing_permissions: missing } : {}),
            ...(soon.length ? { expiring_soon: soon.map((g) => g.authorization.msg) } : {}),
          },
        )
        if (missing.length)
          recs.push(
            `Grant permissions from your local machine: inferenced tx inference grant-ml-ops-permissions <account-key-name> ${warm.address} ...`,
          )
      }
      const f = await fetchJson(
        `${seedUrl}/chain-api/cosmos/feegrant/v1beta1/allowance/${coldAddress}/${warm.address}`,
      )
      // Upstream tells "no allowance" by the text: the gateway answers 500 / code 2 for it.
      const none = !f.ok && f.status > 0 && /not found/i.test(f.text || '')
      add(
        'feegrant_allowance',
        f.ok ? 'PASS' : none ? 'FAIL' : 'UNAVAILABLE',
        f.ok
          ? 'Fee allowance from cold key to warm key exists'
          : none
            ? 'No fee allowance from cold key to warm key'
            : `Unable to check fee allowance: ${f.error || 'HTTP ' + f.status}`,
      )
    } else {
      add(
        'permissions_granted',
        'UNAVAILABLE',
        'Unable to check permissions: cold or warm key address unknown',
      )
      add(
        'feegrant_allowance',
        'UNAVAILABLE',
        'Unable to check fee allowance: cold or warm key address unknown',
      )
    }

    const chain = await fetchJson(`${chainUrl}/status`)
    const part = coldAddress && seedUrl ? await fetchJson(`${seedUrl}/v2/participants/${coldAddress}`) : null
    const localKey = chain.ok && chain.json ? chain.json.result?.validator_info?.pub_key?.value : null
    if (part && part.ok && part.json && localKey) {
      const reg = part.json.participant.validator_key
      add(
        'consensus_key_match',
        reg === localKey ? 'PASS' : 'FAIL',
        reg === localKey
          ? 'Local consensus key matches the registered validator key'
          : 'Local consensus key differs from the registered validator key',
        { local: localKey, registered: reg },
      )
    } else {
      add(
        'consensus_key_match',
        'UNAVAILABLE',
        !chain.ok
          ? `Unable to query chain node: ${chain.error || 'HTTP ' + chain.status}`
          : 'Participant not registered yet',
      )
    }

    const ep = seedUrl ? await fetchJson(`${seedUrl}/v1/epochs/current/participants`) : null
    if (ep && ep.ok && ep.json) {
      const me = (ep.json.active_participants?.participants || []).find((p) => p.index === coldAddress)
      add(
        'active_in_epoch',
        me ? 'PASS' : 'FAIL',
        me
          ? `Active in epoch ${ep.json.active_participants.epoch_id} with weight ${me.weight}`
          : 'Not active in the current epoch (joins after the next PoC)',
        me
          ? { epoch: ep.json.active_participants.epoch_id, weight: me.weight }
          : { epoch: ep.json.active_participants?.epoch_id },
      )
    } else {
      add(
        'active_in_epoch',
        'UNAVAILABLE',
        `Unable to query epoch participants: ${ep ? ep.error || 'HTTP ' + ep.status : 'no seed URL'}`,
      )
    }
    if (!localKey) {
      add(
        'validator_in_set',
        'UNAVAILABLE',
        `Unable to query chain node: ${chain.error || 'HTTP ' + chain.status}`,
      )
    } else {
      const v = await fetchJson(`${chainUrl}/validators`)
      const set = v.ok && v.json ? v.json.result?.validators : null
      if (!Array.isArray(set)) {
        add(
          'validator_in_set',
          'UNAVAILABLE',
          `Unable to query validator set: ${v.error || 'HTTP ' + v.status}`,
        )
      } else {
        const me = set.find((x) => x.pub_key && x.pub_key.value === localKey)
        add(
          'validator_in_set',
          me ? 'PASS' : 'FAIL',
          me
            ? `Validator is in the active set with voting power ${me.voting_power}`
            : 'Validator is not in the active validator set',
        )
      }
    }
    if (part && part.ok && part.json) {
      const s = part.json.participant.current_epoch_stats || {}
      const total = (s.inference_count || 0) + (s.missed_requests || 0)
      const ratio = total ? (s.missed_requests || 0) / total : 0
      add(
        'missed_requests_threshold',
        ratio < 0.1 ? 'PASS' : 'FAIL',
        `Missed ${(ratio * 100).toFixed(1)}% of requests this epoch`,
      )
    } else {
      add('missed_requests_threshold', 'UNAVAILABLE', 'Participant not found')
    }

    // mlnode_<id>: FAIL only when /health is not 200; GPUs are details, "no GPUs" a summary issue.
    const extraIssues = []
    for (const rec of nodes.values()) {
      const n = rec.node
      const id = `mlnode_${n.id}`
      const details = { id: n.id, host: n.host, models: Object.keys(n.models), gpus: [] }
      const hres = schemeInHost(n.host)
        ? { ok: false, status: 0, error: `invalid host "${n.host}"` }
        : await fetchJson(`${pocBase(n)}/health`)
      if (!hres.ok) {
        add(
          id,
          'FAIL',
          `MLNode '${n.id}' health check failed: ${hres.error || 'HTTP ' + hres.status}`,
          details,
        )
        recs.push(`Check MLNode '${n.id}' is running and accessible at ${n.host}`)
        continue
      }
      const d = await fetchJson(`${pocBase(n)}/api/v1/gpu/devices`)
      const devs = d.ok && d.json ? d.json.devices || [] : []
      const gb = (mb) => Math.round((mb / 1024) * 10) / 10
      details.gpus = devs.map((g, i) => ({
        index: typeof g.index === 'number' ? g.index : i,
        name: g.name,
        total_memory_gb: gb(g.total_memory_mb),
        free_memory_gb: gb(g.free_memory_mb),
        used_memory_gb: gb(g.used_memory_mb),
        ...(typeof g.utilization_percent === 'number' ? { utilization_percent: g.utilization_percent } : {}),
        ...(typeof g.temperature_c === 'number' ? { temperature_c: g.temperature_c } : {}),
        available: Boolean(g.is_available),
        ...(g.error ? { error: g.error } : {}),
      }))
      if (!devs.length) extraIssues.push(`MLNode '${n.id}': No GPUs detected`)
      add(
        id,
        'PASS',
        devs.length ? `MLNode '${n.id}' is healthy (${devs.length} GPU(s))` : `MLNode '${n.id}' is healthy`,
        details,
      )
    }

    if (chain.ok && chain.json) {
      const sync = chain.json.result?.sync_info || {}
      const t = Date.parse(sync.latest_block_time || '')
      const age = Math.round((Date.now() - t) / 1000)
      add(
        'block_sync',
        age < 60 ? 'PASS' : 'FAIL',
        age < 60 ? `Latest block is ${age}s old` : `Latest block is ${age}s old (>60s)`,
        {
          latest_height: Number(sync.latest_block_height),
          latest_block_time: sync.latest_block_time,
          seconds_since_block: age,
        },
      )
    } else {
      add('block_sync', 'UNAVAILABLE', `Unable to query chain node: ${chain.error || 'HTTP ' + chain.status}`)
    }

    const passed = checks.filter((c) => c.status === 'PASS').length
    const failed = checks.filter((c) => c.status === 'FAIL').length
    const unavailable = checks.filter((c) => c.status === 'UNAVAILABLE').length
    const now = new Date()
    return {
      experimental: true,
      generated_at: now.toISOString(),
      cached_until: new Date(now.getTime() + reportCacheMs).toISOString(),
      overall_status: failed ? 'FAIL' : unavailable ? 'UNAVAILABLE' : 'PASS',
      checks,
      summary: {
        total_checks: checks.length,
        passed_checks: passed,
        failed_checks: failed,
        unavailable_checks: unavailable,
        issues: [
          ...checks.filter((c) => c.status === 'FAIL').map((c) => c.message),
          ...checks.filter((c) => c.status === 'UNAVAILABLE').map((c) => `Check unavailable: ${c.message}`),
          ...extraIssues,
        ],
        recommendations: [...new Set(recs)],
      },
    }
  }

  /** The stored config as POST/PUT answer it: no node_num (only GET /admin/v1/nodes has it). */
  function storedConfig(node) {
    const { node_num: _num, ...rest } = node
    return rest
  }

  // ---- admin API (9200) ---------------------------------------------------
  const admin = async (req, res) => {
    const url = urlOf(req)
    const p = url.pathname.replace(/\/+$/, '') || '/'
    const m = req.method || 'GET'
    let params

    if (p === '/admin/v1/nodes' && m === 'GET')
      return sendJson(res, 200, [...nodes.values()].map(nodeResponse))
    if (p === '/admin/v1/nodes' && m === 'POST') {
      const body = parseJson(await readBody(req))
      if (!body.ok) return sendError(res, 400, `invalid request body: ${body.message}`)
      const b = bindNode(body.value)
      if (b.error) return sendError(res, 400, `invalid request body: ${b.error}`)
      const r = nodes.has(b.node.id) ? await update(b.node) : await register(b.node)
      return r.node ? sendJson(res, 200, storedConfig(r.node)) : sendError(res, r.status, r.message)
    }
    if (p === '/admin/v1/nodes/batch' && m === 'POST') {
      const body = parseJson(await readBody(req))
      if (!body.ok) return sendError(res, 400, `invalid request body: ${body.message}`)
      if (!Array.isArray(body.value)) {
        return sendError(
          res,
          400,
          `invalid request body: code=400, message=Unmarshal type error: expected=[]apiconfig.InferenceNodeConfig, got=${typeof body.value}`,
        )
      }
      const out = []
      const errors = []
      for (const [i, raw] of body.value.entries()) {
        const b = bindNode(raw)
        const id = raw && typeof raw === 'object' ? raw.id : undefined
        if (b.error) {
          errors.push(`node[${i}] (id: ${id ?? ''}): ${b.error}`)
          continue
        }
        const r = await register(b.node)
        if (r.node) out.push(storedConfig(r.node))
        else errors.push(`node[${i}] (id: ${b.node.id}): ${r.message}`)
      }
      if (errors.length && out.length === 0)
        return sendJson(res, 400, { error: { error: 'all nodes failed validation', errors } })
      if (errors.length) return sendJson(res, 206, { nodes: out, errors })
      return sendJson(res, 201, out)
    }
    if ((params = matchPath('/admin/v1/nodes/:id', p))) {
      if (m === 'DELETE') {
        const existed = nodes.delete(params.id)
        if (existed) save()
        log(ROLE, `delete node ${params.id}: ${existed}`)
        return sendJson(res, 200, existed)
      }
      if (m === 'PUT') {
        const body = parseJson(await readBody(req))
        if (!body.ok) return sendError(res, 400, `invalid request body: ${body.message}`)
        const raw =
          body.value && typeof body.value === 'object' && !Array.isArray(body.value) && !body.value.id
            ? { ...body.value, id: params.id }
            : body.value
        const b = bindNode(raw)
        if (b.error) return sendError(res, 400, `invalid request body: ${b.error}`)
        const r = nodes.has(b.node.id) ? await update(b.node) : await register(b.node)
        return r.node ? sendJson(res, 200, storedConfig(r.node)) : sendError(res, r.status, r.message)
      }
    }
    if ((params = matchPath('/admin/v1/nodes/:id/enable', p)) && m === 'POST') {
      const rec = nodes.get(params.id)
      if (!rec) return sendError(res, 404, `node not found: ${params.id}`)
      rec.admin = { enabled: true, epoch: epochsLatest().latest_epoch.index }
      save()
      return sendJson(res, 200, { message: 'node enabled successfully', node_id: params.id })
    }
    if ((params = matchPath('/admin/v1/nodes/:id/disable', p)) && m === 'POST') {
      const rec = nodes.get(params.id)
      if (!rec) return sendError(res, 404, `node not found: ${params.id}`)
      rec.admin = { enabled: false, epoch: epochsLatest().latest_epoch.index }
      save()
      return sendJson(res, 200, { message: 'node disabled successfully', node_id: params.id })
    }
    if (p === '/admin/v1/nodes/upgrade-status' && m === 'GET')
      return sendJson(res, 200, { message: 'No upgrade plan active' })
    if (p === '/admin/v1/nodes/version-status' && m === 'POST') {
      const body = parseJson(await readBody(req))
      const version =
        body.ok && body.value && typeof body.value.version === 'string' ? body.value.version : ''
      if (!version) return sendError(res, 400, 'Version field is required')
      const out = {}
      for (const rec of nodes.values()) {
        out[rec.node.id] =
          rec.health.status === 'FAILED'
            ? { is_alive: false, error: rec.health.reason }
            : { is_alive: rec.health.status !== 'UNKNOWN' }
      }
      return sendJson(res, 200, out)
    }
    if (p === '/admin/v1/setup/report' && m === 'GET') {
      if (!reportCache || Date.now() >= reportCache.until) {
        const report = await buildReport()
        reportCache = { report, until: Date.now() + reportCacheMs }
      }
      return sendJson(res, 200, reportCache.report)
    }
    if (p === '/admin/v1/config' && m === 'GET') {
      return sendJson(res, 200, {
        api: {
          public_url: env.DAPI_API__PUBLIC_URL,
          poc_callback_url: callbackUrl,
          public_server_port: 9000,
          ml_server_port: 9100,
          admin_server_port: 9200,
        },
        chain_node: {
          url: chainUrl,
          seed_api_url: seedUrl,
          account_public_key: env.ACCOUNT_PUBKEY,
          signer_key_name: env.KEY_NAME,
          keyring_backend: 'file',
          keyring_password: '<withheld by the stand-in>',
        },
        nodes: [...nodes.values()].map((r) => r.node),
        _standin: 'the real endpoint returns the unsanitized config; never expose port 9200',
      })
    }
    if (p === '/admin/v1/export/db' && m === 'GET') {
      return sendJson(res, 200, { nodes: [...nodes.values()].map((r) => r.node), node_config_merged: merged })
    }
    if (p === '/admin/v1/standin/poc/start' && m === 'POST') {
      const body = parseJson(await readBody(req))
      const ids = body.ok && body.value && Array.isArray(body.value.node_ids) ? body.value.node_ids : null
      return sendJson(res, 200, await startPoc(ids))
    }
    if (p === '/admin/v1/standin/poll' && m === 'POST') {
      for (const id of [...nodes.keys()]) await pollOne(id)
      return sendJson(res, 200, [...nodes.values()].map(nodeResponse))
    }
    return sendError(res, 404, 'Not Found')
  }

  // ---- ML callback server (9100) -------------------------------------------
  const ml = async (req, res) => {
    // The raw path, not normalised: `//v2/poc-batches/…` (a callback URL with a trailing slash)
    // matches no route, as in echo.
    const p = (req.url || '/').split('?')[0]
    const m = req.method || 'GET'
    const batch = p.match(/^\/(?:mlnode\/)?(v1|v2)\/poc-batches\/(?:([^/]+)\/)?(generated|validated)$/)
    if (batch && m === 'POST') {
      const body = parseJson(await readBody(req))
      if (!body.ok) return sendError(res, 400, `invalid request body: ${body.message}`)
      const b = body.value || {}
      const model = batch[2] ? decodeURIComponent(decodeURIComponent(batch[2])) : b.model_id || ''
      const rec = [...nodes.values()].find(
        (r) => r.node.node_num === b.node_id || r.node.id === b.node_id || r.node.id === b.standin_node_id,
      )
      if (rec && rec.poc && batch[3] === 'generated') {
        rec.poc.batches_received += 1
        rec.poc.ml_error = null
      }
      log(
        ROLE,
        `received ${batch[3]} PoC batch (${batch[1]}) from ML node ${rec ? rec.node.id : `#${b.node_id}`} for model ${model || '?'}: ${(b.nonces || []).length} nonces`,
      )
      return sendJson(res, 200, {})
    }
    if (p === '/versions' && m === 'GET') return sendJson(res, 200, {})
    if (p === '/metrics' && m === 'GET') {
      return sendText(
        res,
        200,
        `# stand-in metrics\ngonka_standin_ml_nodes ${nodes.size}\n`,
        'text/plain; version=0.0.4',
      )
    }
    return sendError(res, 404, 'Not Found')
  }

  // ---- public API (9000): local routes + chain views forwarded to the seed ----
  const pub = async (req, res) => {
    const url = urlOf(req)
    const p = url.pathname
    const m = req.method || 'GET'
    if (m === 'GET' && p === '/v1/status') return sendJson(res, 200, { status: 'ok' })
    if (m === 'GET' && p === '/v1/identity') {
      const warm = (() => {
        try {
          return getKey(keyringHome, env.KEY_NAME)
        } catch {
          return null
        }
      })()
      return sendJson(res, 200, {
        address: coldAddress,
        warm_key_address: warm ? warm.address : null,
        public_url: env.DAPI_API__PUBLIC_URL,
      })
    }
    if (m === 'GET' && p === '/v1/epochs/latest') return sendJson(res, 200, epochsLatest())
    if (m === 'GET' && p === '/v1/versions') return sendJson(res, 200, { api: '0.2.13-standin' })
    if (p.startsWith('/v1/') || p.startsWith('/v2/')) {
      if (p.startsWith('/v1/poc-batches') || p.startsWith('/v1/training'))
        return sendError(res, 404, 'Not Found')
      if (!seedUrl)
        return sendError(
          res,
          500,
          'chain unavailable (stand-in forwards chain queries to the seed; none configured)',
        )
      const body =
        m === 'GET' || m === 'HEAD' ? undefined : JSON.parse((await readBody(req)).toString('utf8') || 'null')
      const r = await fetchJson(`${seedUrl}${p}${url.search}`, { method: m, body })
      if (r.status === 0) return sendError(res, 500, `chain query failed: ${r.error}`)
      res.writeHead(r.status, { 'Content-Type': 'application/json; charset=UTF-8' })
      return res.end(r.text)
    }
    return sendError(res, 404, 'Not Found')
  }

  await mergeNodeConfig()
  await startServer(ROLE, 'public API', envPort(['DAPI_API__PUBLIC_SERVER_PORT'], 9000), pub)
  await startServer(ROLE, 'ML callback server', envPort(['DAPI_API__ML_SERVER_PORT'], 9100), ml)
  await startServer(ROLE, 'admin API', envPort(['DAPI_API__ADMIN_SERVER_PORT'], 9200), admin)
}
