import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../log'
import { createPassphraseSealer } from '../secrets/passphrase-sealer'
import { createService, type AppService } from '../service'
import type { NewAccountKey } from '../../shared/ops/keys'
import { accountFromMnemonic } from '../gonka/keys'

const FAUCET =
  'economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone'

let dir: string
let service: AppService
let logLines: string[]

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keys-handlers-'))
  logLines = []
  service = createService(
    {
      dataDir: dir,
      appName: 'Test',
      appVersion: '9.9.9',
      platform: 'linux',
      runtime: 'cli',
      homeDir: dir,
      secretSealer: createPassphraseSealer({ logN: 10 }),
    },
    { logger: createLogger('debug', (line) => logLines.push(line)) },
  )
})
afterEach(async () => {
  await service.dispose()
  await rm(dir, { recursive: true, force: true })
})

async function create(): Promise<NewAccountKey> {
  const r = await service.invoke('createAccountKey', {})
  if (!r.ok) throw new Error(r.error.message)
  return r.value
}

async function allFilesText(root: string): Promise<string> {
  let out = ''
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out += (await readFile(join(entry.parentPath, entry.name))).toString('latin1')
  }
  return out
}

describe('account key operations', () => {
  it('makes a key whose words derive the same address, confirms it, then forgets the words', async () => {
    const key = await create()
    expect(key.words).toHaveLength(24)
    expect(accountFromMnemonic(key.words.join(' '))).toEqual({ address: key.address, pubkey: key.pubkey })
    expect(key.checkPositions).toHaveLength(3)

    const answers = key.checkPositions.map((p) => ({ position: p, word: key.words[p - 1] ?? '' }))
    const ok = await service.invoke('confirmAccountKey', { ceremonyId: key.ceremonyId, answers })
    expect(ok).toEqual({ ok: true, value: { address: key.address, pubkey: key.pubkey, kept: false } })
    const again = await service.invoke('confirmAccountKey', { ceremonyId: key.ceremonyId, answers })
    expect(!again.ok && again.error.code).toBe('NOT_FOUND')
  })

  it('refuses a wrong word, naming its position, and still accepts the right words after', async () => {
    const key = await create()
    const [first, second, third] = key.checkPositions as [number, number, number]
    const wrongWord = key.words[first - 1] === 'zoo' ? 'abandon' : 'zoo'
    const answers = [
      { position: first, word: wrongWord },
      { position: second, word: key.words[second - 1] ?? '' },
      { position: third, word: key.words[third - 1] ?? '' },
    ]
    const wrong = await service.invoke('confirmAccountKey', { ceremonyId: key.ceremonyId, answers })
    expect(wrong.ok).toBe(false)
    if (!wrong.ok) {
      expect(wrong.error.code).toBe('INVALID_INPUT')
      expect(wrong.error.fields).toEqual({ [`answers.${first}`]: 'keys.wrongWord' })
      expect(wrong.error.details?.attemptsLeft).toBe(4)
    }
    answers[0] = { position: first, word: key.words[first - 1] ?? '' }
    expect((await service.invoke('confirmAccountKey', { ceremonyId: key.ceremonyId, answers })).ok).toBe(true)
  })

  it('keeps the words only encrypted, after the passphrase is given', async () => {
    const key = await create()
    const answers = key.checkPositions.map((p) => ({ position: p, word: key.words[p - 1] ?? '' }))
    const locked = await service.invoke('confirmAccountKey', {
      ceremonyId: key.ceremonyId,
      answers,
      keep: true,
    })
    expect(!locked.ok && locked.error.code).toBe('PASSPHRASE_REQUIRED')
    expect((await service.invoke('unlockSecrets', { passphrase: 'a long passphrase' })).ok).toBe(true)
    const kept = await service.invoke('confirmAccountKey', {
      ceremonyId: key.ceremonyId,
      answers,
      keep: true,
    })
    expect(kept.ok && kept.value.kept).toBe(true)
    const status = await service.invoke('getSecretsStatus', {})
    expect(status.ok && status.value.entries.map((e) => e.name)).toEqual([`mnemonic:${key.address}`])
    expect(await allFilesText(dir)).not.toContain(key.words.slice(0, 4).join(' '))

    const forgot = await service.invoke('forgetAllSecrets', {})
    expect(forgot.ok && forgot.value.stored).toBe(1)
    const after = await service.invoke('getSecretsStatus', {})
    expect(after.ok && after.value.needsPassphrase).toBe(true)
  })

  it('imports words or a public key; refuses an address, a 65-byte key and a bad checksum by field', async () => {
    const byWords = await service.invoke('importAccountKey', { mnemonic: FAUCET })
    expect(byWords.ok && byWords.value.address).toBe('gonka1kr8kwwzl93t7ufxrz8qxqs8n2q8v37935m25pn')
    const byKey = await service.invoke('importAccountKey', {
      pubkey: 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/',
    })
    expect(byKey.ok && byKey.value.address).toBe('gonka1kr8kwwzl93t7ufxrz8qxqs8n2q8v37935m25pn')

    const address = await service.invoke('importAccountKey', {
      pubkey: 'gonka1kr8kwwzl93t7ufxrz8qxqs8n2q8v37935m25pn',
    })
    expect(!address.ok && address.error.fields).toEqual({ pubkey: 'keys.problem.address-only' })
    const long = await service.invoke('importAccountKey', { pubkey: Buffer.alloc(65, 4).toString('base64') })
    expect(!long.ok && long.error.fields).toEqual({ pubkey: 'keys.problem.pubkey-uncompressed' })
    const words = FAUCET.split(' ')
    const swapped = [...words.slice(0, 22), words[23], words[22]].join(' ')
    const bad = await service.invoke('importAccountKey', { mnemonic: swapped })
    expect(!bad.ok && bad.error.fields).toEqual({ mnemonic: 'keys.problem.checksum' })
    expect(!bad.ok && bad.error.message).not.toContain('stone')
    const both = await service.invoke('importAccountKey', { mnemonic: FAUCET, pubkey: 'x' })
    expect(!both.ok && both.error.code).toBe('INVALID_INPUT')
    expect(JSON.stringify(both)).not.toContain('economy')
  })

  it('canary: the words reach no log line and no file in the data folder', async () => {
    const key = await create()
    const answers = key.checkPositions.map((p) => ({ position: p, word: key.words[p - 1] ?? '' }))
    await service.invoke('confirmAccountKey', { ceremonyId: key.ceremonyId, answers: answers.slice(0, 1) })
    await service.invoke('unlockSecrets', { passphrase: 'a long passphrase' })
    await service.invoke('confirmAccountKey', { ceremonyId: key.ceremonyId, answers, keep: true })
    await service.invoke('importAccountKey', { mnemonic: FAUCET, keep: true })
    await service.invoke('importAccountKey', { mnemonic: `${FAUCET} extra` })
    const phrase = key.words.join(' ')
    const logs = logLines.join('\n')
    const files = await allFilesText(dir)
    for (const text of [logs, files]) {
      expect(text).not.toContain(phrase)
      expect(text).not.toContain(key.words.slice(10, 13).join(' '))
      expect(text).not.toContain('economy stock theory')
    }
  })

  it('writes only the public key into the profile given (deployment.accountPubkey)', async () => {
    const now = new Date().toISOString()
    const profile = {
      schemaVersion: 1,
      id: 'lab',
      name: 'Lab',
      topology: 'split',
      servers: [],
      createdAt: now,
      updatedAt: now,
    }
    expect((await service.invoke('saveProfile', { profile })).ok).toBe(true)
    const r = await service.invoke('importAccountKey', { mnemonic: FAUCET, profileId: 'lab' })
    expect(r.ok && r.value.savedTo).toBe('lab')
    const loaded = await service.invoke('loadProfile', { id: 'lab' })
    expect(loaded.ok && loaded.value.deployment?.accountPubkey).toBe(
      'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/',
    )
    expect(await allFilesText(dir)).not.toContain('economy stock')
    const missing = await service.invoke('importAccountKey', {
      pubkey: 'Ai+DNbtVBE6UCYoa8Cax6vsvQJjioxht4zOLLihOsXf/',
      profileId: 'nope',
    })
    expect(missing.ok && missing.value.savedTo).toBe(undefined)
  })
})
