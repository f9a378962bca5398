// `export ansible`: an inventory and a playbook that reproduce a deployment with Ansible's own modules
// (as shipped by Debian 12's `ansible`: ansible.builtin.git, copy, file, shell, uri), for hosts who
// manage many machines. config.env (it holds the keyring password) is only in a vault-encrypted vars
// file; the playbook starts the containers in the wizard's order (tmkms and node first, then the rest,
// then the ML nodes) and registers the ML nodes with the network node's admin API, which listens on
// the network server's loopback: the `uri` task runs there, so the call goes through SSH.
import { stringify } from 'yaml'
import { defaultDeploymentSettings } from '../../shared/deployment'
import type { Profile, Server } from '../../shared/profile'
import { expectedNodes } from '../gonka/nodes-view'
import { nodeInputOf } from '../gonka/node-actions'
import type { PinnedKey } from '../ssh/pin-store'
import { FIRST_SERVICES, ML_COMPOSE, NETWORK_COMPOSE } from '../deploy/gonka-actions'
import { vaultEncrypt } from './ansible-vault'

/** One server's files as read from it. */
export interface AnsibleServerFiles {
  readonly serverId: string
  readonly configEnv?: string
  readonly nodeConfig?: string
}

/** What the Ansible export is made from. */
export interface AnsibleExportInput {
  readonly profile: Profile
  readonly pins: Record<string, PinnedKey[]>
  readonly servers: readonly AnsibleServerFiles[]
  readonly vaultPassword: string
  readonly appVersion: string
}

/** Inventory host names: the server ids (already `[a-z0-9-]`). */
const hostName = (s: Server): string => s.id

const groupOf = (s: Server): 'network' | 'ml' | 'combined' => s.role

function inventory(profile: Profile): string {
  const lines: string[] = [`# Gonka deployment "${profile.name.replace(/\n/g, ' ')}" (written by Gonka Host Wizard)`]
  for (const group of ['network', 'combined', 'ml'] as const) {
    const members = profile.servers.filter((s) => groupOf(s) === group)
    lines.push('', `[${group}]`)
    for (const s of members) {
      const vars = [
        `ansible_host=${s.address}`,
        `ansible_port=${s.port}`,
        `ansible_user=${s.user}`,
        ...(s.auth === 'key' && s.keyPath ? [`ansible_ssh_private_key_file=${JSON.stringify(s.keyPath)}`] : []),
      ]
      const jump = s.jumpHostId ? profile.servers.find((j) => j.id === s.jumpHostId) : undefined
      if (jump)
        vars.push(
          `ansible_ssh_common_args="{{ gonka_ssh_args }} -o ProxyJump=${jump.user}@${jump.address}:${jump.port}"`,
        )
      lines.push(`${hostName(s)} ${vars.join(' ')}`)
    }
  }
  lines.push('', '[gonka:children]', 'network', 'combined', 'ml', '')
  return lines.join('\n')
}

function knownHosts(pins: Record<string, PinnedKey[]>): string {
  return Object.entries(pins)
    .flatMap(([name, keys]) => keys.map((k) => `${name} ${k.keyType} ${k.publicKey}`))
    .join('\n')
    .concat('\n')
}

