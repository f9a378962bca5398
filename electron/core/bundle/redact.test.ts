import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { PROFILE_SCHEMA_VERSION } from '../../shared/profile'
import { REDACTED, redact, redactValue } from './redact'
import { stripConfigEnvSecrets } from './strip-env'
import { buildSupportBundle } from './support-bundle'

const WORDS =
  'economy stock theory fatal elder harbor betray wasp final emotion task crumble siren bottom lizard educate guess current outdoor pair theory focus wife stone'
const PEM = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----'

describe('redact', () => {
  it('removes a known secret wherever it appears, longest first', () => {
    expect(redact('pw is Hunter2-long, again Hunter2-long.', ['Hunter2-long'])).toBe(
      `pw is ${REDACTED}, again ${REDACTED}.`,
    )
    // Values shorter than 4 characters are not replaced everywhere (they would eat ordinary text).
    expect(redact('abc abc', ['abc'])).toBe('abc abc')
  })

  it('removes the words of a mnemonic even when re-wrapped, and any 12+ word run', () => {
    const wrapped = WORDS.split(' ').slice(0, 12).join(' ') + '\n   ' + WORDS.split(' ').slice(12).join('  ')
    expect(redact(`words: ${wrapped} end`, [WORDS])).not.toMatch(/economy|stone/)
    expect(redact(`Log: ${WORDS}`)).toBe(`Log: ${REDACTED}`)
  })

  it('removes private key blocks, even cut off', () => {
    expect(redact(`key:\n${PEM}\ndone`)).toBe(`key:\n${REDACTED}\ndone`)
    expect(redact('-----BEGIN PRIVATE KEY-----\nMIIE')).toBe(REDACTED)
  })

  it('empties secret config.env variables and password/passphrase/token assignments', () => {
    expect(redact('export KEYRING_PASSWORD=abc123x\nKEY_NAME=warm')).toBe(
      `export KEYRING_PASSWORD=${REDACTED}\nKEY_NAME=warm`,
    )
    expect(redact('{"sshPassword":"s3cr3t","name":"n"}')).toBe(`{"sshPassword":"${REDACTED}","name":"n"}`)
    expect(redact('passphrase: open sesame')).toContain(REDACTED)
    expect(redact('api_token=abcdef')).toBe(`api_token=${REDACTED}`)
  })

  it('redactValue keeps the JSON shape', () => {
    expect(redactValue({ a: ['x Secret-value-1 y'], password: 'p' }, ['Secret-value-1'])).toEqual({
      a: [`x ${REDACTED} y`],
      password: REDACTED,
    })
  })
})

describe('config.env without secrets', () => {
  it('empties the secret values and keeps comments, order and other values', () => {
    const text = '# keys\nKEY_NAME=warm\nexport KEYRING_PASSWORD="p@ss word"\nGRAFANA_ADMIN_PASSWORD=x\nPUBLIC_URL=http://1.2.3.4:8000\n'
    const out = stripConfigEnvSecrets(text)
    expect(out).toContain('# keys\nKEY_NAME=warm\n')
    expect(out).toContain('KEYRING_PASSWORD=""')
    expect(out).toContain('GRAFANA_ADMIN_PASSWORD=""')
    expect(out).toContain('PUBLIC_URL=http://1.2.3.4:8000')
    expect(out).not.toContain('p@ss word')
  })
})

describe('support bundle', () => {
  it('passes every file through the redaction', () => {
    const { zip, files } = buildSupportBundle({
      appVersion: '1',
      createdAt: '2026-12-02T00:00:00.000Z',
      profile: {
        schemaVersion: PROFILE_SCHEMA_VERSION,
        id: 'p',
        name: 'p',
        topology: 'single',
        servers: [],
        createdAt: 'x',
        updatedAt: 'x',
      },
      journal: '{"reason":"failed with Keyring-Canary-1"}',
      containers: [{ serverId: 'net', name: 'api', state: 'running', lines: ['KEYRING_PASSWORD=Keyring-Canary-1', PEM, WORDS] }],
      problems: [{ serverId: 'net', message: 'password=Keyring-Canary-1' }],
      knownSecrets: ['Keyring-Canary-1'],
    })
    expect(files).toEqual(expect.arrayContaining(['app.json', 'profile.json', 'journal.jsonl', 'containers/net/api.log']))
    for (const [path, data] of Object.entries(unzipSync(zip))) {
      const text = strFromU8(data)
      expect(text, path).not.toContain('Keyring-Canary-1')
      expect(text, path).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=')
      expect(text, path).not.toContain('economy stock')
    }
  })
})
