// Chain-shaped data the stand-ins share: governance models, the warm-key permission
// list, CometBFT status and epoch timing. Shapes follow ../../../../shared/reference/gonka-deploy.md
// §2.5, §3.6; values are plausible, not real chain state.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { bech32Encode, fakeHex, fakePubkey } from './common.mjs'

export const CHAIN_ID = 'gonka-mainnet'
export const DENOM = 'ngonka'

/** Address of a Cosmos module account (first 20 bytes of sha256(name)). */
export function moduleAddress(name) {
  return bech32Encode('gonka', [...crypto.createHash('sha256').update(name).digest().subarray(0, 20)])
}

/**
 * The governance model list of the newest era in the reference (Aug 2026: MiniMax M2.7,
 * Kimi K2.6, DeepSeek V4 Flash; Qwen3-235B retired). `model_args` are the output-changing
 * args as the docs' per-hardware tables give them; the real records may differ.
 */
export function defaultGovernanceModels() {
  const gov = moduleAddress('gov')
  return [
    {
      proposed_by: gov,
      id: 'MiniMaxAI/MiniMax-M2.7',
      units_of_compute_per_token: 1000,
      context_window: 180000,
      quantization: 'FP8',
      coins_per_input_token: 0,
      coins_per_output_token: 0,
      hf_repo: 'MiniMaxAI/MiniMax-M2.7',
      hf_commit: fakeHex('hf:minimax-m2.7', 20),
      model_args: [
        '--max-model-len',
        '180000',
        '--kv-cache-dtype',
        'fp8',
        '--enable-auto-tool-choice',
        '--tool-call-parser',
        'minimax_m2',
        '--reasoning-parser',
        'minimax_m2_append_think',
      ],
      v_ram: 320,
      throughput_per_nonce: 1000,
      validation_threshold: { value: 970, exponent: -3 },
    },
    {
      proposed_by: gov,
      id: 'moonshotai/Kimi-K2.6',
      units_of_compute_per_token: 2500,
      context_window: 240000,
      quantization: 'INT4',
      coins_per_input_token: 0,
      coins_per_output_token: 0,
      hf_repo: 'moonshotai/Kimi-K2.6',
      hf_commit: fakeHex('hf:kimi-k2.6', 20),
      model_args: [
        '--max-model-len',
        '240000',
        '--trust-remote-code',
        '--tool-call-parser',
        'kimi_k2',
        '--reasoning-parser',
        'kimi_k2',
      ],
      v_ram: 720,
      throughput_per_nonce: 2500,
      validation_threshold: { value: 960, exponent: -3 },
    },
    {
      proposed_by: gov,
      id: 'deepseek-ai/DeepSeek-V4-Flash-0731',
      units_of_compute_per_token: 900,
      context_window: 400000,
      quantization: 'FP8',
      coins_per_input_token: 0,
      coins_per_output_token: 0,
      hf_repo: 'deepseek-ai/DeepSeek-V4-Flash-0731',
      hf_commit: '7872f01b1d1fe23eabc4c98b48bffcef5a386062',
      model_args: [
        '--revision',
        '7872f01b1d1fe23eabc4c98b48bffcef5a386062',
        '--max-model-len',
        '400000',
        '--kv-cache-dtype',
        'fp8',
        '--tokenizer-mode',
        'deepseek_v4',
        '--trust-remote-code',
      ],
      v_ram: 280,
      throughput_per_nonce: 900,
      validation_threshold: { value: 970, exponent: -3 },
    },
  ]
}

/** Governance models: `STANDIN_GOVERNANCE_MODELS_FILE` (a JSON array or {models:[…]}) or the default list. */
export function loadGovernanceModels() {
  const file = process.env.STANDIN_GOVERNANCE_MODELS_FILE
  if (file) {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8'))
    return Array.isArray(parsed) ? parsed : parsed.models
  }
  return defaultGovernanceModels()
}

/** Message types a cold key grants to the warm key ([G-new] list, §2.5). */
export const ML_OPS_PERMISSIONS = [
  '/inference.inference.MsgStartInference',
  '/inference.inference.MsgFinishInference',
  '/inference.inference.MsgClaimRewards',
  '/inference.inference.MsgValidation',
  '/inference.inference.MsgSubmitPocBatch',
  '/inference.inference.MsgSubmitPocValidationsV2',
  '/inference.inference.MsgPoCV2StoreCommit',
  '/inference.inference.MsgMLNodeWeightDistribution',
  '/inference.inference.MsgSubmitSeed',
  '/inference.inference.MsgBridgeExchange',
  '/inference.inference.MsgSubmitNewUnfundedParticipant',
  '/inference.inference.MsgSubmitHardwareDiff',
  '/inference.inference.MsgInvalidateInference',
  '/inference.inference.MsgRevalidateInference',
  '/inference.bls.MsgSubmitDealerPart',
  '/inference.bls.MsgSubmitVerificationVector',
  '/inference.bls.MsgRespondDealerComplaints',
  '/inference.bls.MsgRequestThresholdSignature',
  '/inference.bls.MsgSubmitPartialSignature',
  '/inference.bls.MsgSubmitGroupKeyValidationSignature',
]

