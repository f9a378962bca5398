// Stand-in for a seed node's public API (port 8000 on the real seeds): governance models,
// epochs, participants, accounts, the chain RPC under /chain-rpc/ (status, block, abci_query,
// broadcast_tx_sync, tx) and the Cosmos REST queries under /chain-api/ (authz grants, feegrant
// allowance). Shapes follow shared/reference/gonka-upstream-checked.md §3. In-memory state only.
//
// Registration is asynchronous like upstream's: POST /v1/participants answers 200 with an empty
// body at once and the seed delivers MsgSubmitNewUnfundedParticipant later (no retry), which the
// "chain" rejects when the account already exists or registration is closed. Transactions sent to
// /chain-rpc/ are the stand-in's own unsigned JSON (see lib/chain-tx.mjs), not signed protobuf.
import {
  addressFromPubkey,
  envPort,
  fakeHex,
  fakePubkey,
  log,
  matchPath,
  omitEmpty,
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
  blockTime,
  cometStatus,
  currentHeight,
  epochsLatest,
  loadGovernanceModels,
} from './chain-data.mjs'
import { decodeStandinTx, txHash } from './chain-tx.mjs'

const ROLE = 'seed'

/** Participant status enum as upstream's proto numbers it (JSON carries the number). */
export const PARTICIPANT_STATUS = { ACTIVE: 1, INACTIVE: 2, INVALID: 3, RAMPING: 4, UNCONFIRMED: 5 }
const STATUS_NAMES = ['UNSPECIFIED', 'ACTIVE', 'INACTIVE', 'INVALID', 'RAMPING', 'UNCONFIRMED']

/** ABCI codes the stand-in chain answers with (Cosmos SDK / inference module numbers). */
const CODE = {
  ok: 0,
  txDecode: 2,
  unauthorized: 4,
  insufficientFunds: 5,
  invalidPubKey: 8,
  unknownAddress: 9,
  invalidRequest: 18,
  keyNotFound: 22,
  accountAlreadyExists: 1110,
  registrationClosed: 1111,
}

