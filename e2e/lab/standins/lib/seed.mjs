// Stand-in for a seed node's public API (port 8000 on the real seeds): governance models,
// epochs, participants (register then look up), chain RPC status and the authz/feegrant
// queries used to see a cold key's grants to the warm key. In-memory state only.
import {
  addressFromPubkey,
  envPort,
  fakeHex,
  fakePubkey,
  log,
  matchPath,
  parseJson,
  readBody,
  sendError,
  sendJson,
  startServer,
  urlOf,
} from './common.mjs'
import {
  CHAIN_ID,
  DENOM,
  ML_OPS_PERMISSIONS,
  blockTime,
  cometStatus,
  currentHeight,
  epochsLatest,
  loadGovernanceModels,
} from './chain-data.mjs'

const ROLE = 'seed'

export async function runSeed() {
  const models = loadGovernanceModels()
  /** address -> participant record */
  const participants = new Map()
  /** addresses in the current epoch's active set */
  const active = new Map()
  /** `${granter}|${grantee}` -> { grants:[{msg, expiration}], allowance } */
  const grants = new Map()

  // A couple of pre-existing network participants so lists are never empty.
  for (const n of [1, 2]) {
    const pub = `seed-participant-${n}`
    const pk = fakePubkey(pub)
    const address = addressFromPubkey(pk)
    const rec = newParticipant({
      address,
      url: `http://node${n}.standin.invalid:8000`,
      pubKey: pk,
      validatorKey: '',
    })
    rec.status = 'ACTIVE'
    rec.weight = 1000 * n
    participants.set(address, rec)
    active.set(address, rec)
  }

  function newParticipant({ address, url, pubKey, validatorKey, workerKey = '' }) {
    const height = currentHeight()
    return {
      index: address,
      address,
      weight: -1,
      join_time: Date.now(),
      join_height: height,
      last_inference_time: 0,
      inference_url: url,
      status: 'ACTIVE',
      coin_balance: 0,
      validator_key: validatorKey,
      worker_public_key: workerKey,
      epochs_completed: 0,
      current_epoch_stats: {
        inference_count: 0,
        missed_requests: 0,
        earned_coins: 0,
        rewarded_coins: 0,
        burned_coins: 0,
        validated_inferences: 0,
        invalidated_inferences: 0,
        confirmation_poc_ratio: null,
      },
      _pubkey: pubKey,
    }
  }

  const publicView = (p) => {
    const { _pubkey: _ignored, ...rest } = p
    return rest
  }

  function grantsFor(granter, grantee) {
    const g = grants.get(`${granter}|${grantee}`)
    return g ? g.grants : []
  }

  function activeParticipantsBody() {
    const epoch = epochsLatest()
    const list = [...active.values()].map((p) => ({
      index: p.address,
      validator_key: p.validator_key,
      weight: p.weight > 0 ? p.weight : 100,
      inference_url: p.inference_url,
      models: models.map((m) => m.id),
      seed: {
        participant: p.address,
        block_height: epoch.latest_epoch.poc_start_block_height,
        signature: fakeHex(`sig:${p.address}`, 64),
      },
      ml_nodes: [],
      voting_powers: [],
    }))
    return {
      active_participants: {
        participants: list,
        epoch_group_id: epoch.latest_epoch.index,
        poc_start_block_height: epoch.latest_epoch.poc_start_block_height,
        effective_block_height: epoch.latest_epoch.poc_start_block_height + 442,
        created_at_block_height: epoch.latest_epoch.poc_start_block_height + 442,
        epoch_id: epoch.latest_epoch.index,
      },
      addresses: list.map((p) => p.index),
      active_participants_bytes: '',
      proof_ops: null,
      validators: [],
      block: null,
      excluded_participants: [],
    }
  }

  function chainApi(path, url, res) {
    // Cosmos REST as served under <seed>/chain-api/ (and on 1317 directly).
    if (path === '/cosmos/authz/v1beta1/grants') {
      const granter = url.searchParams.get('granter') || ''
      const grantee = url.searchParams.get('grantee') || ''
      if (!granter || !grantee) {
        sendJson(res, 400, {
          code: 3,
          message: 'invalid granter or grantee address: empty address string is not allowed',
          details: [],
        })
        return true
      }
      const list = grantsFor(granter, grantee).map((g) => ({
        authorization: { '@type': '/cosmos.authz.v1beta1.GenericAuthorization', msg: g.msg },
        expiration: g.expiration,
      }))
      sendJson(res, 200, { grants: list, pagination: { next_key: null, total: String(list.length) } })
      return true
    }
    let m = matchPath('/cosmos/authz/v1beta1/grants/granter/:granter', path)
    if (m) {
      const list = []
      for (const [k, v] of grants) {
        const [granter, grantee] = k.split('|')
        if (granter !== m.granter) continue
        for (const g of v.grants)
          list.push({
            granter,
            grantee,
            authorization: { '@type': '/cosmos.authz.v1beta1.GenericAuthorization', msg: g.msg },
            expiration: g.expiration,
          })
      }
      sendJson(res, 200, { grants: list, pagination: { next_key: null, total: String(list.length) } })
      return true
    }
    m = matchPath('/cosmos/authz/v1beta1/grants/grantee/:grantee', path)
    if (m) {
      const list = []
      for (const [k, v] of grants) {
        const [granter, grantee] = k.split('|')
        if (grantee !== m.grantee) continue
        for (const g of v.grants)
          list.push({
            granter,
            grantee,
            authorization: { '@type': '/cosmos.authz.v1beta1.GenericAuthorization', msg: g.msg },
            expiration: g.expiration,
          })
      }
      sendJson(res, 200, { grants: list, pagination: { next_key: null, total: String(list.length) } })
      return true
    }
    m = matchPath('/cosmos/feegrant/v1beta1/allowance/:granter/:grantee', path)
    if (m) {
      const g = grants.get(`${m.granter}|${m.grantee}`)
      if (!g || !g.allowance) {
        sendJson(res, 404, { code: 5, message: 'fee-grant not found: not found', details: [] })
        return true
      }
      sendJson(res, 200, {
        allowance: {
          granter: m.granter,
          grantee: m.grantee,
          allowance: {
            '@type': '/cosmos.feegrant.v1beta1.BasicAllowance',
            spend_limit: [{ denom: DENOM, amount: '10000000000' }],
            expiration: g.allowance.expiration,
          },
        },
      })
      return true
    }
    if (path === '/productscience/inference/inference/params') {
      sendJson(res, 200, {
        params: {
          participant_access_params: {
            new_participant_registration_start_height: '0',
            use_participant_allowlist: false,
            participant_allowlist_until_block_height: '0',
            blocked_participant_addresses: [],
          },
          collateral_params: {
            base_weight_ratio: { value: '2', exponent: -1 },
            collateral_per_weight_unit: { value: '1', exponent: 0 },
          },
        },
      })
      return true
    }
    m = matchPath('/productscience/inference/inference/participant/:address', path)
    if (m) {
      const p = participants.get(m.address)
      if (!p) sendJson(res, 404, { code: 5, message: 'not found', details: [] })
      else sendJson(res, 200, { participant: publicView(p) })
      return true
    }
    m = matchPath('/cosmos/auth/v1beta1/accounts/:address', path)
    if (m) {
      const p = participants.get(m.address)
      if (!p)
        sendJson(res, 404, { code: 5, message: `account ${m.address} not found: key not found`, details: [] })
      else
        sendJson(res, 200, {
          account: {
            '@type': '/cosmos.auth.v1beta1.BaseAccount',
            address: p.address,
            pub_key: { '@type': '/cosmos.crypto.secp256k1.PubKey', key: p._pubkey },
            account_number: String(participants.size + 100),
            sequence: '0',
          },
        })
      return true
    }
    return false
  }

  const handler = async (req, res) => {
    const url = urlOf(req)
    const path = url.pathname
    const method = req.method || 'GET'

    if (method === 'GET' && (path === '/health' || path === '/v1/status')) {
      return sendJson(res, 200, { status: 'ok' })
    }
    if (method === 'GET' && path === '/v1/governance/models') return sendJson(res, 200, { models })
    if (method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: models.map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: 'gonka' })),
      })
    }
    if (method === 'GET' && (path === '/v1/epochs/latest' || path === '/api/v1/epochs/latest')) {
      return sendJson(res, 200, epochsLatest())
    }
    let m = matchPath('/v1/epochs/:epoch', path)
    if (method === 'GET' && m) return sendError(res, 400, `only "latest" is supported, got ${m.epoch}`)
    m = matchPath('/v1/epochs/:epoch/participants', path)
    if (method === 'GET' && m) {
      if (m.epoch !== 'current' && !/^\d+$/.test(m.epoch))
        return sendError(res, 400, `invalid epoch: ${m.epoch}`)
      return sendJson(res, 200, activeParticipantsBody())
    }
    if (path === '/v1/participants' && method === 'GET') {
      return sendJson(res, 200, { participants: [...participants.values()].map(publicView) })
    }
    if (path === '/v1/participants' && method === 'POST') {
      const body = parseJson(await readBody(req))
      if (!body.ok) return sendError(res, 400, `invalid request body: ${body.message}`)
      const b = body.value || {}
      const pubKey = typeof b.pub_key === 'string' ? b.pub_key : ''
      const url2 = typeof b.url === 'string' ? b.url : ''
      const derived = addressFromPubkey(pubKey)
      if (!derived)
        return sendError(
          res,
          400,
          'invalid pub_key: expected a base64 secp256k1 compressed public key (33 bytes)',
        )
      const address = typeof b.address === 'string' && b.address !== '' ? b.address : derived
      if (address !== derived)
        return sendError(res, 400, `address ${address} does not match pub_key (derives ${derived})`)
      if (!/^https?:\/\/[^\s/]+/.test(url2))
        return sendError(res, 400, `invalid url: ${JSON.stringify(url2)}`)
      const existing = participants.get(address)
      if (existing) {
        existing.inference_url = url2
        existing.validator_key = b.validator_key || existing.validator_key
        existing.worker_public_key = b.worker_key || existing.worker_public_key
        log(ROLE, `participant ${address} updated (url ${url2})`)
      } else {
        participants.set(
          address,
          newParticipant({
            address,
            url: url2,
            pubKey,
            validatorKey: b.validator_key || '',
            workerKey: b.worker_key || '',
          }),
        )
        log(
          ROLE,
          `participant ${address} registered (url ${url2}) via MsgSubmitNewUnfundedParticipant (stand-in)`,
        )
      }
      return sendJson(res, 200, {
        code: 0,
        txhash: fakeHex(`tx:register:${address}:${Date.now()}`).toUpperCase(),
        height: String(currentHeight()),
      })
    }
    m = matchPath('/v1/participants/:address', path)
    if (method === 'GET' && m) {
      const p = participants.get(m.address)
      if (!p) return sendError(res, 404, `participant not found: ${m.address}`)
      return sendJson(res, 200, { pubkey: p._pubkey, balance: 0 })
    }
    m = matchPath('/v2/participants/:address', path)
    if (method === 'GET' && m) {
      const p = participants.get(m.address)
      if (!p) return sendError(res, 404, `participant not found: ${m.address}`)
      return sendJson(res, 200, { participant: publicView(p) })
    }
    m = matchPath('/v2/accounts/:address', path)
    if (method === 'GET' && m) {
      const p = participants.get(m.address)
      if (!p) return sendError(res, 404, `account not found: ${m.address}`)
      return sendJson(res, 200, { pubkey: p._pubkey, balance: String(p.coin_balance), denom: DENOM })
    }
    if (method === 'GET' && (path === '/chain-rpc/status' || path === '/chain-rpc/' || path === '/status')) {
      return sendJson(
        res,
        200,
        cometStatus({
          moniker: 'STAND-IN seed (not a real Gonka node)',
          listenAddr: process.env.STANDIN_SEED_P2P_LISTEN || 'tcp://0.0.0.0:5000',
          nodeSeed: 'seed',
        }),
      )
    }
    if (method === 'GET' && path === '/chain-rpc/block') {
      const h = Number(url.searchParams.get('height')) || currentHeight()
      return sendJson(res, 200, {
        jsonrpc: '2.0',
        id: -1,
        result: {
          block_id: { hash: fakeHex(`block:${h}`).toUpperCase() },
          block: { header: { chain_id: CHAIN_ID, height: String(h), time: blockTime(h) } },
        },
      })
    }
    if (method === 'GET' && path.startsWith('/chain-api/')) {
      if (chainApi(path.slice('/chain-api'.length), url, res)) return
    }
    if (method === 'GET' && path.startsWith('/cosmos/')) {
      if (chainApi(path, url, res)) return
    }

    // Stand-in only: what a real chain does through transactions.
    if (method === 'POST' && path === '/standin/v1/grant-ml-ops-permissions') {
      const body = parseJson(await readBody(req))
      if (!body.ok) return sendError(res, 400, `invalid request body: ${body.message}`)
      const { granter, grantee, expiration } = body.value || {}
      if (
        typeof granter !== 'string' ||
        !granter.startsWith('gonka1') ||
        typeof grantee !== 'string' ||
        !grantee.startsWith('gonka1')
      ) {
        return sendError(res, 400, 'granter and grantee must be gonka1… addresses')
      }
      const exp =
        typeof expiration === 'string'
          ? expiration
          : new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString()
      const key = `${granter}|${grantee}`
      const prev = grants.get(key)
      grants.set(key, {
        grants: ML_OPS_PERMISSIONS.map((msg) => ({ msg, expiration: exp })),
        allowance: prev && prev.allowance ? prev.allowance : { expiration: exp },
      })
      log(ROLE, `granted ${ML_OPS_PERMISSIONS.length} ML ops permissions ${granter} -> ${grantee} (stand-in)`)
      return sendJson(res, 200, {
        txhash: fakeHex(`tx:grant:${key}:${Date.now()}`).toUpperCase(),
        height: String(currentHeight()),
        code: 0,
        granted: ML_OPS_PERMISSIONS.length,
      })
    }
    if (method === 'POST' && path === '/standin/v1/epoch/advance') {
      // Simulates a finished PoC: every registered participant joins the active set.
      for (const p of participants.values()) {
        if (p.status === 'ACTIVE') {
          if (p.weight < 0) p.weight = 100
          p.epochs_completed += 1
          active.set(p.address, p)
        }
      }
      return sendJson(res, 200, { active: [...active.keys()] })
    }
    return sendError(res, 404, 'Not Found')
  }

  const port = envPort(['STANDIN_SEED_PORT'], 8000)
  await startServer(ROLE, 'seed public API', port, handler)
}
