import type { ModelRequirement } from '../../shared/checks'

/**
 * When this offline list was last checked against the Gonka docs. Used only when the seed's
 * `GET /v1/governance/models` cannot be read; the network's list always wins.
 */
export const FALLBACK_MODELS_AS_OF = '2026-08-14'

/**
 * Per-ML-node needs of the models active on the network as of {@link FALLBACK_MODELS_AS_OF}
 * (hardware tables of the host quickstart; weights size where the docs state it).
 */
export const FALLBACK_MODELS: readonly ModelRequirement[] = [
  { id: 'MiniMaxAI/MiniMax-M2.7', vramGb: 320, weightsGb: 230 },
  { id: 'deepseek-ai/DeepSeek-V4-Flash-0731', vramGb: 280 },
  { id: 'moonshotai/Kimi-K2.6', vramGb: 720 },
  { id: 'Qwen/Qwen3-32B-FP8', vramGb: 80 },
]

/**
 * Resolves the chosen model ids to requirements: from the caller's list (the network's), else from the
 * offline list. Unknown ids are returned so the UI can say which were not found.
 */
export function resolveModels(
  ids: readonly string[],
  given: readonly ModelRequirement[] | undefined,
): { models: ModelRequirement[]; unknown: string[]; source: 'input' | 'offline' | 'none' } {
  if (ids.length === 0 && given && given.length > 0 && given.length <= 1) {
    return { models: [...given], unknown: [], source: 'input' }
  }
  if (ids.length === 0) return { models: [], unknown: [], source: 'none' }
  const list = given && given.length > 0 ? given : FALLBACK_MODELS
  const models: ModelRequirement[] = []
  const unknown: string[] = []
  for (const id of ids) {
    const found = list.find((m) => m.id.toLowerCase() === id.toLowerCase())
    if (found) models.push(found)
    else unknown.push(id)
  }
  return { models, unknown, source: given && given.length > 0 ? 'input' : 'offline' }
}
