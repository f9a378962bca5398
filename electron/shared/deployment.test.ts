import { describe, expect, it } from 'vitest'
import {
  defaultDeploymentSettings,
  deploymentSettingsSchema,
  validateAccountPubkey,
  validateDeploymentSettings,
  validateKeyringPassword,
  validatePublicHost,
  validateRepoRef,
  validateRepoUrl,
} from './deployment'
import { profileSchema } from './profile'

const key = (first: number, length = 33): string =>
  btoa(String.fromCharCode(first, ...Array.from({ length: length - 1 }, (_, i) => (i * 7) % 256)))

describe('deployment settings', () => {
  it('fills the documented defaults', () => {
    const d = defaultDeploymentSettings()
    expect(d).toMatchObject({
      repoUrl: 'https://github.com/gonka-ai/gonka.git',
      repoRef: 'main',
      dir: '~/gonka',
      apiPort: 8000,
      apiSslPort: 8443,
      hfHome: '/mnt/shared',
      https: false,
      mlNodes: [],
    })
  })

  it('a profile without deployment settings still reads, and one with them keeps them', () => {
    const base = {
      schemaVersion: 1,
      id: 'p1',
      name: 'P',
      topology: 'split',
      servers: [],
      createdAt: 'x',
      updatedAt: 'x',
    }
    expect(profileSchema.parse(base).deployment).toBeUndefined()
    const withDeployment = profileSchema.parse({ ...base, deployment: { publicHost: '203.0.113.7' } })
    expect(withDeployment.deployment?.publicHost).toBe('203.0.113.7')
    expect(withDeployment.deployment?.apiPort).toBe(8000)
  })

  it('never stores a keyring password', () => {
    const parsed = deploymentSettingsSchema.parse({ keyringPassword: 'hunter22' })
    expect(JSON.stringify(parsed)).not.toContain('hunter22')
  })

  it('checks the account key shape: base64 of 33 bytes starting 02 or 03', () => {
    expect(validateAccountPubkey(key(2))).toBeUndefined()
    expect(validateAccountPubkey(key(3))).toBeUndefined()
    expect(validateAccountPubkey('')).toBeUndefined()
    expect(validateAccountPubkey(key(4))).toBe('pubkeyPrefix')
    expect(validateAccountPubkey(key(2, 32))).toBe('pubkeyLength')
    expect(validateAccountPubkey(key(2, 65))).toBe('pubkeyLength')
    expect(validateAccountPubkey('not base64!')).toBe('pubkeyBase64')
    expect(validateAccountPubkey(key(2).slice(0, -1))).toBe('pubkeyBase64')
  })

  it('refuses private and schemed public addresses', () => {
    expect(validatePublicHost('203.0.113.7')).toBeUndefined()
    expect(validatePublicHost('node.example.com')).toBeUndefined()
    expect(validatePublicHost('10.0.0.5')).toBe('publicHostPrivate')
    expect(validatePublicHost('localhost')).toBe('publicHostPrivate')
    expect(validatePublicHost('http://203.0.113.7')).toBe('publicHostHasScheme')
    expect(validatePublicHost('')).toBe('publicHostRequired')
  })

  it('keyring password: at least 8 characters, no control characters', () => {
    expect(validateKeyringPassword('1234567')).toBe('passwordShort')
    expect(validateKeyringPassword("it's a $pass")).toBeUndefined()
    expect(validateKeyringPassword('abc\ndefgh')).toBe('passwordControl')
  })

  it('repository URL and ref', () => {
    expect(validateRepoUrl('https://github.com/gonka-ai/gonka.git')).toBeUndefined()
    expect(validateRepoUrl('git@github.com:gonka-ai/gonka.git')).toBeUndefined()
    expect(validateRepoUrl('https://u:p@github.com/x.git')).toBe('repoUrlCredentials')
    expect(validateRepoUrl('--upload-pack=x')).toBe('repoUrlInvalid')
    expect(validateRepoRef('vllm-0.25.1-upgrade')).toBeUndefined()
    expect(validateRepoRef('-x')).toBe('repoRefInvalid')
    expect(validateRepoRef('a..b')).toBe('repoRefInvalid')
  })

  it('whole-settings validation names the fields', () => {
    const d = { ...defaultDeploymentSettings(), https: true, apiSslPort: 8000 }
    const p = validateDeploymentSettings(d)
    expect(p).toMatchObject({
      publicHost: 'publicHostRequired',
      domain: 'domainRequiredForHttps',
      keyName: 'keyNameRequired',
      apiSslPort: 'portsSame',
    })
  })
})
