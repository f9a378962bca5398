import { describe, expect, it } from 'vitest'
import {
  adminNodeItem,
  cometStatus,
  currentParticipants,
  EPOCH_LATEST,
  PARTICIPANT,
  setupReport,
} from '../../test-support/gonka-fixtures'
import { adminNodeItemSchema, setupReportSchema } from './admin-api'
import { addressFromReport, buildHostStatus, parseNvidiaSmi, statusChanges } from './host-status'
import {
  chainHeightOf,
  chainStatusSchema,
  epochLatestSchema,
  epochParticipantsSchema,
  participantSchema,
} from './public-api'

const now = new Date('2026-07-01T10:00:00Z')
const report = setupReportSchema.parse(setupReport())

function status(active: boolean, mlnode = 'PASS', overall = 'FAIL') {
  return buildHostStatus({
    networkServerId: 'net',
    now,
    report: setupReportSchema.parse(setupReport({ mlnodeStatus: mlnode, overall })),
    nodes: [adminNodeItemSchema.parse(adminNodeItem('ml1', '10.0.0.5'))],
    seedHeight: chainHeightOf(chainStatusSchema.parse(cometStatus(2401240))),
    address: 'gonka1cold',
    participant: participantSchema.parse(PARTICIPANT.participant),
    epoch: epochLatestSchema.parse(EPOCH_LATEST),
    active: epochParticipantsSchema.parse(
      currentParticipants(
        active ? [{ index: 'gonka1cold', weight: 1234 }] : [{ index: 'gonka1other', weight: 9 }],
      ),
    ),
    problems: [],
  })
}

describe('buildHostStatus', () => {
  it('answers the status page from upstream-shaped parts', () => {
    const s = status(false)
    expect(addressFromReport(report)).toBe('gonka1cold')
    expect(s.passed).toBe(false)
    expect(s.report?.overall).toBe('FAIL')
    expect(s.report?.checks.find((c) => c.id === 'mlnode_ml1')).toMatchObject({
      known: 'mlnode',
      nodeId: 'ml1',
    })
    expect(s.sync).toEqual({
      localHeight: 2401234,
      seedHeight: 2401240,
      behind: 6,
      catchingUp: false,
      secondsSinceBlock: 5,
    })
    expect(s.participant).toMatchObject({
      found: true,
      status: 'ACTIVE',
      inferenceUrl: 'http://203.0.113.7:8000',
    })
    expect(s.epoch).toMatchObject({ index: 42, phase: 'Inference', nextPocBlock: 2415000 })
    // 13 760 blocks at the seed's 6 s per block
    expect(s.epoch?.nextPocAt).toBe(new Date(now.getTime() + 13_760 * 6_000).toISOString())
    expect(s.activeSet).toEqual({ active: false, epochId: 42 })
    expect(s.nodes[0]).toMatchObject({ id: 'ml1', healthy: true, enabled: true })
    expect(s.nodes[0]?.gpus[0]).toEqual({
      name: 'NVIDIA H100 80GB HBM3',
      usedGb: 70,
      totalGb: 79.6,
      utilizationPercent: 87,
      available: true,
    })
    expect(status(true).activeSet).toEqual({ active: true, weight: 1234, epochId: 42 })
    expect(status(true, 'PASS', 'PASS').passed).toBe(true)
  })

  it('notices a node failing and the host becoming active', () => {
    expect(statusChanges(undefined, status(false))).toEqual([])
    expect(statusChanges(status(false), status(false, 'FAIL'))).toEqual([
      { kind: 'node-failed', nodeId: 'ml1' },
    ])
    expect(statusChanges(status(false), status(true))).toEqual([{ kind: 'host-active' }])
    expect(statusChanges(status(false), status(false))).toEqual([])
  })
})

describe('GPUs from nvidia-smi', () => {
  it('reads name, memory (MiB → GB) and utilisation; skips lines it cannot read', () => {
    expect(
      parseNvidiaSmi('NVIDIA H100 80GB HBM3, 1024, 81559, 37\nNVIDIA H100 80GB HBM3, [N/A], 81559, 0\n\n'),
    ).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', usedGb: 1, totalGb: 79.6, utilizationPercent: 37 },
      { name: 'NVIDIA H100 80GB HBM3', totalGb: 79.6, utilizationPercent: 0 },
    ])
    expect(parseNvidiaSmi('')).toEqual([])
  })
})
