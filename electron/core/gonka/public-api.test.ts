import { afterEach, describe, expect, it } from 'vitest'
import { closedPortUrl } from '../../test-support/seed-stub'
import {
  cometStatus,
  currentParticipants,
  EPOCH_LATEST,
  PARTICIPANT,
} from '../../test-support/gonka-fixtures'
import { startJsonStub, type JsonStub } from '../../test-support/json-stub'
import { participantStatusName, PublicApiClient } from './public-api'

let stub: JsonStub | undefined
afterEach(async () => {
  await stub?.close()
  stub = undefined
})

describe('PublicApiClient', () => {
  it('reads a participant whose zero fields were omitted and whose status is an int', async () => {
    stub = await startJsonStub({ 'GET /v2/participants/gonka1cold': { status: 200, body: PARTICIPANT } })
    const p = await new PublicApiClient(stub.url).participant('gonka1cold')
    expect(p?.inference_url).toBe('http://203.0.113.7:8000')
    expect(p?.weight).toBeUndefined()
    expect(participantStatusName(p?.status)).toBe('ACTIVE')
    expect(participantStatusName(undefined)).toBe('UNSPECIFIED')
    expect(participantStatusName('ACTIVE')).toBe('ACTIVE')
    expect(participantStatusName(5)).toBe('UNCONFIRMED')
  })

  it('answers undefined for an unknown participant (404 {"error":"not found"})', async () => {
    stub = await startJsonStub({
      'GET /v2/participants/gonka1x': { status: 404, body: { error: 'not found' } },
    })
    expect(await new PublicApiClient(stub.url).participant('gonka1x')).toBeUndefined()
  })

  it('reads the latest epoch, the active set (404 = empty) and the seed height', async () => {
    stub = await startJsonStub({
      'GET /v1/epochs/latest': { status: 200, body: EPOCH_LATEST },
      'GET /v1/epochs/current/participants': {
        status: 200,
        body: currentParticipants([{ index: 'gonka1cold', weight: 1234 }]),
      },
      'GET /chain-rpc/status': { status: 200, body: cometStatus(2401240) },
    })
    const client = new PublicApiClient(`${stub.url}/`)
    const epoch = await client.epochLatest()
    expect(epoch.latest_epoch?.index).toBe(42)
    expect(epoch.next_epoch_stages?.poc_start).toBe(2415000)
    const set = await client.currentParticipants()
    expect(set?.active_participants?.participants?.[0]?.weight).toBe(1234)
    const height = await client.chainHeight()
    expect(height.height).toBe(2401240)
    expect(height.catchingUp).toBe(false)
    expect(height.secondsPerBlock).toBeCloseTo(6, 5)
    stub.set('GET /v1/epochs/current/participants', {
      status: 404,
      body: { error: 'Looks like PoC failed!' },
    })
    expect(await client.currentParticipants()).toBeUndefined()
  })

  it('says UNREACHABLE for a closed port and CHECK_FAILED for a 400', async () => {
    await expect(new PublicApiClient(await closedPortUrl()).epochLatest()).rejects.toMatchObject({
      code: 'UNREACHABLE',
    })
    stub = await startJsonStub({ 'GET /v1/epochs/latest': { status: 400, body: { error: 'bad epoch' } } })
    await expect(new PublicApiClient(stub.url).epochLatest()).rejects.toMatchObject({
      code: 'CHECK_FAILED',
      message: expect.stringContaining('bad epoch') as unknown,
    })
  })
})