const GENESIS_MS = Date.parse('2025-08-20T00:00:00Z')
const BLOCK_MS = 5600
export const EPOCH_LENGTH = 15391

/** Block height that grows with wall-clock time, so repeated reads look like a live chain. */
export function currentHeight(now = Date.now()) {
  return 2_400_000 + Math.floor((now - GENESIS_MS) / BLOCK_MS)
}

export function blockTime(height) {
  return new Date(GENESIS_MS + (height - 2_400_000) * BLOCK_MS).toISOString()
}

/** CometBFT `/status` result, marked as a stand-in in the moniker. */
export function cometStatus({ moniker, listenAddr, nodeSeed, catchingUp = false }) {
  const height = currentHeight()
  return {
    jsonrpc: '2.0',
    id: -1,
    result: {
      node_info: {
        protocol_version: { p2p: '8', block: '11', app: '0' },
        id: fakeHex(`node-id:${nodeSeed}`, 20),
        listen_addr: listenAddr,
        network: CHAIN_ID,
        version: '0.38.17',
        channels: '40202122233038606100',
        moniker,
        other: { tx_index: 'on', rpc_address: 'tcp://0.0.0.0:26657' },
      },
      sync_info: {
        latest_block_hash: fakeHex(`block:${height}`).toUpperCase(),
        latest_app_hash: fakeHex(`app:${height}`).toUpperCase(),
        latest_block_height: String(height),
        latest_block_time: blockTime(height),
        earliest_block_hash: fakeHex('block:earliest').toUpperCase(),
        earliest_app_hash: fakeHex('app:earliest').toUpperCase(),
        earliest_block_height: '1',
        earliest_block_time: new Date(GENESIS_MS).toISOString(),
        catching_up: catchingUp,
      },
      validator_info: {
        address: fakeHex(`valaddr:${nodeSeed}`, 20).toUpperCase(),
        pub_key: {
          type: 'tendermint/PubKeyEd25519',
          value: fakePubkey(`consensus:${nodeSeed}`).slice(0, 44),
        },
        voting_power: '0',
      },
    },
  }
}

function stages(epochIndex, pocStart) {
  return {
    epoch_index: epochIndex,
    poc_start: pocStart,
    poc_generation_wind_down: pocStart + 220,
    poc_generation_end: pocStart + 240,
    poc_validation_start: pocStart + 250,
    poc_validation_wind_down: pocStart + 420,
    poc_validation_end: pocStart + 440,
    set_new_validators: pocStart + 442,
    claim_money: pocStart + 444,
    inference_validation_cutoff: pocStart + EPOCH_LENGTH - 30,
    next_poc_start: pocStart + EPOCH_LENGTH,
    poc_exchange_window: { start: pocStart + 1, end: pocStart + 240 },
    poc_validation_exchange_window: { start: pocStart + 250, end: pocStart + 440 },
  }
}

/** `GET /v1/epochs/latest` body. */
export function epochsLatest(now = Date.now()) {
  const height = currentHeight(now)
  const base = 3_000
  const epochIndex = Math.floor((height - base) / EPOCH_LENGTH)
  const pocStart = base + epochIndex * EPOCH_LENGTH
  const into = height - pocStart
  const phase =
    into < 220
      ? 'PoCGenerate'
      : into < 240
        ? 'PoCGenerateWindDown'
        : into < 420
          ? 'PoCValidate'
          : into < 440
            ? 'PoCValidateWindDown'
            : 'Inference'
  return {
    block_height: height,
    latest_epoch: { index: epochIndex, poc_start_block_height: pocStart },
    phase,
    epoch_stages: stages(epochIndex, pocStart),
    next_epoch_stages: stages(epochIndex + 1, pocStart + EPOCH_LENGTH),
    epoch_params: {
      epoch_length: EPOCH_LENGTH,
      epoch_multiplier: 1,
      epoch_shift: 0,
      default_unit_of_compute_price: 100,
      poc_stage_duration: 240,
      poc_exchange_duration: 5,
      poc_validation_delay: 10,
      poc_validation_duration: 190,
      set_new_validators_delay: 2,
      inference_validation_cutoff: 30,
      inference_pruning_epoch_threshold: 4,
    },
    is_confirmation_poc_active: false,
  }
}

export function fakeBlockHash(height) {
  return fakeHex(`block:${height}`).toUpperCase()
}
