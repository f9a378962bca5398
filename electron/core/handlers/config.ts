import { deployFactsFromChecks, type DeployFacts } from '../../shared/deploy-facts'
import {
  defaultDeploymentSettings,
  validateDeploymentSettings,
  validateKeyringPassword,
} from '../../shared/deployment'
import type { InputOf } from '../../shared/contract'
import type { ConfigProblemView, ConfigVariableView, ServerConfigPreview } from '../../shared/ops/config'
import type { CheckResult, PathResult } from '../../shared/checks'
import type { Profile } from '../../shared/profile'
import { AppFailure } from '../errors'
import type { Handlers } from '../handler-types'
import type { SecretStore } from '../secrets/secret-store'
import type { SessionSecrets } from '../deploy/session-secrets'
import { parseConfigEnv } from '../gonka/config-env'
import { desiredConfigEnv, inferenceNodeConfig, maskSecrets, nodeConfigJson } from '../gonka/desired-config'
import { recommendMlNode } from '../gonka/ml-node-settings'
import { UPSTREAM_TEMPLATE, variableSpec } from '../gonka/variables'
import type { ProfileStore } from '../storage/profile-store'

type ConfigInput = InputOf<'previewConfig'>

/** The facts of the last checks in the input, as {@link DeployFacts}. */
function factsOf(profile: Profile, input: ConfigInput): DeployFacts {
  const results = (input.checks?.results ?? []) as unknown as CheckResult[]
  const paths = (input.checks?.paths ?? []) as PathResult[]
  const facts = deployFactsFromChecks(profile, results, paths, input.models)
  const address = input.networkPrivateAddress?.trim()
  return address ? { ...facts, networkPrivateAddress: address } : facts
}

/** The catalogue view of every variable in a file (the app's own values, upstream ones, the user's). */
function variablesOf(
  text: string,
  secretNames: readonly string[],
  appSet: ReadonlySet<string>,
): ConfigVariableView[] {
  const doc = parseConfigEnv(text)
  const seen = new Map<string, ConfigVariableView>()
  for (const e of doc.entries) {
    if (e.kind !== 'assignment') continue
    const spec = variableSpec(e.name)
    const secret = secretNames.includes(e.name) || spec?.secret === true
    const problem = e.placeholder ? 'placeholderLeft' : secret ? undefined : spec?.validate?.(e.value)
    seen.set(e.name, {
      name: e.name,
      value: secret && e.value !== '' && !e.placeholder ? '********' : e.value,
      owner: appSet.has(e.name) ? 'app' : (spec?.owner ?? 'unknown'),
      ...(spec ? { labelKey: `config.vars.${e.name}.label`, helpKey: `config.vars.${e.name}.help` } : {}),
      ...(problem ? { problemKey: `config.validation.${problem}` } : {}),
      secret,
    })
  }
  return [...seen.values()]
}

