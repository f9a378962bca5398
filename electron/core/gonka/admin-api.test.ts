import { Duplex } from 'node:stream'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { adminNodeItem, setupReport } from '../../test-support/gonka-fixtures'
import { startJsonStub, type JsonStub } from '../../test-support/json-stub'
import { AdminApiClient, AdminApiError, fieldsOfAdminError, tunnelAgent } from './admin-api'

let stub: JsonStub | undefined
afterEach(async () => {
  await stub?.close()
  stub = undefined
})

const NODE = {
  id: 'ml1',
  host: '10.0.0.5',
  inference_port: 5050,
  poc_port: 8080,
  max_concurrent: 500,
  models: { 'MiniMaxAI/MiniMax-M2.7': { args: ['--tensor-parallel-size', '4'] } },
}

describe('AdminApiClient', () => {
  it('lists nodes in upstream shape (hardware null, string statuses) and an empty list from null', async () => {
    stub = await startJsonStub({
      'GET /admin/v1/nodes': { status: 200, body: [adminNodeItem('ml1', '10.0.0.5', { enabled: false })] },
    })
    const client = new AdminApiClient({ baseUrl: stub.url })
    const [item] = await client.listNodes()
    expect(item?.node.id).toBe('ml1')
    expect(item?.node.hardware).toBeNull()
    expect(item?.state?.admin_state?.enabled).toBe(false)
    expect(item?.state?.current_status).toBe('INFERENCE')
    stub.set('GET /admin/v1/nodes', { status: 200, body: null })
    expect(await client.listNodes()).toEqual([])
  })

  it('upserts with the body upstream expects and reads the stored config without node_num', async () => {
    stub = await startJsonStub({
      'POST /admin/v1/nodes': (body) => ({ status: 200, body: { ...(body as object), hardware: null } }),
    })
    const stored = await new AdminApiClient({ baseUrl: stub.url }).upsertNode(NODE)
    expect(stored.host).toBe('10.0.0.5')
    expect(stub.requests[0]?.body).toEqual(NODE)
  })

  it('maps a 400 validation text to the fields it names', async () => {
    stub = await startJsonStub({
      'POST /admin/v1/nodes': {
        status: 400,
        body: {
          error:
            'failed to create node: validation failed: inference_port must be between 1 and 65535, got 70000; max_concurrent must be greater than 0, got 0',
        },
      },
    })
    const error = await new AdminApiClient({ baseUrl: stub.url })
      .upsertNode({ ...NODE, inference_port: 70000, max_concurrent: 0 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AdminApiError)
    const e = error as AdminApiError
    expect(e.code).toBe('INVALID_INPUT')
    expect(e.fields).toEqual({ inferencePort: 'portRange', maxConcurrent: 'maxConcurrentPositive' })
    expect(e.message).toContain('inference_port must be between 1 and 65535')
  })

  it('maps duplicate endpoints and governance refusals to their fields', () => {
    expect(
      fieldsOfAdminError(
        "failed to create node: validation failed: duplicate PoC host+port combination: 10.0.0.5:8080 (already used by node 'ml1')",
      ),
    ).toEqual({ pocPort: 'duplicateEndpoint' })
    expect(fieldsOfAdminError('failed to create node: node ml3 has no governance-valid models')).toEqual({
      models: 'modelNotGovernance',
    })
    expect(fieldsOfAdminError('failed to update node: model X is not a valid governance model')).toEqual({
      models: 'modelNotGovernance',
    })
    expect(fieldsOfAdminError('error creating new node')).toEqual({})
  })

  it('reads the batch answers: 201 all, 206 partial, 400 all failed with each error', async () => {
    stub = await startJsonStub({ 'POST /admin/v1/nodes/batch': { status: 201, body: [NODE] } })
    const client = new AdminApiClient({ baseUrl: stub.url })
    expect((await client.batchNodes([NODE])).nodes).toHaveLength(1)
    stub.set('POST /admin/v1/nodes/batch', {
      status: 206,
      body: { nodes: [NODE], errors: ['node[1] (id: ml2): host is required and cannot be empty'] },
    })
    expect((await client.batchNodes([NODE, { ...NODE, id: 'ml2', host: '' }])).errors).toHaveLength(1)
    stub.set('POST /admin/v1/nodes/batch', {
      status: 400,
      body: {
        error: { error: 'all nodes failed validation', errors: ['node[0] (id: ml2): host is required'] },
      },
    })
    const error = (await client.batchNodes([NODE]).catch((e: unknown) => e)) as AdminApiError
    expect(error.apiErrors).toEqual(['node[0] (id: ml2): host is required'])
    expect(error.fields).toEqual({ host: 'hostRequired' })
  })

  it('says NOT_FOUND for enable of an unknown id and reads DELETE false as unknown', async () => {
    stub = await startJsonStub({
      'POST /admin/v1/nodes/ghost/enable': { status: 404, body: { error: 'node not found: ghost' } },
      'POST /admin/v1/nodes/ml1/disable': {
        status: 200,
        body: { message: 'node disabled successfully', node_id: 'ml1' },
      },
      'DELETE /admin/v1/nodes/ghost': { status: 200, body: false },
      'DELETE /admin/v1/nodes/ml1': { status: 200, body: true },
    })
    const client = new AdminApiClient({ baseUrl: stub.url })
    const error = (await client.enableNode('ghost').catch((e: unknown) => e)) as AdminApiError
    expect(error.code).toBe('NOT_FOUND')
    expect(error.message).toContain('node not found: ghost')
    await client.disableNode('ml1')
    expect(await client.deleteNode('ghost')).toBe(false)
    expect(await client.deleteNode('ml1')).toBe(true)
  })

  it('reads the setup report and refuses an answer of another shape', async () => {
    stub = await startJsonStub({ 'GET /admin/v1/setup/report': { status: 200, body: setupReport() } })
    const client = new AdminApiClient({ baseUrl: stub.url })
    const report = await client.setupReport()
    expect(report.overall_status).toBe('FAIL')
    expect(report.checks.map((c) => c.id)).toContain('mlnode_ml1')
    stub.set('GET /admin/v1/setup/report', { status: 200, body: { hello: 1 } })
    await expect(client.setupReport()).rejects.toMatchObject({ code: 'REMOTE_COMMAND_FAILED' })
  })

  it('goes through the stream an agent opens (the tunnel seam), one stream per request', async () => {
    stub = await startJsonStub({ 'GET /admin/v1/nodes': { status: 200, body: [] } })
    const port = stub.port
    let opened = 0
    const agent = tunnelAgent(async () => {
      opened += 1
      // A plain duplex in front of the socket: the http client must not need socket-only methods.
      const socket = connect(port, '127.0.0.1')
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      const stream = new Duplex({
        write(chunk: Buffer, _enc, cb) {
          socket.write(chunk, cb)
        },
        final(cb) {
          socket.end()
          cb()
        },
        read() {
          socket.resume()
        },
      })
      socket.on('data', (chunk: Buffer) => {
        if (!stream.push(chunk)) socket.pause()
      })
      socket.on('end', () => stream.push(null))
      return stream
    })
    // Base URL on a closed port: only the agent's stream can carry the request.
    const client = new AdminApiClient({ baseUrl: 'http://127.0.0.1:9', agent })
    expect(await client.listNodes()).toEqual([])
    expect(await client.listNodes()).toEqual([])
    expect(opened).toBe(2)
  })

  it('says UNREACHABLE when nothing answers and the tunnel fails to open', async () => {
    const agent = tunnelAgent(() => Promise.reject(new Error('Connection refused')))
    const client = new AdminApiClient({ baseUrl: 'http://127.0.0.1:9200', agent })
    await expect(client.listNodes()).rejects.toMatchObject({ code: 'UNREACHABLE' })
  })
})
