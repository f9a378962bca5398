import type { ModelRequirement } from '../../shared/checks'
import type { GpuFacts } from '../../shared/deploy-facts'
import {
  DEFAULT_INFERENCE_PORT,
  DEFAULT_MAX_CONCURRENT,
  DEFAULT_POC_PORT,
  type MlNodeSettings,
} from '../../shared/deployment'
import type { GpuInfo } from '../checks/parsers'

/** Decimal GB per MiB, as step 2 sizes GPU memory ("4×H100 = 320 GB"). */
const GB_PER_MIB = 1_048_576 / 1e9

/** GPU facts (count, total decimal GB, names) from an nvidia-smi query. */
export function gpuFactsFromQuery(gpus: readonly GpuInfo[]): GpuFacts {
  const totalGb = Math.round(gpus.reduce((s, g) => s + g.memoryMiB, 0) * GB_PER_MIB)
  const names = [...new Set(gpus.map((g) => g.name).filter((n) => n !== ''))].join(', ')
  return { count: gpus.length, totalGb, ...(names ? { names } : {}) }
}

/** Why a layout is recommended (or none): i18n key under `config.layout.*` and its values. */
export interface LayoutAdvice {
  readonly fits: boolean
  /** GPUs one vLLM instance needs for the model's memory. */
  readonly gpusPerInstance: number
  readonly tensorParallel: number
  readonly pipelineParallel: number
  /** How many instances the ML node starts on this server (it load-balances between them). */
  readonly instances: number
  readonly perGpuGb: number
  readonly key: 'fits' | 'tooSmall' | 'noGpu' | 'unknownModel'
  readonly params: Record<string, string>
}

const pow2Floor = (n: number): number => 2 ** Math.floor(Math.log2(Math.max(1, n)))
const pow2Ceil = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)))

/**
 * Recommends a tensor/pipeline layout for one model on one server: as many GPUs per instance as the
 * model's memory needs (`v_ram` of the governance list against each GPU's memory), tensor parallel a
 * power of two (vLLM splits attention heads evenly), pipeline parallel only when the power of two
 * would need more GPUs than the server has; then as many instances as fit.
 */
export function recommendLayout(
  gpus: GpuFacts | undefined,
  model: ModelRequirement | undefined,
): LayoutAdvice {
  if (!model)
    return {
      fits: false,
      gpusPerInstance: 0,
      tensorParallel: 1,
      pipelineParallel: 1,
      instances: 0,
      perGpuGb: 0,
      key: 'unknownModel',
      params: {},
    }
  if (!gpus || gpus.count <= 0 || gpus.totalGb <= 0)
    return {
      fits: false,
      gpusPerInstance: 0,
      tensorParallel: 1,
      pipelineParallel: 1,
      instances: 0,
      perGpuGb: 0,
      key: 'noGpu',
      params: { model: model.id },
    }
  const perGpuGb = Math.round((gpus.totalGb / gpus.count) * 10) / 10
  const needed = Math.max(1, Math.ceil(model.vramGb / perGpuGb - 1e-9))
  const params = {
    model: model.id,
    needGb: String(model.vramGb),
    count: String(gpus.count),
    perGpuGb: String(perGpuGb),
    totalGb: String(gpus.totalGb),
  }
  if (needed > gpus.count)
    return {
      fits: false,
      gpusPerInstance: needed,
      tensorParallel: pow2Floor(gpus.count),
      pipelineParallel: 1,
      instances: 0,
      perGpuGb,
      key: 'tooSmall',
      params,
    }
  let tensorParallel = pow2Ceil(needed)
  let pipelineParallel = 1
  if (tensorParallel > gpus.count) {
    // The power of two does not fit: split the rest across pipeline stages (any whole number).
    tensorParallel = pow2Floor(needed)
    while (tensorParallel > 1 && tensorParallel * Math.ceil(needed / tensorParallel) > gpus.count)
      tensorParallel /= 2
    pipelineParallel = Math.ceil(needed / tensorParallel)
  }
  const gpusPerInstance = tensorParallel * pipelineParallel
  const instances = Math.floor(gpus.count / gpusPerInstance)
  return {
    fits: true,
    gpusPerInstance,
    tensorParallel,
    pipelineParallel,
    instances,
    perGpuGb,
    key: 'fits',
    params: {
      ...params,
      tp: String(tensorParallel),
      pp: String(pipelineParallel),
      instances: String(instances),
    },
  }
}

/** Recommended ML node settings of one GPU server, with the layout advice per model. */
export interface MlNodeRecommendation {
  readonly settings: MlNodeSettings
  /** The network's mandatory vLLM args per model id (read-only in the UI; the chain adds them anyway). */
  readonly mandatoryArgs: Record<string, string[]>
  readonly advice: Record<string, LayoutAdvice>
}

/**
 * Recommends the ML node settings of one server for the chosen models: node id, ports 5050/8080,
 * max_concurrent 500, the layout of the largest model, no local args (the network's mandatory ones are
 * shown apart). An existing entry keeps its node id, ports, max_concurrent and local args.
 */
export function recommendMlNode(input: {
  serverId: string
  nodeId: string
  gpus?: GpuFacts
  models: readonly ModelRequirement[]
  existing?: MlNodeSettings
}): MlNodeRecommendation {
  const advice: Record<string, LayoutAdvice> = {}
  const mandatoryArgs: Record<string, string[]> = {}
  for (const m of input.models) {
    advice[m.id] = recommendLayout(input.gpus, m)
    mandatoryArgs[m.id] = [...(m.modelArgs ?? [])]
  }
  const largest = [...input.models].sort((a, b) => b.vramGb - a.vramGb)[0]
  const layout = largest ? advice[largest.id] : undefined
  const old = input.existing
  return {
    settings: {
      serverId: input.serverId,
      nodeId: old?.nodeId ?? input.nodeId,
      models: input.models.map((m) => ({
        id: m.id,
        args: old?.models.find((o) => o.id === m.id)?.args ?? [],
      })),
      maxConcurrent: old?.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
      inferencePort: old?.inferencePort ?? DEFAULT_INFERENCE_PORT,
      pocPort: old?.pocPort ?? DEFAULT_POC_PORT,
      ...(layout?.fits ? { tensorParallel: layout.tensorParallel } : {}),
      ...(layout?.fits && layout.pipelineParallel > 1 ? { pipelineParallel: layout.pipelineParallel } : {}),
    },
    mandatoryArgs,
    advice,
  }
}