const PLAYBOOK = `# Reproduces the Gonka deployment written by Gonka Host Wizard. Run from this folder:
#   ansible-playbook -i inventory.ini playbook.yml --ask-vault-pass
# (servers that log in with a password also need --ask-pass and the sshpass package).
# A second run changes nothing.

- name: Deployment files on every server
  hosts: gonka
  gather_facts: false
  tasks:
    - name: Clone the gonka repository
      ansible.builtin.git:
        repo: "{{ gonka_repo_url }}"
        dest: "{{ gonka_dir }}"
        version: "{{ gonka_repo_ref }}"
        update: false

    - name: Write config.env (from the vault, mode 0600)
      ansible.builtin.copy:
        content: "{{ vault_config_env[inventory_hostname] }}"
        dest: "{{ gonka_dir }}/deploy/join/config.env"
        mode: "0600"
      no_log: true
      when: inventory_hostname in vault_config_env

    - name: Write node-config.json
      ansible.builtin.copy:
        src: "files/{{ inventory_hostname }}/node-config.json"
        dest: "{{ gonka_dir }}/deploy/join/node-config.json"
        mode: "0644"
      when: (playbook_dir + '/files/' + inventory_hostname + '/node-config.json') is file

- name: Network node (tmkms and node first, then the rest)
  hosts: network:combined
  gather_facts: false
  tasks:
    - name: Start ${FIRST_SERVICES.join(' and ')}
      ansible.builtin.shell:
        cmd: set -a && . ./config.env && set +a && docker compose -f ${NETWORK_COMPOSE} up -d --no-deps ${FIRST_SERVICES.join(' ')} 2>&1
        chdir: "{{ gonka_dir }}/deploy/join"
      register: gonka_first
      changed_when: gonka_first.stdout is search('(Created|Started|Recreated)')

    - name: Start the rest of the network node
      ansible.builtin.shell:
        cmd: set -a && . ./config.env && set +a && docker compose -f ${NETWORK_COMPOSE} up -d 2>&1
        chdir: "{{ gonka_dir }}/deploy/join"
      register: gonka_rest
      changed_when: gonka_rest.stdout is search('(Created|Started|Recreated)')

- name: ML nodes
  hosts: ml:combined
  gather_facts: false
  tasks:
    - name: Start the ML node
      ansible.builtin.shell:
        cmd: set -a && . ./config.env && set +a && docker compose -f ${ML_COMPOSE} up -d 2>&1
        chdir: "{{ gonka_dir }}/deploy/join"
      register: gonka_ml
      changed_when: gonka_ml.stdout is search('(Created|Started|Recreated)')

- name: Register the ML nodes with the admin API (on the network server's loopback, through SSH)
  hosts: network:combined
  gather_facts: false
  tasks:
    - name: Read the registered ML nodes
      ansible.builtin.uri:
        url: "http://127.0.0.1:{{ gonka_admin_port }}/admin/v1/nodes"
        return_content: true
      register: gonka_listed
      until: gonka_listed.status == 200
      retries: 30
      delay: 2

    - name: Register each missing ML node
      ansible.builtin.uri:
        url: "http://127.0.0.1:{{ gonka_admin_port }}/admin/v1/nodes"
        method: POST
        body_format: json
        body: "{{ item }}"
        status_code: [200, 201]
      loop: "{{ gonka_ml_nodes }}"
      loop_control:
        label: "{{ item.id }}"
      when: item.id not in ((gonka_listed.json | default([], true)) | map(attribute='node') | map(attribute='id') | list)
      changed_when: true
`

/** The files of the Ansible export (path → text), the vars file already vault-encrypted. */
export function ansibleExport(input: AnsibleExportInput): Record<string, string> {
  const { profile } = input
  const settings = profile.deployment ?? defaultDeploymentSettings()
  const dir = settings.dir.trim() || '~/gonka'
  const files: Record<string, string> = {}
  files['inventory.ini'] = inventory(profile)
  files['known_hosts'] = knownHosts(input.pins)
  files['playbook.yml'] = PLAYBOOK
  files['ansible.cfg'] = ['[defaults]', 'inventory = inventory.ini', 'interpreter_python = auto_silent', ''].join('\n')
  files['group_vars/gonka/main.yml'] =
    `# Written by Gonka Host Wizard ${input.appVersion}; no secrets here (they are in vault.yml).\n` +
    stringify({
      gonka_dir: dir,
      gonka_repo_url: settings.repoUrl,
      gonka_repo_ref: settings.repoRef,
      gonka_admin_port: 9200,
      // Only the app's pinned host keys are trusted, as in the app.
      gonka_ssh_args: '-o UserKnownHostsFile={{ playbook_dir }}/known_hosts -o StrictHostKeyChecking=yes',
      ansible_ssh_common_args: '{{ gonka_ssh_args }}',
      gonka_ml_nodes: expectedNodes(profile).nodes.map((n) => nodeInputOf(n)),
    })
  // `!unsafe`: config.env is written as it is, never read as a Jinja template; a JSON string is valid YAML.
  const vars = ['vault_config_env:']
  for (const f of input.servers) {
    const server = profile.servers.find((s) => s.id === f.serverId)
    if (!server) continue
    if (f.configEnv !== undefined) vars.push(`  ${hostName(server)}: !unsafe ${JSON.stringify(f.configEnv)}`)
    if (f.nodeConfig !== undefined) files[`files/${hostName(server)}/node-config.json`] = f.nodeConfig
  }
  if (vars.length === 1) vars[0] = 'vault_config_env: {}'
  files['group_vars/gonka/vault.yml'] = vaultEncrypt(vars.join('\n') + '\n', input.vaultPassword)
  files['README.md'] = [
    `# Ansible export of "${profile.name}"`,
    '',
    'Reproduces the deployment: the gonka repository, config.env (in the vault), node-config.json,',
    'the containers in order (tmkms and node first, then the rest, then the ML nodes) and the ML node',
    "registrations through the admin API on the network server's loopback.",
    '',
    '```sh',
    'ansible-playbook playbook.yml --ask-vault-pass',
    'ansible-vault edit group_vars/gonka/vault.yml   # change config.env',
    '```',
    '',
    `Host keys: only those in known_hosts are trusted (${Object.keys(input.pins).map((n) => n).join(', ') || 'none pinned'}).`,
    '',
  ].join('\n')
  return files
}
