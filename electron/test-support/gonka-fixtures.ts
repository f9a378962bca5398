// Test support: answers of the admin and public APIs in upstream's shapes (reference §3 of
// gonka-upstream-checked.md): string statuses, omitempty, int participant status, hardware null.

/** A `GET /admin/v1/nodes` item as upstream writes it. */
export function adminNodeItem(
  id: string,
  host: string,
  options: {
    enabled?: boolean
    current?: string
    failure?: string
    models?: string[]
    pocWeight?: number
  } = {},
): Record<string, unknown> {
  const models = options.models ?? ['MiniMaxAI/MiniMax-M2.7']
  return {
    node: {
      host,
      inference_segment: '',
      inference_port: 5050,
      poc_segment: '',
      poc_port: 8080,
      models: Object.fromEntries(models.map((m) => [m, { args: ['--tensor-parallel-size', '4'] }])),
      id,
      max_concurrent: 500,
      node_num: 1,
      hardware: null,
    },
    state: {
      intended_status: 'INFERENCE',
      current_status: options.current ?? 'INFERENCE',
      poc_intended_status: 'IDLE',
      poc_current_status: 'IDLE',
      lock_count: 0,
      failure_reason: options.failure ?? '',
      status_timestamp: '2026-07-01T10:00:00Z',
      admin_state: { enabled: options.enabled ?? true, epoch: 41 },
      ml_node_version: 'v3.0.12',
      epoch_models: {},
      epoch_ml_nodes:
        options.pocWeight !== undefined
          ? {
              [models[0] ?? '']: {
                node_id: id,
                poc_weight: options.pocWeight,
                timeslot_allocation: [true, false],
              },
            }
          : {},
      preserved_models: null,
    },
  }
}

/** A setup report as upstream writes it (one ML node, sync fine, not yet in the active set). */
export function setupReport(
  overrides: { overall?: string; mlnodeStatus?: string } = {},
): Record<string, unknown> {
  return {
    experimental: true,
    generated_at: '2026-07-01T10:00:00Z',
    cached_until: '2026-07-01T10:01:00Z',
    overall_status: overrides.overall ?? 'FAIL',
    checks: [
      { id: 'cold_key_configured', status: 'PASS', message: 'Cold key configured' },
      { id: 'warm_key_in_keyring', status: 'PASS', message: 'Warm key found' },
      {
        id: 'permissions_granted',
        status: 'PASS',
        message: 'All permissions granted',
        details: { cold_key_address: 'gonka1cold', warm_key_address: 'gonka1warm', granted: 20, missing: 0 },
      },
      { id: 'active_in_epoch', status: 'FAIL', message: 'Not active in current epoch' },
      { id: 'validator_in_set', status: 'UNAVAILABLE', message: 'Unable to query validators' },
      {
        id: 'mlnode_ml1',
        status: overrides.mlnodeStatus ?? 'PASS',
        message: "MLNode 'ml1' is healthy",
        details: {
          id: 'ml1',
          host: '10.0.0.5',
          models: ['MiniMaxAI/MiniMax-M2.7'],
          gpus: [
            {
              index: 0,
              name: 'NVIDIA H100 80GB HBM3',
              total_memory_gb: 79.6,
              free_memory_gb: 9.6,
              used_memory_gb: 70,
              utilization_percent: 87,
              temperature_c: 61,
              available: true,
            },
          ],
        },
      },
      {
        id: 'block_sync',
        status: 'PASS',
        message: 'Node is synced',
        details: {
          latest_height: 2401234,
          latest_block_time: '2026-07-01T09:59:55Z',
          seconds_since_block: 5,
        },
      },
    ],
    summary: {
      total_checks: 7,
      passed_checks: 5,
      failed_checks: 1,
      unavailable_checks: 1,
      issues: ['Not active in current epoch', 'Check unavailable: validator_in_set'],
      recommendations: ['Wait for the next PoC'],
    },
  }
}

/** `GET /v1/epochs/latest` in upstream's shape. */
export const EPOCH_LATEST = {
  block_height: 2401240,
  latest_epoch: { index: 42, poc_start_block_height: 2400000 },
  phase: 'Inference',
  epoch_stages: { epoch_index: 42, poc_start: 2400000, next_poc_start: 2415000 },
  next_epoch_stages: { epoch_index: 43, poc_start: 2415000, next_poc_start: 2430000 },
  epoch_params: { epoch_length: 15000 },
  is_confirmation_poc_active: false,
}

/** `GET /v2/participants/<addr>`: omitempty dropped weight and stats; status is the int enum. */
export const PARTICIPANT = {
  participant: {
    index: 'gonka1cold',
    address: 'gonka1cold',
    join_time: 1782900000000,
    join_height: 2400100,
    inference_url: 'http://203.0.113.7:8000',
    status: 1,
    validator_key: 'abc=',
  },
}

/** `GET /v1/epochs/current/participants` with this host in the active set. */
export function currentParticipants(
  addresses: readonly { index: string; weight: number }[],
): Record<string, unknown> {
  return {
    active_participants: {
      participants: addresses.map((a) => ({
        ...a,
        models: ['MiniMaxAI/MiniMax-M2.7'],
        inference_url: 'http://x',
      })),
      epoch_group_id: 42,
      epoch_id: 42,
    },
    addresses: addresses.map((a) => a.index),
    excluded_participants: [],
  }
}

/** CometBFT `/status` of a seed. */
export function cometStatus(height: number, catchingUp = false): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id: -1,
    result: {
      sync_info: {
        latest_block_height: String(height),
        latest_block_time: '2026-07-01T10:00:00Z',
        earliest_block_height: String(height - 1000),
        earliest_block_time: '2026-07-01T08:20:00Z',
        catching_up: catchingUp,
      },
    },
  }
}
