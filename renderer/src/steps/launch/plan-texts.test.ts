import { createInstance } from 'i18next'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import type { DeployPlan } from '../../../../electron/shared/deploy'
import { DEPLOYMENT_VALIDATION_KEYS } from '../../../../electron/shared/deployment'
import { renderDeployText } from '../../../../electron/core/deploy/texts'
import { resources } from '../../i18n'
import { PlanReview } from './PlanReview'

// The plan texts come from the back end as keys with parameters, and some parameters are keys
// themselves (`why: deploy.notice.noKeys`, `problem: config.validation.*`). The user must read
// sentences, never `deploy.…` or `config.validation.…`, in the app and in the CLI.

const RAW_KEY = /\b(deploy|config|launch)\.[a-zA-Z]+\.[a-zA-Z.]+/
const LANGUAGES = ['en', 'zh-CN', 'ru'] as const

async function i18nFor(lng: string) {
  const i18n = createInstance()
  await i18n
    .use(initReactI18next)
    .init({ resources, lng, fallbackLng: 'en', interpolation: { escapeValue: false } })
  return i18n
}

function planWith(problems: readonly string[]): DeployPlan {
  const changes = problems.map((problem) => ({
    kind: 'blocked' as const,
    summary: {
      key: 'deploy.change.configProblem',
      // Every parameter a config.validation sentence may name (as desired-config gives them).
      params: {
        problem,
        ...{ server: 'ml1', path: '/mnt/shared', freeGb: '3', needGb: '64', scheme: 'https', host: 'api' },
        ...{
          fixed: 'http://10.0.0.1:9100',
          port: '9000',
          servers: 'ml1',
          state: 'refused',
          name: 'KEY_NAME',
        },
      },
    },
  }))
  return {
    planId: 'p',
    profileId: 'lab',
    createdAt: '2026-12-02T00:00:00Z',
    fingerprint: 'f',
    empty: false,
    hosts: [
      {
        host: 'net',
        hostId: 'net',
        notices: [{ key: 'deploy.notice.cannotServe', params: { host: 'net', why: 'deploy.notice.noKeys' } }],
        steps: [
          {
            actionId: 'net/config.env',
            hostId: 'net',
            title: { key: 'deploy.action.configEnv', params: { host: 'net' } },
            changes,
          },
        ],
        changes,
      },
    ],
  }
}

const ALL_PROBLEMS = DEPLOYMENT_VALIDATION_KEYS.map((k) => `config.validation.${k}`)

describe('plan texts whose parameters are keys', () => {
  for (const lng of LANGUAGES) {
    it(`the plan review (${lng}) shows sentences, never a raw key, for every config problem and the keys notice`, async () => {
      const i18n = await i18nFor(lng)
      const html = renderToStaticMarkup(
        createElement(I18nextProvider, { i18n }, createElement(PlanReview, { plan: planWith(ALL_PROBLEMS) })),
      )
      expect(html).not.toMatch(RAW_KEY)
      expect(html).not.toContain('{{')
      const noKeys = i18n.t('deploy.notice.noKeys')
      expect(noKeys).not.toBe('deploy.notice.noKeys')
      expect(html).toContain(noKeys)
      expect(html).toContain(i18n.t('config.validation.passwordMissing'))
      // A problem with parameters of its own is complete (HF_HOME too small on ml1).
      expect(html).toContain(
        i18n.t('config.validation.hfHomeSpace', {
          server: 'ml1',
          path: '/mnt/shared',
          freeGb: '3',
          needGb: '64',
        }),
      )
    })
  }

  it('the CLI renders the same texts without a raw key, in both languages', () => {
    const plan = planWith(ALL_PROBLEMS)
    for (const lng of LANGUAGES) {
      const texts = [...plan.hosts[0]!.notices, ...plan.hosts[0]!.changes.map((c) => c.summary)].map((t) =>
        renderDeployText(t, lng),
      )
      for (const text of texts) {
        expect(text).not.toMatch(RAW_KEY)
        expect(text).not.toContain('{{')
      }
    }
    expect(renderDeployText(plan.hosts[0]!.notices[0]!)).toBe(
      'net cannot serve yet: the account key (ACCOUNT_PUBKEY) and the warm key are not set up yet (step 3)',
    )
  })

  it('a parameter that only looks like a key, or is a plain value, is shown as it is', () => {
    expect(
      renderDeployText({ key: 'deploy.change.configProblem', params: { problem: 'no.such.key' } }),
    ).toContain('no.such.key')
  })
})
