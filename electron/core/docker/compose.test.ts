import { describe, expect, it } from 'vitest'
import { composeScript } from './compose'

describe('composeScript', () => {
  it('sources config.env in the deploy folder and passes compose arguments quoted', () => {
    const script = composeScript({
      dir: '/home/u/my gonka/deploy/join',
      files: ['docker-compose.yml'],
      args: ['up', '-d', '--no-deps', 'tmkms', 'node'],
    })
    expect(script).toContain("cd '/home/u/my gonka/deploy/join'")
    expect(script).toContain('. ./config.env')
    expect(script).toMatch(/exec docker compose -f docker-compose\.yml up -d --no-deps tmkms node/)
  })

  it('refuses --remove-orphans with one compose file', () => {
    expect(() =>
      composeScript({
        dir: '/d',
        files: ['docker-compose.mlnode.yml'],
        args: ['up', '-d', '--remove-orphans'],
      }),
    ).toThrow(/remove-orphans/)
  })
})
