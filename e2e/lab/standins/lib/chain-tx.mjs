// The stand-in's transaction format. The real CLI sends signed protobuf txs to the node's
// CometBFT RPC (`--node <seed>/chain-rpc/`); the stand-in CLI sends the same messages as
// unsigned JSON, base64-encoded, through the same JSON-RPC methods (abci_query,
// broadcast_tx_sync, tx). Nothing is signed: the seed stand-in only checks that the pubkey
// derives the signer's address and that the signer's account exists.
import crypto from 'node:crypto'
import { DENOM, ML_OPS_PERMISSIONS } from './chain-data.mjs'

export const STANDIN_TX_MARKER = 'gonka-host-wizard stand-in tx (unsigned JSON, not protobuf)'

/** Base64 of the stand-in tx JSON, as `params.tx` of broadcast_tx_sync. */
export function encodeStandinTx({ signer, pubkey, msgs, memo = '' }) {
  return Buffer.from(JSON.stringify({ standin_tx: STANDIN_TX_MARKER, signer, pubkey, msgs, memo })).toString(
    'base64',
  )
}

/** { ok: true, tx } or { ok: false, message }. */
export function decodeStandinTx(b64) {
  try {
    const tx = JSON.parse(Buffer.from(String(b64), 'base64').toString('utf8'))
    if (!tx || tx.standin_tx !== STANDIN_TX_MARKER || !Array.isArray(tx.msgs))
      return { ok: false, message: 'not a stand-in tx' }
    if (typeof tx.signer !== 'string' || typeof tx.pubkey !== 'string')
      return { ok: false, message: 'signer and pubkey are required' }
    return { ok: true, tx }
  } catch (e) {
    return { ok: false, message: String(e && e.message ? e.message : e) }
  }
}

/** Tx hash as CometBFT prints it: upper-case hex sha256 of the tx bytes. */
export function txHash(b64) {
  return crypto.createHash('sha256').update(String(b64)).digest('hex').toUpperCase()
}

/** 10 GNK in ngonka: the feegrant BasicAllowance `grant-ml-ops-permissions` adds. */
export const ML_OPS_FEEGRANT_NGONKA = '10000000000'

/**
 * The messages of `tx inference grant-ml-ops-permissions`: one authz GenericAuthorization grant
 * per permission (expiring now + 365 days) and, only when none exists, a feegrant BasicAllowance
 * of 10 GNK with the same expiry.
 */
export function grantMlOpsMsgs(granter, grantee, { now = Date.now(), withAllowance = true } = {}) {
  const expiration = new Date(now + 365 * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const msgs = ML_OPS_PERMISSIONS.map((msg) => ({
    '@type': '/cosmos.authz.v1beta1.MsgGrant',
    granter,
    grantee,
    grant: { authorization: { '@type': '/cosmos.authz.v1beta1.GenericAuthorization', msg }, expiration },
  }))
  if (withAllowance)
    msgs.push({
      '@type': '/cosmos.feegrant.v1beta1.MsgGrantAllowance',
      granter,
      grantee,
      allowance: {
        '@type': '/cosmos.feegrant.v1beta1.BasicAllowance',
        spend_limit: [{ denom: DENOM, amount: ML_OPS_FEEGRANT_NGONKA }],
        expiration,
      },
    })
  return msgs
}
