import { describe, expect, it } from 'vitest'
import { renderDeployText } from './texts'

describe('deploy texts in every language (CLI plans, engine messages)', () => {
  it('renders a plan line in English, Chinese and Russian with its placeholders filled', () => {
    const text = { key: 'deploy.change.containerStart', params: { service: 'api', state: 'exited' } }
    expect(renderDeployText(text)).toBe('Start api (it is exited)')
    expect(renderDeployText(text, 'ru')).toBe('Запустить api (сейчас: exited)')
    expect(renderDeployText(text, 'zh-CN')).not.toMatch(/Start api|\{\{/)
  })

  it('finds the ML node, restore and server-keys texts in Russian too', () => {
    expect(renderDeployText({ key: 'deploy.node.action.enable', params: { id: 'gpu-1' } }, 'ru')).toBe(
      'Включить ML-узел gpu-1',
    )
    for (const key of ['deploy.restore.action', 'deploy.keys.action.warm']) {
      const ru = renderDeployText({ key, params: { host: 'net' } }, 'ru')
      expect(ru, key).not.toBe(key)
      expect(ru).not.toBe(renderDeployText({ key, params: { host: 'net' } }))
    }
  })
})
