import { describe, expect, it } from 'vitest'
import { recognizeFailures, type ContainerObservation } from './failure-patterns'

const ids = (o: ContainerObservation): string[] => recognizeFailures(o).map((m) => m.id)

describe('failure recognisers', () => {
  it('CUDA out of memory in the ML node', () => {
    const lines = [
      'INFO 08-14 10:12:01 [gpu_model_runner.py:1891] Model loading took 58.2 GiB and 41.3 seconds',
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.19 GiB of which 1.06 GiB is free.',
    ]
    const [m] = recognizeFailures({ service: 'mlnode-308', state: 'running', lines })
    expect(m).toMatchObject({
      id: 'cuda-oom',
      causeKey: 'config.failure.cuda-oom.cause',
      fixKey: 'config.failure.cuda-oom.fix',
    })
    expect(m?.evidence).toContain('CUDA out of memory')
    expect(
      ids({
        service: 'mlnode-308',
        lines: [
          'ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.',
        ],
      }),
    ).toEqual(['cuda-oom'])
  })

  it('callback http://api:9100 in a split deployment vs. an unreachable private address', () => {
    const internal =
      '2026-08-14 10:20:03 ERROR failed to send generated batch to http://api:9100/v2/poc-batches/MiniMaxAI%252FMiniMax-M2.7/generated (attempt 3): getaddrinfo ENOTFOUND api'
    expect(ids({ service: 'mlnode-308', lines: [internal], topology: 'split' })).toEqual([
      'callback-docker-internal',
    ])
    expect(ids({ service: 'mlnode-308', lines: [internal], topology: 'single' })).toEqual([])
    const unreachable =
      'ERROR failed to send generated batch to http://10.1.0.2:9100/v2/poc-batches/x/generated (attempt 1): connect ECONNREFUSED 10.1.0.2:9100'
    const [m] = recognizeFailures({ service: 'mlnode-308', lines: [unreachable], topology: 'split' })
    expect(m).toMatchObject({
      id: 'callback-unreachable',
      params: { url: 'http://10.1.0.2:9100/v2/poc-batches/x/generated' },
    })
    expect(
      ids({
        service: 'mlnode-308',
        lines: ['sent generated batch to http://10.1.0.2:9100/v2/poc-batches/x/generated: HTTP 200'],
      }),
    ).toEqual([])
  })

  it('port already allocated, with the port', () => {
    const line =
      'Error response from daemon: driver failed programming external connectivity on endpoint proxy (3f2a…): Bind for 0.0.0.0:8000 failed: port is already allocated'
    expect(recognizeFailures({ service: 'proxy', state: 'created', lines: [line] })[0]).toMatchObject({
      id: 'port-allocated',
      params: { port: '8000' },
    })
    expect(
      recognizeFailures({
        service: 'inference',
        lines: ['Error starting userland proxy: listen tcp4 0.0.0.0:5050: bind: address already in use'],
      })[0],
    ).toMatchObject({ params: { port: '5050' } })
  })

  it('image pull denied and image not found', () => {
    expect(
      recognizeFailures({
        service: 'api',
        lines: [
          "Error response from daemon: pull access denied for ghcr.io/product-science/api, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
        ],
      }).map((m) => [m.id, m.params.image]),
    ).toEqual([['image-pull-denied', 'ghcr.io/product-science/api']])
    expect(
      recognizeFailures({
        service: 'mlnode-308',
        lines: [
          'Error response from daemon: manifest for ghcr.io/gonka-ai/mlnode:3.0.99 not found: manifest unknown: manifest unknown',
        ],
      })[0],
    ).toMatchObject({ id: 'image-not-found', params: { image: 'ghcr.io/gonka-ai/mlnode:3.0.99' } })
  })

  it('disk full', () => {
    expect(
      ids({
        service: 'node',
        lines: [
          'failed to register layer: write /usr/lib/x86_64-linux-gnu/libcublasLt.so.12: no space left on device',
        ],
      }),
    ).toEqual(['disk-full'])
  })

  it('wrong keyring password (the file keyring refuses the passphrase)', () => {
    expect(
      ids({
        service: 'api',
        state: 'restarting',
        lines: ['Error: aes.KeyUnwrap(): integrity check failed.'],
      }),
    ).toEqual(['keyring-password'])
    expect(
      ids({ service: 'mlnode-308', lines: ['Error: aes.KeyUnwrap(): integrity check failed.'] }),
    ).toEqual([])
  })

  it('KEY_NAME or ACCOUNT_PUBKEY empty: the api exits', () => {
    expect(
      ids({ service: 'api', state: 'exited', exitCode: 1, lines: ['Error: KEY_NAME is required.'] }),
    ).toEqual(['env-key-name-empty'])
    expect(
      ids({
        service: 'api',
        state: 'exited',
        exitCode: 1,
        lines: [
          'WARNING: ACCOUNT_PUBKEY not provided, attempting to extract from existing key: warm',
          "Error: Key 'warm' not found and ACCOUNT_PUBKEY not provided",
          'Error: ACCOUNT_PUBKEY is required.',
        ],
      }),
    ).toEqual(['env-account-pubkey-empty'])
  })

  it('state-sync snapshot crash loop of the node (upstream #632), only when it loops', () => {
    const lines = [
      'INF Applied snapshot chunk to ABCI app chunk=12 format=3 height=1254000 module=statesync total=40',
      'ERR failed to restore snapshot err="no validator signing info found" module=statesync',
      'panic: no validator signing info found',
    ]
    expect(ids({ service: 'node', state: 'restarting', restartCount: 7, lines })).toEqual([
      'state-sync-crash-loop',
    ])
    expect(ids({ service: 'node', state: 'running', restartCount: 0, lines })).toEqual([])
  })

  it('a healthy log shows nothing', () => {
    expect(
      ids({
        service: 'api',
        state: 'running',
        lines: ['INF Starting API server port=9000', 'INF Node config already merged. Skipping'],
      }),
    ).toEqual([])
  })
})
