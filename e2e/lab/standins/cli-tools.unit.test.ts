import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { STANDINS_DIR, http, startRole, testPubkey, type RunningRole } from './test-helpers'

const INFERENCED = path.join(STANDINS_DIR, 'bin', 'inferenced')
const NVIDIA_SMI = path.join(STANDINS_DIR, 'nvidia', 'nvidia-smi')
const CAPTURE = path.join(STANDINS_DIR, '..', '..', '..', '..', 'shared', 'fixtures', 'host-capture-h100')

function run(
  cmd: string,
  args: string[],
  input = '',
  env: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('bin/inferenced (stand-in)', () => {
  let dir = ''
  let seed: RunningRole
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inferenced-'))
    seed = await startRole('seed', { STANDIN_SEED_PORT: '0' }, 1)
  })
  afterAll(async () => {
    await seed.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('adds a key once, refuses to overwrite it, and lists/shows it', () => {
    const add = run(
      INFERENCED,
      ['keys', 'add', 'warm', '--keyring-backend', 'file', '--keyring-dir', dir],
      'password1\npassword1\n',
    )
    expect(add.code).toBe(0)
    expect(add.stderr).toContain('STAND-IN inferenced')
    const address = /- address: (gonka1\S+)/.exec(add.stdout)?.[1] ?? ''
    expect(address).toMatch(/^gonka1[02-9ac-hj-np-z]{38}$/)
    expect(add.stdout).toContain('**Important** write this mnemonic phrase in a safe place.')
    const again = run(
      INFERENCED,
      ['keys', 'add', 'warm', '--keyring-backend', 'file', '--keyring-dir', dir],
      'password1\npassword1\n',
    )
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('Error: aborted')
    const show = run(INFERENCED, [
      'keys',
      'show',
      'warm',
      '-a',
      '--keyring-backend',
      'file',
      '--keyring-dir',
      dir,
    ])
    expect(show.stdout).toBe(`${address}\n`)
    const list = run(INFERENCED, [
      'keys',
      'list',
      '--keyring-backend',
      'file',
      '--keyring-dir',
      dir,
      '--output',
      'json',
    ])
    const keys = z
      .array(z.object({ name: z.string(), type: z.string(), address: z.string() }))
      .parse(JSON.parse(list.stdout))
    expect(keys).toEqual([{ name: 'warm', type: 'local', address }])
  })

  it('rejects a wrong keyring password and takes KEYRING_PASSWORD from the environment', () => {
    const wrong = run(
      INFERENCED,
      ['keys', 'add', 'other', '--keyring-backend', 'file', '--keyring-dir', dir],
      'wrongpass1\n',
    )
    expect(wrong.code).toBe(1)
    const ok = run(
      INFERENCED,
      ['keys', 'add', 'other', '--keyring-backend', 'file', '--keyring-dir', dir],
      '',
      { KEYRING_PASSWORD: 'password1' },
    )
    expect(ok.code).toBe(0)
  })

  it('reads the passphrase from stdin before the environment, as the real CLI always asks', () => {
    const args = ['keys', 'add', 'third', '--keyring-backend', 'file', '--keyring-dir', dir]
    const wrong = run(INFERENCED, args, 'wrongpass1\n', { KEYRING_PASSWORD: 'password1' })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('aes.KeyUnwrap(): integrity check failed.')
    const right = run(INFERENCED, args, 'password1\n', { KEYRING_PASSWORD: 'not-the-password' })
    expect(right.code).toBe(0)
  })

  it('register-new-participant posts to the seed, which then knows the participant', async () => {
    const seedUrl = `http://127.0.0.1:${seed.port('seed public API')}`
    const pub = testPubkey(99)
    const r = spawnSync(
      INFERENCED,
      [
        'register-new-participant',
        'http://198.51.100.2:8000',
        pub,
        '--node-address',
        seedUrl,
        '--consensus-key',
        'Y29uc2Vuc3VzLWtleQ==',
      ],
      { encoding: 'utf8' },
    )
    expect(r.status).toBe(0)
    const address =
      /Found participant: (gonka1\S+) \(url: http:\/\/198\.51\.100\.2:8000, status: ACTIVE\)/.exec(
        r.stdout,
      )?.[1] ?? ''
    expect(address).not.toBe('')
    expect(r.stdout).toContain(`Participant is now available at ${seedUrl}/v2/participants/${address}`)
    const got = await http(`${seedUrl}/v2/participants/${address}`)
    expect(
      z.object({ participant: z.object({ inference_url: z.string() }) }).parse(got.json).participant
        .inference_url,
    ).toBe('http://198.51.100.2:8000')
  })
})

describe('nvidia/nvidia-smi (FAKE)', () => {
  it('replays -L and the plain table byte for byte from the capture', () => {
    const raw = fs.readFileSync(path.join(CAPTURE, 'more', '01.txt'), 'utf8').split('\n')
    const expectedL = raw.slice(1, raw.length - 2).join('\n') + '\n'
    const l = run(NVIDIA_SMI, ['-L'])
    expect(l.code).toBe(0)
    expect(l.stdout).toBe(expectedL)
    expect(run(NVIDIA_SMI, []).stdout).toBe(fs.readFileSync(path.join(CAPTURE, 'nvidia-smi.txt'), 'utf8'))
    expect(run(NVIDIA_SMI, ['-q', '-x']).stdout).toBe(
      fs.readFileSync(path.join(CAPTURE, 'nvidia-smi-q.xml'), 'utf8'),
    )
  })

  it('answers --query-gpu in csv forms and rejects an invalid field like the real one', () => {
    expect(run(NVIDIA_SMI, ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits']).stdout).toBe(
      'NVIDIA H100 80GB HBM3, 81559\n',
    )
    expect(run(NVIDIA_SMI, ['--query-gpu=name,memory.total', '--format=csv']).stdout).toBe(
      'name, memory.total [MiB]\nNVIDIA H100 80GB HBM3, 81559 MiB\n',
    )
    const bad = run(NVIDIA_SMI, ['--query-gpu=nonexistent.field', '--format=csv'])
    expect([bad.code, bad.stdout]).toEqual([
      2,
      'Field "nonexistent.field" is not a valid field to query.\n\n',
    ])
  })

  it('prints FAKE and exits 2 for unsupported arguments', () => {
    const r = run(NVIDIA_SMI, ['--gpu-reset'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('FAKE nvidia-smi: unsupported arguments: --gpu-reset\n')
  })

  it('the fake runtime hook installs nvidia-smi into a container rootfs', () => {
    const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'))
    fs.mkdirSync(path.join(bundle, 'rootfs'))
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify({ root: { path: 'rootfs' } }))
    const hook = run(
      path.join(STANDINS_DIR, 'nvidia', 'nvidia-container-runtime-hook'),
      ['prestart'],
      JSON.stringify({ id: 'x', bundle }),
    )
    expect(hook.code).toBe(0)
    const installed = path.join(bundle, 'rootfs', 'usr', 'bin', 'nvidia-smi')
    expect(run(installed, ['-L']).stdout).toContain('GPU 0: NVIDIA H100 80GB HBM3')
    fs.rmSync(bundle, { recursive: true, force: true })
  })
})
