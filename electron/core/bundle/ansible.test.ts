import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { PROFILE_SCHEMA_VERSION, type Profile } from '../../shared/profile'
import { ansibleExport, ansibleRunAdvice, ansibleRunNotes } from './ansible'
import { vaultDecrypt, vaultEncrypt } from './ansible-vault'

const KEYRING = 'Keyring-{{ not a template }}-$HOME'
const VAULT = 'vault password 123'

function profile(): Profile {
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    id: 'fleet',
    name: 'Fleet',
    topology: 'split',
    servers: [
      { id: 'net', name: 'net', address: '10.0.0.2', port: 22, user: 'gonka', auth: 'password', role: 'network' },
      { id: 'gpu1', name: 'gpu1', address: '10.0.0.3', port: 2222, user: 'gonka', auth: 'key', keyPath: '/home/me/.ssh/id', role: 'ml' },
    ],
    createdAt: 'x',
    updatedAt: 'x',
  }
}

function files(): Record<string, string> {
  return ansibleExport({
    profile: profile(),
    pins: { '10.0.0.2': [{ keyType: 'ssh-ed25519', fingerprint: 'SHA256:x', publicKey: 'AAAAC3Nz', pinnedAt: 'x' }] },
    servers: [
      { serverId: 'net', configEnv: `export KEY_NAME=warm\nexport KEYRING_PASSWORD='${KEYRING}'\n` },
      { serverId: 'gpu1', configEnv: 'export HF_HOME=/mnt\n', nodeConfig: '[{"id":"gpu1"}]\n' },
    ],
    vaultPassword: VAULT,
    appVersion: '1.0.0',
  })
}

describe('ansible vault', () => {
  it('round-trips and refuses a wrong password', () => {
    const text = vaultEncrypt('a: 1\n', 'pw-12345678')
    expect(text.startsWith('$ANSIBLE_VAULT;1.1;AES256\n')).toBe(true)
    expect(text.split('\n').slice(1, -1).every((l) => l.length <= 80)).toBe(true)
    expect(vaultDecrypt(text, 'pw-12345678')).toBe('a: 1\n')
    expect(() => vaultDecrypt(text, 'other-password')).toThrow(/Wrong vault password/)
  })
})

