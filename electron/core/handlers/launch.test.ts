import { describe, expect, it } from 'vitest'
import { recognizeFailures } from '../gonka/failure-patterns'
import { fixCommand } from './launch'

describe('fixCommand', () => {
  it('names the command that shows what holds an allocated port', () => {
    const [m] = recognizeFailures({
      service: 'proxy',
      state: 'created',
      lines: [
        'Error response from daemon: driver failed programming external connectivity on endpoint proxy: Bind for 0.0.0.0:8000 failed: port is already allocated',
      ],
    })
    expect(m?.id).toBe('port-allocated')
    expect(m && fixCommand(m)).toBe("sudo ss -ltnp 'sport = :8000'")
  })

  it('quotes the service of a restart and refuses a port that is not a number', () => {
    expect(fixCommand({ id: 'cuda-oom', service: "ml node's", params: {} })).toBe(
      "docker restart 'ml node'\\''s'",
    )
    expect(
      fixCommand({ id: 'port-allocated', service: 'x', params: { port: '80; rm -rf /' } }),
    ).toBeUndefined()
    expect(fixCommand({ id: 'image-not-found', service: 'x', params: {} })).toBeUndefined()
  })
})