/** Handlers of step 4: preview, ML node recommendations, the session's keyring password. */
export function createConfigHandlers(deps: {
  profiles: ProfileStore
  secrets: SessionSecrets
  /** The secret store, where `holdKeyringPassword` with `keep` puts the password (`keyring-password:<id>`). */
  store?: Pick<SecretStore, 'set' | 'delete'>
}): Handlers<'previewConfig' | 'recommendMlNodeSettings' | 'holdKeyringPassword' | 'forgetKeyringPassword'> {
  const profileOf = async (input: ConfigInput): Promise<Profile> =>
    input.profile ?? (await deps.profiles.load(input.profileId ?? ''))
  return {
    async previewConfig(input) {
      const profile = await profileOf(input)
      const facts = factsOf(profile, input)
      const d = profile.deployment ?? defaultDeploymentSettings()
      const gpuIds = profile.servers.filter((s) => s.role !== 'network').map((s) => s.id)
      const settingsProblems: ConfigProblemView[] = Object.entries(
        validateDeploymentSettings(d, gpuIds),
      ).flatMap(([field, key]) =>
        key ? [{ field: `deployment.${field}`, key: `config.validation.${key}` }] : [],
      )
      const password = await deps.secrets.resolve(profile.id)
      let callbackUrl: string | undefined
      const servers: ServerConfigPreview[] = profile.servers.map((server) => {
        const desired = desiredConfigEnv({
          role: server.role,
          template: UPSTREAM_TEMPLATE,
          profile,
          facts,
          serverId: server.id,
          ...(password !== undefined ? { keyringPassword: password } : {}),
        })
        if (server.role !== 'ml' && desired.values.DAPI_API__POC_CALLBACK_URL !== undefined)
          callbackUrl = desired.values.DAPI_API__POC_CALLBACK_URL
        const nodes = d.mlNodes.filter((n) => n.serverId === server.id)
        const nodeConfig =
          server.role === 'combined'
            ? nodeConfigJson(profile, server.id)
            : server.role === 'ml' && nodes.length > 0
              ? `${JSON.stringify(
                  nodes.map((n) => inferenceNodeConfig(profile, n)),
                  null,
                  2,
                )}\n`
              : undefined
        return {
          serverId: server.id,
          serverName: server.name,
          role: server.role,
          maskedText: maskSecrets(desired.text, desired.secretNames),
          derived: desired.derived,
          problems: desired.problems,
          variables: variablesOf(desired.text, desired.secretNames, new Set(Object.keys(desired.values))),
          ...(nodeConfig !== undefined ? { nodeConfig } : {}),
        }
      })
      return {
        settingsProblems,
        servers,
        keyringPasswordHeld: password !== undefined,
        ...(callbackUrl !== undefined ? { callbackUrl } : {}),
      }
    },
    async recommendMlNodeSettings(input) {
      const profile = await profileOf(input)
      const facts = factsOf(profile, input)
      const d = profile.deployment ?? defaultDeploymentSettings()
      const models = (input.models ?? [])
      const gpuServers = profile.servers.filter((s) => s.role !== 'network')
      return {
        servers: gpuServers.map((server, i) => {
          const gpus = facts.gpus?.[server.id]
          const existing = d.mlNodes.find((n) => n.serverId === server.id)
          const rec = recommendMlNode({
            serverId: server.id,
            nodeId: gpuServers.length === 1 ? 'node1' : `node${i + 1}`,
            models,
            ...(gpus ? { gpus } : {}),
            ...(existing ? { existing } : {}),
          })
          return {
            serverId: server.id,
            serverName: server.name,
            settings: rec.settings,
            mandatoryArgs: rec.mandatoryArgs,
            advice: Object.fromEntries(
              Object.entries(rec.advice).map(([id, a]) => [
                id,
                {
                  fits: a.fits,
                  tensorParallel: a.tensorParallel,
                  pipelineParallel: a.pipelineParallel,
                  instances: a.instances,
                  key: `config.layout.${a.key}`,
                  params: a.params,
                },
              ]),
            ),
            ...(gpus ? { gpus } : {}),
          }
        }),
      }
    },
    async holdKeyringPassword({ profileId, password, keep }) {
      const problem = validateKeyringPassword(password)
      if (problem)
        throw new AppFailure('INVALID_INPUT', 'The keyring password is not usable.', {
          fields: { keyringPassword: problem },
          hint: 'Use at least 8 characters, without line breaks.',
        })
      if (keep === true) {
        if (!deps.store) throw new AppFailure('UNSUPPORTED', 'Secrets cannot be kept here.')
        await deps.store.set(`keyring-password:${profileId}`, password)
      }
      deps.secrets.set(profileId, password)
      return { held: true as const, ...(keep === true ? { kept: true } : {}) }
    },
    async forgetKeyringPassword({ profileId }) {
      deps.secrets.forget(profileId)
      // A kept one goes too; a locked store keeps it (it cannot be rewritten without its passphrase).
      await deps.store?.delete(`keyring-password:${profileId}`).catch(() => false)
      return { held: false as const }
    },
  }
}