describe('ansible export', () => {
  it('writes an inventory per role, the pinned host keys and node-config, with config.env only in the vault', () => {
    const out = files()
    expect(out['inventory.ini']).toContain('[network]\n# net logs in with a password')
    expect(out['inventory.ini']).toContain('\nnet ansible_host=10.0.0.2 ansible_port=22 ansible_user=gonka')
    expect(out['inventory.ini']).toContain('gpu1 ansible_host=10.0.0.3 ansible_port=2222 ansible_user=gonka ansible_ssh_private_key_file="/home/me/.ssh/id"')
    expect(out['known_hosts']).toBe('10.0.0.2 ssh-ed25519 AAAAC3Nz\n')
    expect(out['files/gpu1/node-config.json']).toBe('[{"id":"gpu1"}]\n')
    for (const [path, text] of Object.entries(out)) expect(text, path).not.toContain('Keyring-')
    const vars = parse(vaultDecrypt(out['group_vars/gonka/vault.yml']!, VAULT), {
      customTags: [{ tag: '!unsafe', resolve: (v: string) => v }],
    }) as { vault_config_env: Record<string, string> }
    expect(vars.vault_config_env['net']).toBe(`export KEY_NAME=warm\nexport KEYRING_PASSWORD='${KEYRING}'\n`)
    const main = parse(out['group_vars/gonka/main.yml']!) as { gonka_ml_nodes: { id: string; host: string }[] }
    expect(main.gonka_ml_nodes).toEqual([expect.objectContaining({ id: 'gpu1', host: '10.0.0.3', inference_port: 5050, poc_port: 8080 })])
  })

  it('starts tmkms and node before the rest, and the ML nodes after the network node', () => {
    const plays = parse(files()['playbook.yml']!) as { name: string; hosts: string; tasks: { name: string }[] }[]
    expect(plays.map((p) => p.hosts)).toEqual(['gonka', 'network:combined', 'ml:combined', 'network:combined'])
    expect(plays[1]!.tasks.map((t) => t.name)).toEqual(['Start tmkms and node', 'Start the rest of the network node'])
    expect(JSON.stringify(plays[3])).toContain('ansible.builtin.uri')
  })

  it('says --ask-pass for password-login servers (inventory, README, advice) and writes no password anywhere', () => {
    const SSH_PASSWORD = 'canary-ssh-pass-a7'
    const out = ansibleExport({
      profile: profile(),
      pins: {},
      servers: [{ serverId: 'net', configEnv: 'export KEY_NAME=warm\n' }],
      vaultPassword: VAULT,
      appVersion: '1.0.0',
      access: {
        net: { dockerViaSudo: false, sudoNeedsPassword: true },
        gpu1: { dockerViaSudo: true, sudoNeedsPassword: true },
      },
    })
    const inv = out['inventory.ini']!
    expect(inv).toContain('# net logs in with a password: run ansible-playbook with --ask-pass (needs sshpass).')
    expect(inv).not.toContain('# gpu1 logs in with a password')
    expect(inv).toMatch(/^net ansible_host=10\.0\.0\.2 ansible_port=22 ansible_user=gonka ansible_ssh_common_args='\{\{ gonka_ssh_args \}\}'$/m)
    expect(inv).toMatch(/^gpu1 .* gonka_become=True$/m)
    expect(inv).toContain('# gpu1 reaches Docker through sudo')
    expect(inv).not.toMatch(/ansible_(ssh_)?pass|ansible_become_pass(word)?/)
    const readme = out['README.md']!
    expect(readme).toContain('ansible-playbook playbook.yml --ask-vault-pass --ask-pass --ask-become-pass')
    expect(readme).toContain('net log in with a password: run with --ask-pass')
    expect(readme).toContain('gpu1 reach Docker through sudo')
    for (const [path, text] of Object.entries(out)) expect(text, path).not.toContain(SSH_PASSWORD)
    // The docker tasks run as root only where Docker needs sudo, in the folder found as the SSH user.
    const plays = parse(out['playbook.yml']!) as { tasks: Record<string, unknown>[] }[]
    const start = plays[1]!.tasks[0]!
    expect(start['become']).toBe('{{ gonka_become | default(false) }}')
    expect((start['ansible.builtin.shell'] as { chdir: string }).chdir).toBe('{{ gonka_join.stdout }}')

    expect(ansibleRunAdvice(profile(), undefined)).toEqual({
      command: 'ansible-playbook playbook.yml --ask-vault-pass --ask-pass',
      askPass: ['net'],
      askBecomePass: [],
      accessUnknown: true,
    })
    const keyOnly = { ...profile(), servers: profile().servers.filter((x) => x.auth === 'key') }
    expect(ansibleRunAdvice(keyOnly, {}).command).toBe('ansible-playbook playbook.yml --ask-vault-pass')
  })

  it('words the login notes in English, Chinese and Russian', () => {
    const advice = ansibleRunAdvice(profile(), { gpu1: { dockerViaSudo: true, sudoNeedsPassword: true } })
    for (const lang of ['en', 'zh-CN', 'ru'] as const) {
      const notes = ansibleRunNotes(advice, lang)
      expect(notes, lang).toHaveLength(3)
      for (const n of notes) expect(n, lang).not.toMatch(/bundle\.ansible|\{\{/)
      expect(notes[0], lang).toContain('--ask-pass')
      expect(notes[1], lang).toContain('--ask-become-pass')
    }
    expect(ansibleRunNotes(advice, 'ru')[0]).toContain('по паролю')
    expect(ansibleRunNotes(advice, 'zh-CN')[0]).toContain('密码登录')
  })

  it('reaches a server behind a jump host through ProxyCommand with the pinned known_hosts', () => {
    const p = profile()
    const jumped: Profile = {
      ...p,
      servers: [p.servers[1]!, { ...p.servers[0]!, id: 'inner', name: 'inner', address: '10.0.1.9', jumpHostId: 'gpu1' }],
    }
    const inv = ansibleExport({ profile: jumped, pins: {}, servers: [], vaultPassword: VAULT, appVersion: '1' })['inventory.ini']!
    const line = inv.split('\n').find((l) => l.startsWith('inner '))!
    expect(line).toContain(
      `ansible_ssh_common_args='{{ gonka_ssh_args }} -o ProxyCommand="ssh -o UserKnownHostsFile={{ playbook_dir }}/known_hosts -o StrictHostKeyChecking=yes -i /home/me/.ssh/id -p 2222 -W %h:%p gonka@10.0.0.3"'`,
    )
  })

  const noAnsible = spawnSync('ansible-playbook', ['--version']).status !== 0
  if (noAnsible) console.warn('\n*** SKIPPING ansible checks: ansible-playbook (Debian package ansible) is missing ***\n')
  it.skipIf(noAnsible)('ansible-vault opens the vars file and ansible-playbook accepts the playbook', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ghw-ansible-'))
    try {
      for (const [path, text] of Object.entries(files())) {
        mkdirSync(dirname(join(dir, path)), { recursive: true })
        writeFileSync(join(dir, path), text)
      }
      writeFileSync(join(dir, '.vault-pass'), VAULT, { mode: 0o600 })
      const view = execFileSync('ansible-vault', ['view', '--vault-password-file', '.vault-pass', 'group_vars/gonka/vault.yml'], {
        cwd: dir,
        encoding: 'utf8',
      })
      expect(view).toContain(KEYRING)
      execFileSync('ansible-playbook', ['--syntax-check', '--vault-password-file', '.vault-pass', 'playbook.yml'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ANSIBLE_LOCAL_TEMP: join(dir, '.tmp'), ANSIBLE_HOME: join(dir, '.ansible') },
      })
      const hosts = execFileSync('ansible-inventory', ['--list', '--vault-password-file', '.vault-pass'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ANSIBLE_LOCAL_TEMP: join(dir, '.tmp'), ANSIBLE_HOME: join(dir, '.ansible') },
      })
      const listed = JSON.parse(hosts) as { gonka?: { children?: string[] } }
      expect(listed.gonka?.children).toEqual(expect.arrayContaining(['network', 'ml']))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
