// `export ansible`: an inventory and a playbook that reproduce a deployment with Ansible's own modules
// (as shipped by Debian 12's `ansible`: ansible.builtin.git, copy, file, shell, uri), for hosts who
// manage many machines. config.env (it holds the keyring password) is only in a vault-encrypted vars
// file; the playbook starts the containers in the wizard's order (tmkms and node first, then the rest,
// then the ML nodes) and registers the ML nodes with the network node's admin API, which listens on
// the network server's loopback: the `uri` task runs there, so the call goes through SSH.
import { stringify } from 'yaml'
import { defaultDeploymentSettings } from '../../shared/deployment'
import type { Profile, Server } from '../../shared/profile'
import type { Language } from '../../shared/settings'
import { renderDeployText } from '../deploy/texts'
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

/** How a server's SSH user reaches Docker, as step 1/2 read it (`probeHostFacts`). */
export interface AnsibleServerAccess {
  /** Docker only through sudo (not root, no socket access): the docker tasks run with become. */
  readonly dockerViaSudo: boolean
  /** sudo asks for a password there (`sudo -n` refused). */
  readonly sudoNeedsPassword: boolean
}

/** What the Ansible export is made from. */
export interface AnsibleExportInput {
  readonly profile: Profile
  readonly pins: Record<string, PinnedKey[]>
  readonly servers: readonly AnsibleServerFiles[]
  readonly vaultPassword: string
  readonly appVersion: string
  /** Per server id; absent when the servers were not read (`--skip-servers`). */
  readonly access?: Readonly<Record<string, AnsibleServerAccess>>
  /** The language of the README's login notes (default English). */
  readonly language?: Language
}

/** How to run the exported playbook, and why (the passwords Ansible has to ask for: none is in the files). */
export interface AnsibleRunAdvice {
  /** `ansible-playbook playbook.yml --ask-vault-pass [--ask-pass] [--ask-become-pass]`. */
  readonly command: string
  /** Servers (ids) that log in with a password: `--ask-pass` (and sshpass). */
  readonly askPass: readonly string[]
  /** Servers whose docker tasks run through sudo that asks a password: `--ask-become-pass`. */
  readonly askBecomePass: readonly string[]
  /** Docker access was not read (servers skipped): become may have to be set by hand. */
  readonly accessUnknown: boolean
}

/** The command and the password prompts the export needs (pure). */
export function ansibleRunAdvice(
  profile: Profile,
  access: Readonly<Record<string, AnsibleServerAccess>> | undefined,
): AnsibleRunAdvice {
  const askPass = profile.servers.filter((s) => s.auth === 'password').map((s) => s.id)
  const askBecomePass = profile.servers
    .filter((s) => access?.[s.id]?.dockerViaSudo === true && access[s.id]?.sudoNeedsPassword === true)
    .map((s) => s.id)
  const command = [
    'ansible-playbook playbook.yml --ask-vault-pass',
    ...(askPass.length > 0 ? ['--ask-pass'] : []),
    ...(askBecomePass.length > 0 ? ['--ask-become-pass'] : []),
  ].join(' ')
  return { command, askPass, askBecomePass, accessUnknown: access === undefined }
}

/** The login notes (localised) for the README and the CLI's last lines. */
export function ansibleRunNotes(advice: AnsibleRunAdvice, language: Language = 'en'): string[] {
  const t = (key: string, params: Record<string, string> = {}): string =>
    renderDeployText({ key: `bundle.ansible.${key}`, params }, language)
  const notes: string[] = []
  if (advice.askPass.length > 0) notes.push(t('askPass', { hosts: advice.askPass.join(', ') }))
  if (advice.askBecomePass.length > 0)
    notes.push(t('askBecomePass', { hosts: advice.askBecomePass.join(', ') }))
  if (advice.accessUnknown) notes.push(t('accessUnknown'))
  notes.push(t('noSecrets'))
  return notes
}

/** Inventory host names: the server ids (already `[a-z0-9-]`). */
const hostName = (s: Server): string => s.id

const groupOf = (s: Server): 'network' | 'ml' | 'combined' => s.role

/** Single-quoted for an INI value that Ansible splits with shlex (`'` inside becomes `'"'"'`). */
const iniQuote = (v: string): string => `'${v.replace(/'/g, `'"'"'`)}'`

/** The pinned host keys only, as in the app (the file sits next to the playbook). */
const PINNED = '-o UserKnownHostsFile={{ playbook_dir }}/known_hosts -o StrictHostKeyChecking=yes'

