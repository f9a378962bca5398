// The README inside a config bundle: the commands that reproduce the deployment by hand, server by server.
import { DEFAULT_DEPLOY_DIR, DEFAULT_REPO_REF, DEFAULT_REPO_URL } from '../../shared/deployment'
import type { Profile } from '../../shared/profile'
import { inferenceNodeConfig } from '../gonka/desired-config'
import { quoteArg } from '../ssh/quote'

/** The README text for `profile`. */
export function manualReadme(profile: Profile, hasSecrets: boolean): string {
  const d = profile.deployment
  const repo = d?.repoUrl ?? DEFAULT_REPO_URL
  const ref = d?.repoRef ?? DEFAULT_REPO_REF
  const dir = d?.dir ?? DEFAULT_DEPLOY_DIR
  const q = (s: string): string => (s.startsWith('~/') ? `~/${quoteArg(s.slice(2))}` : quoteArg(s))
  const lines: string[] = [
    `# Config bundle: ${profile.name}`,
    '',
    'Exported by Gonka Host Wizard. `manifest.json` lists the SHA-256 of every file; the app refuses',
    'a bundle whose files do not match it.',
    '',
    '## Contents',
    '',
    '- `profile.json`, `topology.json`: the servers and settings (no passwords or keys).',
    '- `servers/<id>/config.env`: each server\'s config.env with secret values emptied (fill them in again).',
    '- `servers/<id>/node-config.json`: the network node\'s node-config, when it was found.',
    '- `ml-nodes.json`: the ML node registrations; `pinned-host-keys.json`: the trusted SSH host keys.',
    '- `checks/results.json`, `checks/report.html`: the last check results.',
    hasSecrets
      ? '- `secrets.tar.age`: the key backups and the keyring password, encrypted with your passphrase.'
      : '- No secrets are in this bundle.',
    '',
  ]
  if (hasSecrets)
    lines.push(
      '## Decrypting the secrets',
      '',
      '```sh',
      'age -d -o secrets.tar secrets.tar.age   # asks for the passphrase',
      'mkdir secrets && tar -C secrets -xf secrets.tar',
      '```',
      '',
      'Keep the decrypted files private (mode 0600) and delete them when done.',
      '',
    )
  lines.push('## Reproducing the deployment by hand', '')
  for (const server of profile.servers) {
    const ssh = `ssh ${server.port === 22 ? '' : `-p ${server.port} `}${quoteArg(`${server.user}@${server.address}`)}`
    const compose =
      server.role === 'ml'
        ? 'docker compose -f docker-compose.mlnode.yml up -d'
        : server.role === 'network'
          ? 'docker compose -f docker-compose.yml up -d'
          : 'docker compose -f docker-compose.yml -f docker-compose.mlnode.yml up -d'
    lines.push(
      `### ${server.name || server.id} (${server.role})`,
      '',
      '```sh',
      ssh,
      `git clone ${quoteArg(repo)} ${q(dir)} && cd ${q(dir)} && git checkout ${quoteArg(ref)}`,
      'cd deploy/join',
      `# copy servers/${server.id}/config.env here, fill in the emptied secrets, chmod 600 config.env`,
      ...(server.role !== 'ml' && hasSecrets
        ? [
            `# restore the keys: copy secrets/${server.id}/.inference/keyring-file, .inference/config/node_key.json`,
            `# and .tmkms/secrets from the decrypted archive into this folder (sudo, keep their modes)`,
          ]
        : []),
      'set -a && . ./config.env && set +a',
      compose,
      '```',
      '',
    )
  }
  const nodes = d?.mlNodes ?? []
  if (nodes.length > 0) {
    lines.push(
      '### ML node registrations (on the network server)',
      '',
      'Register each entry of `ml-nodes.json` with the admin API on the network server:',
      '',
      '```sh',
      ...nodes.map(
        (n) =>
          `curl -sf -X POST http://127.0.0.1:9200/admin/v1/nodes -H 'Content-Type: application/json' -d ${quoteArg(
            JSON.stringify(inferenceNodeConfig(profile, n)),
          )}`,
      ),
      '```',
      '',
    )
  }
  return lines.join('\n')
}
