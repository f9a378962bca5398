import { describe, expect, it } from 'vitest'
import { isAllowedExternalUrl } from './external-links'

describe('isAllowedExternalUrl', () => {
  it('allows Gonka documentation and the Gonka repositories over https', () => {
    expect(isAllowedExternalUrl('https://gonka.ai/host/quickstart/')).toBe(true)
    expect(isAllowedExternalUrl('https://gonka.ai/')).toBe(true)
    expect(isAllowedExternalUrl('https://github.com/gonka-ai/gonka')).toBe(true)
    expect(isAllowedExternalUrl('https://github.com/gonka-ai/gonka/blob/main/README.md#x')).toBe(true)
  })

  it('refuses everything else', () => {
    for (const url of [
      'http://gonka.ai/host/',
      'https://gonka.ai.evil.example/',
      'https://evil.example/?https://gonka.ai/',
      'https://user:pass@gonka.ai/',
      'https://gonka.ai:8443/',
      'https://github.com/someone/gonka',
      'https://github.com/gonka-ai-fake/gonka',
      'https://github.com/gonka-ai/../attacker/repo',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false)
    }
  })
})
