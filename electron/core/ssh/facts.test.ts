import { describe, expect, it } from 'vitest'
import { factsFrom, parseFactsOutput } from './facts'

const raw = (lines: string) =>
  parseFactsOutput(
    `os_id=ubuntu\nos_version=24.04\nuser=gonka\nuid=1000\nshell=/bin/bash\nsudo_installed=1\n${lines}`,
  )

describe('factsFrom: only proved privileges count', () => {
  it('a sudo group without a checked password is unverified, not admin or docker', () => {
    const f = factsFrom(
      raw(
        'groups=gonka sudo\nsudo_nopasswd=0\ndocker_cli=1\ndocker_info=0\ndocker_socket=1\ndocker_socket_rw=0',
      ),
    )
    expect(f.sudo).toBe('password-unverified')
    expect(f.can).toMatchObject({ admin: false, docker: false, unverified: ['admin', 'docker'] })
  })

  it('the login password checked with sudo -S makes admin (and Docker through sudo) real', () => {
    const f = factsFrom(raw('groups=gonka sudo\nsudo_nopasswd=0\ndocker_cli=1\ndocker_info=0'), true)
    expect(f.can).toMatchObject({ admin: true, docker: true, unverified: [] })
    expect(factsFrom(raw('groups=gonka sudo\nsudo_nopasswd=0'), false).can).toMatchObject({
      admin: false,
      unverified: [],
    })
  })

  it('docker info answering proves Docker access even with unverified sudo', () => {
    const f = factsFrom(raw('groups=gonka sudo docker\nsudo_nopasswd=0\ndocker_cli=1\ndocker_info=1'))
    expect(f.can).toMatchObject({ admin: false, docker: true, unverified: ['admin'] })
  })

  it('passwordless sudo is admin; sudo -n docker info is Docker access', () => {
    const f = factsFrom(raw('groups=gonka\nsudo_nopasswd=1\ndocker_cli=1\ndocker_info=0\nsudo_docker=1'))
    expect(f.can).toMatchObject({ admin: true, adminWithoutPrompt: true, docker: true, unverified: [] })
  })
})