export async function runSeed() {
  const models = loadGovernanceModels()
  /** address -> { pubkey ('' until the account signs), balance (ngonka, number) } */
  const accounts = new Map()
  /** address -> participant record (internal form; views are built per endpoint) */
  const participants = new Map()
  /** addresses in the current epoch's active set */
  const active = new Map()
  /** `${granter}|${grantee}` -> Map(msgTypeUrl -> expiration) */
  const grants = new Map()
  /** `${granter}|${grantee}` -> { spend_limit, expiration } */
  const allowances = new Map()
  /** tx hash (upper hex) -> { height, code, log, tx } */
  const txs = new Map()
  /** Stand-in switches: registration closed / allowlisted, and the delivery delay. */
  const registration = {
    closed: process.env.STANDIN_REGISTRATION_CLOSED === '1',
    allowlist: process.env.STANDIN_PARTICIPANT_ALLOWLIST
      ? process.env.STANDIN_PARTICIPANT_ALLOWLIST.split(',')
          .map((a) => a.trim())
          .filter(Boolean)
      : null,
    delayMs: Number(process.env.STANDIN_REGISTRATION_DELAY_MS ?? 1500),
    /** while true, queued registrations wait (tests see the "not yet" state) until released */
    hold: false,
  }
  /** registrations queued while `hold` is on */
  const held = []

  // A couple of pre-existing network participants so lists are never empty.
  for (const n of [1, 2]) {
    const pk = fakePubkey(`seed-participant-${n}`)
    const address = addressFromPubkey(pk)
    accounts.set(address, { pubkey: pk, balance: 5_000_000_000 * n })
    const rec = newParticipant({ address, url: `http://node${n}.standin.invalid:8000`, validatorKey: '' })
    rec.weight = 1000 * n
    rec.epochs_completed = 10 * n
    participants.set(address, rec)
    active.set(address, rec)
  }

  function newParticipant({ address, url, validatorKey, workerKey = '' }) {
    return {
      index: address,
      address,
      weight: 0,
      join_time: Date.now(),
      join_height: currentHeight(),
      last_inference_time: 0,
      inference_url: url,
      status: PARTICIPANT_STATUS.ACTIVE,
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
      },
    }
  }

  /** `/v2/participants/<addr>`: Go's encoding/json of the proto struct (snake_case, omitempty, int enum). */
  const v2View = (p) => omitEmpty({ ...p })

  /** Cosmos REST (grpc-gateway) view: enum names and 64-bit numbers as strings. */
  const restView = (p) => ({
    ...p,
    status: STATUS_NAMES[p.status] || 'UNSPECIFIED',
    join_time: String(p.join_time),
    join_height: String(p.join_height),
    last_inference_time: String(p.last_inference_time),
    coin_balance: String(p.coin_balance),
  })

  function grantList(granter, grantee) {
    const g = grants.get(`${granter}|${grantee}`)
    return g ? [...g].map(([msg, expiration]) => ({ msg, expiration })) : []
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

  // ---- "chain": messages and transactions -----------------------------------------------

  function recordTx(tx, code, logText) {
    const hash = txHash(tx)
    const height = currentHeight() + 1
    txs.set(hash, { height, code, log: logText, tx })
    return { hash, height }
  }

  /** MsgSubmitNewUnfundedParticipant as the seed sends it: no retry, failures only logged. */
  function deliverUnfunded(b) {
    const address = b.address
    const fail = (code, why) => {
      const { hash } = recordTx(JSON.stringify({ unfunded: b, at: Date.now() }), code, why)
      log(
        ROLE,
        `MsgSubmitNewUnfundedParticipant for ${address} failed (code ${code}, tx ${hash}): ${why}; not retried`,
      )
    }
    if (registration.closed) return fail(CODE.registrationClosed, 'new participant registration is closed')
    if (registration.allowlist && !registration.allowlist.includes(address))
      return fail(CODE.registrationClosed, `participant ${address} is not in the participant allowlist`)
    if (accounts.has(address)) return fail(CODE.accountAlreadyExists, `account already exists: ${address}`)
    if (addressFromPubkey(b.pub_key) !== address)
      return fail(CODE.invalidPubKey, `pub_key does not belong to address ${address}`)
    accounts.set(address, { pubkey: b.pub_key, balance: 0 })
    participants.set(
      address,
      newParticipant({
        address,
        url: b.url || '',
        validatorKey: b.validator_key || '',
        workerKey: b.worker_key || '',
      }),
    )
    const { hash } = recordTx(JSON.stringify({ unfunded: b }), CODE.ok, '')
    log(
      ROLE,
      `participant ${address} registered (url ${b.url}) via MsgSubmitNewUnfundedParticipant, tx ${hash} (stand-in)`,
    )
  }

  /** Checks one message against the state; returns null or { code, log }. */
  function checkMsg(msg, signer) {
    const type = msg['@type']
    if (type === '/cosmos.authz.v1beta1.MsgGrant') {
      if (msg.granter !== signer)
        return { code: CODE.unauthorized, log: 'granter must be the signer: unauthorized' }
      if (!msg.grantee || !msg.grant?.authorization?.msg)
        return { code: CODE.invalidRequest, log: 'authorization or grantee missing: invalid request' }
      return null
    }
    if (type === '/cosmos.feegrant.v1beta1.MsgGrantAllowance') {
      if (msg.granter !== signer)
        return { code: CODE.unauthorized, log: 'granter must be the signer: unauthorized' }
      if (allowances.has(`${msg.granter}|${msg.grantee}`))
        return { code: CODE.invalidRequest, log: 'fee allowance already exists: invalid request' }
      return null
    }
    if (type === '/inference.inference.MsgSubmitNewParticipant') {
      if (msg.creator !== signer)
        return { code: CODE.unauthorized, log: 'creator must be the signer: unauthorized' }
      return null
    }
    return { code: CODE.txDecode, log: `unable to resolve type URL ${type}: tx parse error` }
  }

  function applyMsg(msg) {
    const type = msg['@type']
    if (type === '/cosmos.authz.v1beta1.MsgGrant') {
      const key = `${msg.granter}|${msg.grantee}`
      if (!grants.has(key)) grants.set(key, new Map())
      grants.get(key).set(msg.grant.authorization.msg, msg.grant.expiration)
    } else if (type === '/cosmos.feegrant.v1beta1.MsgGrantAllowance') {
      allowances.set(`${msg.granter}|${msg.grantee}`, {
        spend_limit: msg.allowance?.spend_limit || [],
        expiration: msg.allowance?.expiration || null,
      })
    } else if (type === '/inference.inference.MsgSubmitNewParticipant') {
      const p = participants.get(msg.creator)
      if (p) {
        p.inference_url = msg.url || ''
        p.validator_key = msg.validator_key || ''
        p.worker_public_key = msg.worker_key || ''
        log(ROLE, `participant ${msg.creator} updated by MsgSubmitNewParticipant (url ${msg.url})`)
      } else {
        participants.set(
          msg.creator,
          newParticipant({
            address: msg.creator,
            url: msg.url || '',
            validatorKey: msg.validator_key || '',
            workerKey: msg.worker_key || '',
          }),
        )
        log(ROLE, `participant ${msg.creator} registered by MsgSubmitNewParticipant (url ${msg.url})`)
      }
    }
  }

  /** broadcast_tx_sync: CheckTx, then the tx is "in the next block" at once. */
  function broadcast(txB64) {
    const decoded = decodeStandinTx(txB64)
    if (!decoded.ok)
      return { code: CODE.txDecode, log: `tx parse error: ${decoded.message}`, hash: txHash(String(txB64)) }
    const tx = decoded.tx
    const hash = txHash(txB64)
    const acc = accounts.get(tx.signer)
    if (!acc)
      return { code: CODE.unknownAddress, log: `account ${tx.signer} not found: unknown address`, hash }
    if (addressFromPubkey(tx.pubkey) !== tx.signer)
      return {
        code: CODE.invalidPubKey,
        log: `pubKey does not match signer address ${tx.signer}: invalid pubkey`,
        hash,
      }
    if (acc.pubkey && acc.pubkey !== tx.pubkey)
      return {
        code: CODE.invalidPubKey,
        log: `pubKey does not match signer address ${tx.signer}: invalid pubkey`,
        hash,
      }
    let failure = null
    for (const [i, msg] of (tx.msgs || []).entries()) {
      const f = checkMsg(msg, tx.signer)
      if (f) {
        failure = { code: f.code, log: `failed to execute message; message index: ${i}: ${f.log}` }
        break
      }
    }
    if (!failure) {
      if (!acc.pubkey) acc.pubkey = tx.pubkey
      for (const msg of tx.msgs || []) applyMsg(msg)
    }
    const height = currentHeight() + 1
    txs.set(hash, { height, code: failure ? failure.code : 0, log: failure ? failure.log : '', tx: txB64 })
    log(
      ROLE,
      `tx ${hash} from ${tx.signer}: ${(tx.msgs || []).length} message(s) ${failure ? `FAILED (code ${failure.code}): ${failure.log}` : 'included'} (stand-in, unsigned)`,
    )
    return { code: 0, log: '[]', hash }
  }

  function abciQuery(path, dataHex) {
    let data = {}
    try {
      data = JSON.parse(Buffer.from(String(dataHex || '').replace(/^0x/, ''), 'hex').toString('utf8') || '{}')
    } catch {
      data = {}
    }
    const ok = (value) => ({
      code: 0,
      log: '',
      value: Buffer.from(JSON.stringify(value)).toString('base64'),
      height: String(currentHeight()),
      codespace: '',
    })
    const err = (code, logText, codespace = 'sdk') => ({
      code,
      log: logText,
      value: null,
      height: String(currentHeight()),
      codespace,
    })
    if (path === '/cosmos.auth.v1beta1.Query/Account') {
      const a = accounts.get(data.address)
      return a
        ? ok({
            account: { address: data.address, pub_key: a.pubkey || null, account_number: 0, sequence: 0 },
          })
        : err(
            CODE.keyNotFound,
            `rpc error: code = NotFound desc = account ${data.address} not found: key not found`,
          )
    }
    if (path === '/cosmos.feegrant.v1beta1.Query/Allowance') {
      const a = allowances.get(`${data.granter}|${data.grantee}`)
      return a ? ok({ allowance: a }) : err(2, 'fee-grant not found: not found', 'feegrant')
    }
    return err(6, `no query route for ${path}: unknown request`)
  }

  /** CometBFT JSON-RPC over the seed's /chain-rpc/ (GET with query params or POST JSON-RPC). */
  function rpc(method, params) {
    if (method === 'status')
      return {
        result: cometStatus({
          moniker: 'STAND-IN seed (not a real Gonka node)',
          listenAddr: process.env.STANDIN_SEED_P2P_LISTEN || 'tcp://0.0.0.0:5000',
          nodeSeed: 'seed',
        }).result,
      }
    if (method === 'block') {
      const h = Number(params.height) || currentHeight()
      return {
        result: {
          block_id: { hash: fakeHex(`block:${h}`).toUpperCase() },
          block: { header: { chain_id: CHAIN_ID, height: String(h), time: blockTime(h) } },
        },
      }
    }
    if (method === 'validators') {
      // The CometBFT validator set: the active participants that registered a consensus key.
      const validators = [...active.values()]
        .filter((p) => p.validator_key)
        .map((p) => ({
          address: fakeHex(`valaddr:${p.validator_key}`, 20).toUpperCase(),
          pub_key: { type: 'tendermint/PubKeyEd25519', value: p.validator_key },
          voting_power: String(p.weight > 0 ? p.weight : 100),
          proposer_priority: '0',
        }))
      return {
        result: {
          block_height: String(currentHeight()),
          validators,
          count: String(validators.length),
          total: String(validators.length),
        },
      }
    }
    if (method === 'abci_query')
      return { result: { response: abciQuery(String(params.path || '').replace(/^"|"$/g, ''), params.data) } }
    if (method === 'broadcast_tx_sync') {
      const r = broadcast(String(params.tx || '').replace(/^"|"$/g, ''))
      return { result: { code: r.code, data: '', log: r.log, codespace: '', hash: r.hash } }
    }
    if (method === 'tx') {
      const hash = String(params.hash || '')
        .replace(/^"|"$/g, '')
        .replace(/^0x/i, '')
        .toUpperCase()
      const t = txs.get(hash)
      if (!t) return { error: { code: -32603, message: 'Internal error', data: `tx (${hash}) not found` } }
      return {
        result: {
          hash,
          height: String(t.height),
          index: 0,
          tx_result: {
            code: t.code,
            data: '',
            log: t.log,
            codespace: t.code ? 'sdk' : '',
            gas_wanted: '2000000',
            gas_used: '150000',
            events: [],
          },
          tx: t.tx,
        },
      }
    }
    return { error: { code: -32601, message: 'Method not found', data: method } }
  }

  function sendRpc(res, id, out) {
    sendJson(res, out.error ? 500 : 200, { jsonrpc: '2.0', id, ...out })
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
      const list = grantList(granter, grantee).map((g) => ({
        authorization: { '@type': '/cosmos.authz.v1beta1.GenericAuthorization', msg: g.msg },
        expiration: g.expiration,
      }))
      sendJson(res, 200, { grants: list, pagination: null })
      return true
    }
    let m =
      matchPath('/cosmos/authz/v1beta1/grants/granter/:granter', path) ||
      matchPath('/cosmos/authz/v1beta1/grants/grantee/:grantee', path)
    if (m) {
      const list = []
      for (const [k, v] of grants) {
        const [granter, grantee] = k.split('|')
        if ((m.granter && granter !== m.granter) || (m.grantee && grantee !== m.grantee)) continue
        for (const [msg, expiration] of v)
          list.push({
            granter,
            grantee,
            authorization: { '@type': '/cosmos.authz.v1beta1.GenericAuthorization', msg },
            expiration,
          })
      }
      sendJson(res, 200, { grants: list, pagination: { next_key: null, total: String(list.length) } })
      return true
    }
    m = matchPath('/cosmos/feegrant/v1beta1/allowance/:granter/:grantee', path)
    if (m) {
      const a = allowances.get(`${m.granter}|${m.grantee}`)
      if (!a) {
        // feegrant's ErrNoAllowance has no gRPC code: the gateway answers 500 / Unknown (2).
        sendJson(res, 500, { code: 2, message: 'fee-grant not found: not found', details: [] })
        return true
      }
      sendJson(res, 200, {
        allowance: {
          granter: m.granter,
          grantee: m.grantee,
          allowance: {
            '@type': '/cosmos.feegrant.v1beta1.BasicAllowance',
            spend_limit: a.spend_limit,
            expiration: a.expiration,
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
            use_participant_allowlist: Boolean(registration.allowlist),
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
      else sendJson(res, 200, { participant: restView(p) })
      return true
    }
    m = matchPath('/cosmos/auth/v1beta1/accounts/:address', path)
    if (m) {
      const a = accounts.get(m.address)
      if (!a)
        sendJson(res, 404, { code: 5, message: `account ${m.address} not found: key not found`, details: [] })
      else
        sendJson(res, 200, {
          account: {
            '@type': '/cosmos.auth.v1beta1.BaseAccount',
            address: m.address,
            pub_key: a.pubkey ? { '@type': '/cosmos.crypto.secp256k1.PubKey', key: a.pubkey } : null,
            account_number: String([...accounts.keys()].indexOf(m.address) + 100),
            sequence: '0',
          },
        })
      return true
    }
    m = matchPath('/cosmos/bank/v1beta1/balances/:address/by_denom', path)
    if (m) {
      const a = accounts.get(m.address)
      sendJson(res, 200, { balance: { denom: DENOM, amount: String(a ? a.balance : 0) } })
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
      return sendJson(res, 200, {
        participants: [...participants.values()].map((p) => ({
          id: p.address,
          url: p.inference_url,
          coins_owed: 0,
          refunds_owed: 0,
          balance: accounts.get(p.address)?.balance ?? 0,
          voting_power: p.weight,
          reputation: 0,
        })),
        block_height: currentHeight(),
      })
    }
    if (path === '/v1/participants' && method === 'POST') {
      const body = parseJson(await readBody(req))
      if (!body.ok) return sendError(res, 400, `code=400, message=${body.message}`)
      const b = body.value && typeof body.value === 'object' ? body.value : {}
      const address = typeof b.address === 'string' ? b.address : ''
      const pubKey = typeof b.pub_key === 'string' ? b.pub_key : ''
      if (!address || !pubKey) return sendError(res, 400, 'Address and PubKey are required')
      const msg = {
        address,
        url: typeof b.url === 'string' ? b.url : '',
        pub_key: pubKey,
        validator_key: typeof b.validator_key === 'string' ? b.validator_key : '',
        worker_key: typeof b.worker_key === 'string' ? b.worker_key : '',
      }
      log(
        ROLE,
        `queued MsgSubmitNewUnfundedParticipant for ${address} (delivered in ${registration.delayMs} ms, no retry)`,
      )
      if (registration.hold) held.push(msg)
      else setTimeout(() => deliverUnfunded(msg), registration.delayMs)
      res.writeHead(200)
      return res.end()
    }
    m = matchPath('/v1/participants/:address', path) || matchPath('/v2/accounts/:address', path)
    if (method === 'GET' && m) {
      const a = accounts.get(m.address)
      if (!a) return sendError(res, 404, 'not found')
      return sendJson(res, 200, { pubkey: a.pubkey, balance: a.balance, denom: DENOM })
    }
    m = matchPath('/v2/participants/:address', path)
    if (method === 'GET' && m) {
      const p = participants.get(m.address)
      if (!p) return sendError(res, 404, 'not found')
      return sendJson(res, 200, { participant: v2View(p) })
    }
    if (path === '/chain-rpc' || path === '/chain-rpc/') {
      if (method === 'POST') {
        const body = parseJson(await readBody(req))
        if (!body.ok)
          return sendRpc(res, -1, { error: { code: -32700, message: 'Parse error', data: body.message } })
        const { id = -1, method: rpcMethod = '', params = {} } = body.value || {}
        return sendRpc(res, id, rpc(String(rpcMethod), params || {}))
      }
      if (method === 'GET') return sendRpc(res, -1, rpc('status', {}))
    }
    if (method === 'GET' && path === '/status') return sendRpc(res, -1, rpc('status', {}))
    m = matchPath('/chain-rpc/:method', path)
    if (method === 'GET' && m) return sendRpc(res, -1, rpc(m.method, Object.fromEntries(url.searchParams)))
    if (method === 'GET' && path.startsWith('/chain-api/')) {
      if (chainApi(path.slice('/chain-api'.length), url, res)) return
    }
    if (method === 'GET' && path.startsWith('/cosmos/')) {
      if (chainApi(path, url, res)) return
    }

    // Stand-in only: switches for what the real network decides by itself.
    if (method === 'POST' && path === '/standin/v1/registration') {
      const body = parseJson(await readBody(req))
      const v = body.ok && body.value && typeof body.value === 'object' ? body.value : {}
      if (typeof v.closed === 'boolean') registration.closed = v.closed
      if (v.allowlist === null || Array.isArray(v.allowlist)) registration.allowlist = v.allowlist
      if (typeof v.delay_ms === 'number') registration.delayMs = v.delay_ms
      if (typeof v.hold === 'boolean') registration.hold = v.hold
      if (!registration.hold)
        for (const msg of held.splice(0)) setTimeout(() => deliverUnfunded(msg), registration.delayMs)
      log(ROLE, `registration switches: ${JSON.stringify(registration)}`)
      return sendJson(res, 200, {
        closed: registration.closed,
        allowlist: registration.allowlist,
        delay_ms: registration.delayMs,
        hold: registration.hold,
      })
    }
    if (method === 'POST' && path === '/standin/v1/fund') {
      // An account created by receiving funds: it exists on chain (no pubkey yet), so a later
      // MsgSubmitNewUnfundedParticipant for it fails with "account already exists".
      const body = parseJson(await readBody(req))
      const v = body.ok && body.value && typeof body.value === 'object' ? body.value : {}
      if (typeof v.address !== 'string' || !v.address.startsWith('gonka1'))
        return sendError(res, 400, 'address must be a gonka1… address')
      const a = accounts.get(v.address) || { pubkey: '', balance: 0 }
      a.balance += Number(v.amount) || 0
      accounts.set(v.address, a)
      log(ROLE, `funded ${v.address} with ${Number(v.amount) || 0} ${DENOM} (stand-in)`)
      return sendJson(res, 200, { address: v.address, balance: a.balance, denom: DENOM })
    }
    if (method === 'POST' && path === '/standin/v1/revoke') {
      // What a cold key's MsgRevoke (authz) would do: drops one granted permission of a pair.
      const body = parseJson(await readBody(req))
      const v = body.ok && body.value && typeof body.value === 'object' ? body.value : {}
      const g = grants.get(`${v.granter}|${v.grantee}`)
      const removed = g ? g.delete(v.msg) : false
      log(ROLE, `revoked ${v.msg} from ${v.grantee} (stand-in): ${removed}`)
      return sendJson(res, 200, { removed })
    }
    if (method === 'POST' && path === '/standin/v1/epoch/advance') {
      // Simulates a finished PoC: every ACTIVE participant joins the active set.
      for (const p of participants.values()) {
        if (p.status === PARTICIPANT_STATUS.ACTIVE) {
          if (p.weight <= 0) p.weight = 100
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
