import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGpuQuery } from '../checks/parsers'
import { GPU_QUERY_FIELDS } from '../checks/rules'
import { gpuFactsFromQuery, recommendLayout, recommendMlNode } from './ml-node-settings'

const CAPTURE = readFileSync(join(__dirname, 'fixtures/h100-query-gpu.csv'), 'utf8')
const ONE = parseGpuQuery(CAPTURE, GPU_QUERY_FIELDS)
const many = (n: number) => Array.from({ length: n }, (_, i) => ({ ...ONE[0]!, index: i }))

const MINIMAX = {
  id: 'MiniMaxAI/MiniMax-M2.7',
  vramGb: 320,
  weightsGb: 230,
  modelArgs: ['--max-model-len', '180000'],
}
const QWEN32 = { id: 'Qwen/Qwen3-32B-FP8', vramGb: 80 }
const KIMI = { id: 'moonshotai/Kimi-K2.6', vramGb: 720 }

describe('ML node layout from the H100 capture', () => {
  it('reads one H100 80GB as 86 GB (decimal, as step 2 does)', () => {
    expect(gpuFactsFromQuery(ONE)).toEqual({ count: 1, totalGb: 86, names: 'NVIDIA H100 80GB HBM3' })
  })

  it('1×H100: Qwen3-32B fits on one GPU; MiniMax M2.7 (320 GB) does not', () => {
    const one = gpuFactsFromQuery(ONE)
    expect(recommendLayout(one, QWEN32)).toMatchObject({
      fits: true,
      tensorParallel: 1,
      pipelineParallel: 1,
      instances: 1,
    })
    expect(recommendLayout(one, MINIMAX)).toMatchObject({ fits: false, key: 'tooSmall', gpusPerInstance: 4 })
  })

  it('4×H100: MiniMax at tensor parallel 4 (the docs’ 4×H100 layout), one instance', () => {
    expect(recommendLayout(gpuFactsFromQuery(many(4)), MINIMAX)).toMatchObject({
      fits: true,
      tensorParallel: 4,
      instances: 1,
    })
  })

  it('8×H100: MiniMax TP4 twice; Kimi K2.6 (720 GB) needs 9 GPUs and does not fit', () => {
    const eight = gpuFactsFromQuery(many(8))
    expect(recommendLayout(eight, MINIMAX)).toMatchObject({ fits: true, tensorParallel: 4, instances: 2 })
    expect(recommendLayout(eight, KIMI)).toMatchObject({ fits: false, gpusPerInstance: 9 })
  })

  it('6×H100: a need of 4 stays TP4; 3 GPUs needed on a 3-GPU server becomes pipeline parallel 3', () => {
    expect(recommendLayout({ count: 6, totalGb: 516 }, MINIMAX)).toMatchObject({
      tensorParallel: 4,
      instances: 1,
    })
    expect(recommendLayout({ count: 3, totalGb: 258 }, { id: 'x', vramGb: 200 })).toMatchObject({
      fits: true,
      tensorParallel: 1,
      pipelineParallel: 3,
      instances: 1,
    })
  })

  it('no GPU found: no layout, says so', () => {
    expect(recommendLayout(undefined, MINIMAX)).toMatchObject({ fits: false, key: 'noGpu' })
  })

  it('recommends ports 5050/8080, max_concurrent 500, the mandatory args apart, and keeps an existing entry’s own values', () => {
    const rec = recommendMlNode({
      serverId: 'ml1',
      nodeId: 'ml1',
      gpus: gpuFactsFromQuery(many(4)),
      models: [MINIMAX],
    })
    expect(rec.settings).toEqual({
      serverId: 'ml1',
      nodeId: 'ml1',
      models: [{ id: MINIMAX.id, args: [] }],
      maxConcurrent: 500,
      inferencePort: 5050,
      pocPort: 8080,
      tensorParallel: 4,
    })
    expect(rec.mandatoryArgs[MINIMAX.id]).toEqual(['--max-model-len', '180000'])
    const kept = recommendMlNode({
      serverId: 'ml1',
      nodeId: 'other',
      gpus: gpuFactsFromQuery(many(4)),
      models: [MINIMAX],
      existing: {
        ...rec.settings,
        nodeId: 'mine',
        maxConcurrent: 800,
        models: [{ id: MINIMAX.id, args: ['--max-num-seqs', '64'] }],
      },
    })
    expect(kept.settings).toMatchObject({
      nodeId: 'mine',
      maxConcurrent: 800,
      models: [{ id: MINIMAX.id, args: ['--max-num-seqs', '64'] }],
    })
  })
})
