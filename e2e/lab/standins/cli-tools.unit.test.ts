import { spawnSync } from 'node:child_process'
import { ECDH } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { bech32 } from '@scure/base'
import { STANDINS_DIR, http, startRole, testAddress, testPubkey, type RunningRole } from './test-helpers'

// Each test starts stand-in processes; on a loaded machine that takes longer than the default 5 s.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

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
    seed = await startRole('seed', { STANDIN_SEED_PORT: '0', STANDIN_REGISTRATION_DELAY_MS: '100' }, 1)
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
    // File names as Cosmos SDK writes them: <name>.info and <hex of the 20 address bytes>.address.
    const hex = Buffer.from(bech32.fromWords(bech32.decode(address as `${string}1${string}`).words)).toString('hex')
    expect(fs.readdirSync(path.join(dir, 'keyring-file')).sort()).toEqual([`${hex}.address`, 'keyhash', 'warm.info'])
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

  const seedUrlOf = (): string => `http://127.0.0.1:${seed.port('seed public API')}`
  const POLL = { STANDIN_REGISTER_POLL_SECONDS: '10', STANDIN_REGISTER_POLL_INTERVAL_MS: '100' }
  const registerArgs = (url: string, pub: string): string[] => [
    'register-new-participant',
    url,
    pub,
    '--node-address',
    seedUrlOf(),
    '--consensus-key',
    'Y29uc2Vuc3VzLWtleQ==',
  ]
  /** `keys add` into this test's keyring; returns the key's address and pubkey. */
  const addKey = (name: string): { address: string; pubkey: string } => {
    const r = run(
      INFERENCED,
      ['keys', 'add', name, '--keyring-backend', 'file', '--keyring-dir', dir, '--output', 'json'],
      'password1\npassword1\n',
    )
    expect(r.code, r.stderr).toBe(0)
    const k = z.object({ address: z.string(), pubkey: z.string() }).parse(JSON.parse(r.stdout))
    return { address: k.address, pubkey: z.object({ key: z.string() }).parse(JSON.parse(k.pubkey)).key }
  }
  const txArgs = (...args: string[]): string[] => [
    'tx',
    'inference',
    ...args,
    '--keyring-backend',
    'file',
    '--keyring-dir',
    dir,
    '--node',
    `${seedUrlOf()}/chain-rpc/`,
    '--chain-id',
    'gonka-mainnet',
    '-y',
  ]

  it('§4.12 keys add makes a real compressed secp256k1 pubkey and its gonka1 address', () => {
    const k = addKey('curve')
    const raw = Buffer.from(k.pubkey, 'base64')
    expect(raw).toHaveLength(33)
    // Throws unless the key is a point on secp256k1.
    expect(() => ECDH.convertKey(raw, 'secp256k1', undefined, undefined, 'uncompressed')).not.toThrow()
    expect(k.address).toBe(testAddress(k.pubkey))
  }, 60_000)

  it('§4.2 register-new-participant polls /v2/participants until the participant appears', async () => {
    const pub = testPubkey(99)
    const r = run(INFERENCED, registerArgs('http://198.51.100.2:8000', pub), '', POLL)
    expect(r.code, r.stderr).toBe(0)
    const address = testAddress(pub)
    expect(r.stdout).toContain(`Found participant: ${address} (url: http://198.51.100.2:8000, status: 1)`)
    expect(r.stdout).toContain(`Participant is now available at ${seedUrlOf()}/v2/participants/${address}`)
    const got = await http(`${seedUrlOf()}/v2/participants/${address}`)
    expect(
      z.object({ participant: z.object({ inference_url: z.string() }) }).parse(got.json).participant
        .inference_url,
    ).toBe('http://198.51.100.2:8000')
  }, 60_000)

  it('§4.2 register-new-participant exits 0 with a warning when the participant never appears; a repeat keeps the URL', async () => {
    const pub = testPubkey(99)
    const r = run(INFERENCED, registerArgs('http://198.51.100.77:8000', pub), '', {
      ...POLL,
      STANDIN_REGISTER_POLL_SECONDS: '1',
    })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('Participant registration submitted successfully!')
    expect(r.stdout).toContain(`Found participant: ${testAddress(pub)} (url: http://198.51.100.2:8000`)
    const fresh = testPubkey(98)
    await http(`${seedUrlOf()}/standin/v1/registration`, { method: 'POST', body: { closed: true } })
    try {
      const w = run(INFERENCED, registerArgs('http://198.51.100.78:8000', fresh), '', {
        ...POLL,
        STANDIN_REGISTER_POLL_SECONDS: '1',
      })
      expect(w.code, w.stderr).toBe(0)
      expect(w.stdout).toContain(`Warning: participant ${testAddress(fresh)} did not appear within 1 seconds`)
    } finally {
      await http(`${seedUrlOf()}/standin/v1/registration`, { method: 'POST', body: { closed: false } })
    }
    expect((await http(`${seedUrlOf()}/v2/participants/${testAddress(fresh)}`)).status).toBe(404)
  }, 60_000)

  it('§4.1 grant-ml-ops-permissions needs the cold account on chain, then writes 20 authz grants and 10 GNK feegrant via /chain-rpc/', async () => {
    const cold = addKey('cold')
    const warm = addKey('warm-for-grant')
    const grant = (): ReturnType<typeof run> =>
      run(
        INFERENCED,
        txArgs('grant-ml-ops-permissions', 'cold', warm.address, '--from', 'cold'),
        'password1\n',
      )
    const early = grant()
    expect(early.code).toBe(1)
    expect(early.stderr).toContain(`account ${cold.address} not found`)

    const reg = run(INFERENCED, registerArgs('http://198.51.100.10:8000', cold.pubkey), '', POLL)
    expect(reg.stdout).toContain(`Found participant: ${cold.address}`)
    const wrongPassword = run(
      INFERENCED,
      txArgs('grant-ml-ops-permissions', 'cold', warm.address, '--from', 'cold'),
      'wrongpass1\n',
    )
    expect(wrongPassword.code).toBe(1)
    const ok = grant()
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toContain('Transaction confirmed successfully!')

    const grants = z
      .object({
        grants: z.array(
          z.object({
            authorization: z.object({ '@type': z.string(), msg: z.string() }),
            expiration: z.string(),
          }),
        ),
      })
      .parse(
        (
          await http(
            `${seedUrlOf()}/chain-api/cosmos/authz/v1beta1/grants?granter=${cold.address}&grantee=${warm.address}`,
          )
        ).json,
      )
    expect(grants.grants).toHaveLength(20)
    expect(new Set(grants.grants.map((g) => g.authorization['@type']))).toEqual(
      new Set(['/cosmos.authz.v1beta1.GenericAuthorization']),
    )
    expect(grants.grants.map((g) => g.authorization.msg)).toContain('/inference.inference.MsgStartInference')
    const days = (Date.parse(grants.grants[0]?.expiration ?? '') - Date.now()) / 86_400_000
    expect(Math.round(days)).toBe(365)
    const allowance = await http(
      `${seedUrlOf()}/chain-api/cosmos/feegrant/v1beta1/allowance/${cold.address}/${warm.address}`,
    )
    expect(allowance.status).toBe(200)
    expect(allowance.json).toMatchObject({
      allowance: {
        granter: cold.address,
        grantee: warm.address,
        allowance: {
          '@type': '/cosmos.feegrant.v1beta1.BasicAllowance',
          spend_limit: [{ denom: 'ngonka', amount: '10000000000' }],
        },
      },
    })
    // A second grant renews the authz grants and adds no second allowance (that would fail the tx).
    const again = grant()
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toContain('A fee allowance for the warm key exists already')
  }, 60_000)

  it('§4.2 submit-new-participant, signed by the cold key, updates the URL a repeat registration cannot', async () => {
    const cold = addKey('cold-move')
    const reg = run(INFERENCED, registerArgs('http://198.51.100.20:8000', cold.pubkey), '', POLL)
    expect(reg.stdout).toContain(`Found participant: ${cold.address}`)
    const r = run(
      INFERENCED,
      txArgs(
        'submit-new-participant',
        'http://198.51.100.21:8000',
        '--validator-key',
        'bmV3LWtleQ==',
        '--from',
        'cold-move',
      ),
      'password1\n',
    )
    expect(r.code, r.stderr).toBe(0)
    const got = z
      .object({ participant: z.object({ inference_url: z.string(), validator_key: z.string() }) })
      .parse((await http(`${seedUrlOf()}/v2/participants/${cold.address}`)).json)
    expect(got.participant).toEqual(
      expect.objectContaining({ inference_url: 'http://198.51.100.21:8000', validator_key: 'bmV3LWtleQ==' }),
    )
  }, 60_000)
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
