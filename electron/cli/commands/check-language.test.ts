import { describe, expect, it } from 'vitest'
import { toResult } from '../../core/checks/rules'
import { printTable } from './check'

const results = [
  toResult(
    'docker.engine',
    { id: 's1', name: 'gpu-1' },
    { status: 'fail', msg: 'missing', fix: { variant: 'install' } },
  ),
  toResult(
    'cpu.cores',
    { id: 's1', name: 'gpu-1' },
    { status: 'warn', msg: 'few', values: { cores: 8, min: 16 } },
  ),
]

function table(language: 'en' | 'zh-CN' | 'ru'): string {
  const lines: string[] = []
  printTable({ results }, (line) => lines.push(line), language)
  return lines.join('\n')
}

describe('check: the human-readable table in the CLI language', () => {
  it('is English by default', () => {
    expect(table('en')).toContain('Docker is not installed.')
    expect(table('en')).toContain('fix: Install Docker Engine.')
  })

  it('is Russian with GHW_LANG=ru or a Russian locale, placeholders filled', () => {
    const ru = table('ru')
    expect(ru).toContain('Docker не установлен.')
    expect(ru).toContain('fix: Установите Docker Engine.')
    expect(ru).toContain('Ядер: 8; рекомендуется 16.')
    expect(ru).not.toMatch(/\{\{|Docker is not installed/)
    expect(table('zh-CN')).not.toContain('Docker is not installed.')
  })
})
