import { describe, expect, it } from 'vitest'
import type { AdminNodeItem } from './admin-api'
import { batchUrlOf, countReceived, diagnose, refusalOf } from './rehearsal'

const item = (state: NonNullable<AdminNodeItem['state']>): AdminNodeItem => ({
  node: { id: 'ml1', host: '10.0.0.5', inference_port: 5050, poc_port: 8080, max_concurrent: 500 },
  state,
})
const ok = { status: 200, text: '{"status":"OK"}' }
const base = { generate: ok, mlLines: [], sameMachine: false, topology: 'split' as const }

describe('PoC rehearsal', () => {
  it('is refused on an enabled node, during a PoC and while the node serves an epoch; allowed otherwise', () => {
    expect(refusalOf(item({ admin_state: { enabled: true } }))).toBe('enabled')
    expect(refusalOf(item({}))).toBe('enabled')
    expect(refusalOf(item({ admin_state: { enabled: false }, poc_intended_status: 'GENERATING' }))).toBe(
      'inPoc',
    )
    expect(refusalOf(undefined, 'POW')).toBe('inPoc')
    expect(refusalOf(item({ admin_state: { enabled: false }, epoch_models: { m: {} } }))).toBe('servingEpoch')
    expect(refusalOf(item({ admin_state: { enabled: false } }), 'STOPPED')).toBeUndefined()
    // The api's polled copy lags (our own finished rehearsal): the ML node's fresh state decides.
    expect(
      refusalOf(item({ admin_state: { enabled: false }, poc_current_status: 'GENERATING' }), 'STOPPED'),
    ).toBeUndefined()
    expect(refusalOf(undefined, 'INFERENCE')).toBeUndefined()
  })

  it('builds the batch URL as the broker does, nothing trimmed', () => {
    expect(batchUrlOf('http://10.0.0.2:9100', 'Qwen/Qwen3')).toBe(
      'http://10.0.0.2:9100/v2/poc-batches/Qwen%252FQwen3',
    )
    expect(batchUrlOf('http://10.0.0.2:9100/', 'm')).toBe('http://10.0.0.2:9100//v2/poc-batches/m')
  })

  it('counts received batches of this node only', () => {
    const lines = [
      'x [standin:api] received generated PoC batch (v2) from ML node ml1 for model m: 8 nonces',
      'x [standin:api] received generated PoC batch (v2) from ML node ml2 for model m: 8 nonces',
      'x [standin:api] received generated PoC batch (v2) from ML node #0 for model m: 8 nonces',
      'unrelated',
    ]
    expect(countReceived(lines, 'ml1').count).toBe(2)
    expect(countReceived([], 'ml1')).toEqual({ count: 0 })
  })

  it('names the cause: wrong URL, unreachable, rejected, GPU, refused generation', () => {
    const failed =
      'ERROR failed to send generated batch to http://api:9100/v2/poc-batches/m/generated: ENOTFOUND'
    expect(
      diagnose({ ...base, mlLines: [failed], callbackUrl: 'http://api:9100', callbackReachable: undefined })
        .cause,
    ).toBe('callbackWrongUrl')
    const unreachable = diagnose({
      ...base,
      mlLines: ['ERROR failed to send generated batch to http://10.0.0.2:9100/x: connect ECONNREFUSED'],
      callbackUrl: 'http://10.0.0.2:9100',
      callbackReachable: false,
    })
    expect(unreachable.cause).toBe('callbackUnreachable')
    expect(unreachable.evidence).toContain('ECONNREFUSED')
    expect(
      diagnose({
        ...base,
        mlLines: ['ERROR failed to send generated batch to http://10.0.0.2:9100//v2/x (attempt 1): HTTP 404'],
        callbackUrl: 'http://10.0.0.2:9100/',
        callbackReachable: true,
      }).cause,
    ).toBe('callbackRejected')
    expect(
      diagnose({
        ...base,
        generate: { status: 500, text: '{"detail":"CUDA is not available"}' },
        callbackUrl: 'http://10.0.0.2:9100',
        callbackReachable: true,
      }).cause,
    ).toBe('gpuError')
    expect(
      diagnose({
        ...base,
        generate: { status: 422, text: '{"detail":"bad"}' },
        callbackUrl: 'http://10.0.0.2:9100',
        callbackReachable: true,
      }).cause,
    ).toBe('generateFailed')
    expect(
      diagnose({
        ...base,
        mlLines: ['torch.OutOfMemoryError: CUDA out of memory'],
        callbackUrl: 'http://10.0.0.2:9100',
        callbackReachable: true,
      }).cause,
    ).toBe('gpuError')
    expect(diagnose({ ...base, callbackUrl: 'http://10.0.0.2:9100', callbackReachable: true }).cause).toBe(
      'noBatches',
    )
    // One machine: http://api:9100 is right there, so it is not the cause.
    expect(
      diagnose({ ...base, sameMachine: true, callbackUrl: 'http://api:9100', callbackReachable: undefined })
        .cause,
    ).toBe('noBatches')
  })
})