function inventory(profile: Profile, access: AnsibleExportInput['access']): string {
  const lines: string[] = [
    `# Gonka deployment "${profile.name.replace(/\n/g, ' ')}" (written by Gonka Host Wizard)`,
    '# Host keys: only those in known_hosts (next to this file) are trusted. No password is in any file.',
  ]
  for (const group of ['network', 'combined', 'ml'] as const) {
    const members = profile.servers.filter((s) => groupOf(s) === group)
    lines.push('', `[${group}]`)
    for (const s of members) {
      let ssh = '{{ gonka_ssh_args }}'
      const jump = s.jumpHostId ? profile.servers.find((j) => j.id === s.jumpHostId) : undefined
      if (jump) {
        // ProxyCommand, not ProxyJump: command-line -o options (the pinned known_hosts) do not reach a ProxyJump hop.
        const hop = [
          'ssh',
          PINNED,
          ...(jump.auth === 'key' && jump.keyPath ? [`-i ${jump.keyPath}`] : []),
          `-p ${jump.port}`,
          '-W %h:%p',
          `${jump.user}@${jump.address}`,
        ].join(' ')
        ssh += ` -o ProxyCommand="${hop}"`
      }
      if (s.auth === 'password')
        lines.push(`# ${hostName(s)} logs in with a password: run ansible-playbook with --ask-pass (needs sshpass).`)
      const a = access?.[s.id]
      if (a?.dockerViaSudo)
        lines.push(
          `# ${hostName(s)} reaches Docker through sudo: the docker tasks run with become${a.sudoNeedsPassword ? '; sudo asks a password there: add --ask-become-pass' : ''}.`,
        )
      const vars = [
        `ansible_host=${s.address}`,
        `ansible_port=${s.port}`,
        `ansible_user=${s.user}`,
        ...(s.auth === 'key' && s.keyPath ? [`ansible_ssh_private_key_file=${JSON.stringify(s.keyPath)}`] : []),
        `ansible_ssh_common_args=${iniQuote(ssh)}`,
        ...(a?.dockerViaSudo ? ['gonka_become=True'] : []),
      ]
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
# Servers that log in with a password also need --ask-pass (and the sshpass package); servers whose
# Docker needs sudo with a password, --ask-become-pass (README.md and inventory.ini name them).
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

    - name: Find the deployment folder (as the SSH user, before any sudo)
      ansible.builtin.command:
        cmd: pwd
        chdir: "{{ gonka_dir }}/deploy/join"
      register: gonka_join
      changed_when: false
      check_mode: false

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
        chdir: "{{ gonka_join.stdout }}"
      become: "{{ gonka_become | default(false) }}"
      register: gonka_first
      changed_when: gonka_first.stdout is search('(Created|Started|Recreated)')

    - name: Start the rest of the network node
      ansible.builtin.shell:
        cmd: set -a && . ./config.env && set +a && docker compose -f ${NETWORK_COMPOSE} up -d 2>&1
        chdir: "{{ gonka_join.stdout }}"
      become: "{{ gonka_become | default(false) }}"
      register: gonka_rest
      changed_when: gonka_rest.stdout is search('(Created|Started|Recreated)')

- name: ML nodes
  hosts: ml:combined
  gather_facts: false
  tasks:
    - name: Start the ML node
      ansible.builtin.shell:
        cmd: set -a && . ./config.env && set +a && docker compose -f ${ML_COMPOSE} up -d 2>&1
        chdir: "{{ gonka_join.stdout }}"
      become: "{{ gonka_become | default(false) }}"
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
  files['inventory.ini'] = inventory(profile, input.access)
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
      gonka_ssh_args: PINNED,
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
  const advice = ansibleRunAdvice(profile, input.access)
  files['README.md'] = [
    `# Ansible export of "${profile.name}"`,
    '',
    'Reproduces the deployment: the gonka repository, config.env (in the vault), node-config.json,',
    'the containers in order (tmkms and node first, then the rest, then the ML nodes) and the ML node',
    "registrations through the admin API on the network server's loopback.",
    '',
    '```sh',
    advice.command,
    'ansible-vault edit group_vars/gonka/vault.yml   # change config.env',
    '```',
    '',
    ...ansibleRunNotes(advice, input.language).map((n) => `- ${n}`),
    '',
    `Host keys: only those in known_hosts are trusted (${Object.keys(input.pins).map((n) => n).join(', ') || 'none pinned'}).`,
    '',
  ].join('\n')
  return files
}
