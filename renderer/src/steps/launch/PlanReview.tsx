import { useTranslation } from 'react-i18next'
import type { DeployChange, DeployPlan, I18nText } from '../../../../electron/shared/deploy'
import { translateText } from './launch-model'

/** Translates a back-end text (key and parameters). */
export function useText(): (text: I18nText) => string {
  const { t, i18n } = useTranslation()
  // A parameter that is itself a key (deploy.notice.noKeys, config.validation.*) is translated too.
  return (text) =>
    translateText(
      (key, params) => t(key, params),
      (key) => i18n.exists(key),
      text,
    )
}

function Change({ change }: { change: DeployChange }) {
  const { t } = useTranslation()
  const text = useText()
  switch (change.kind) {
    case 'file':
      return (
        <li className="launch-change" data-kind="file">
          <span className="launch-kind">{t('launch.plan.kind.file')}</span> {text(change.summary)}
          {change.mode !== undefined && (
            <span className="muted"> ({t('launch.plan.mode', { mode: change.mode.toString(8) })})</span>
          )}
          {change.diff !== '' && (
            <details>
              <summary>{t('launch.plan.showDiff', { path: change.path })}</summary>
              <pre className="launch-diff" aria-label={t('launch.plan.diffLabel', { path: change.path })}>
                {change.diff.split('\n').map((l, i) => (
                  <span key={i} className={l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : undefined}>
                    {l + '\n'}
                  </span>
                ))}
              </pre>
            </details>
          )}
        </li>
      )
    case 'image':
      return (
        <li className="launch-change" data-kind="image">
          <span className="launch-kind">{t('launch.plan.kind.image')}</span> {text(change.summary)}
        </li>
      )
    case 'container':
      return (
        <li className="launch-change" data-kind="container" data-op={change.op}>
          <span className="launch-kind">{t(`launch.plan.containerOp.${change.op}`)}</span>{' '}
          {text(change.summary)}
        </li>
      )
    case 'command':
      return (
        <li className="launch-change" data-kind="command">
          <span className="launch-kind">{t('launch.plan.kind.command')}</span> {text(change.summary)}{' '}
          <code>{change.command}</code>
        </li>
      )
    case 'blocked':
      return (
        <li className="launch-change launch-blocked" data-kind="blocked" role="note">
          <span className="launch-kind">{t('launch.plan.kind.blocked')}</span> {text(change.summary)}
        </li>
      )
  }
}

/** The plan per server, in order: each action with what it changes and why; nothing written yet. */
export function PlanReview({ plan }: { plan: DeployPlan }) {
  const { t } = useTranslation()
  const text = useText()
  if (plan.empty)
    return (
      <p className="launch-empty" role="status">
        {t('launch.plan.empty')}
      </p>
    )
  return (
    <div className="launch-plan">
      {plan.hosts.map((host) => (
        <section
          key={host.hostId}
          className="launch-host"
          aria-label={t('launch.plan.hostLabel', { host: host.host })}
        >
          <h3>{host.host}</h3>
          {host.notices.map((n, i) => (
            <p key={i} className="banner banner-warning" role="note">
              {text(n)}
            </p>
          ))}
          {host.changes.length === 0 ? (
            <p className="muted">{t('launch.plan.hostEmpty')}</p>
          ) : (
            <ol className="launch-steps">
              {host.steps
                .filter((s) => s.changes.length > 0)
                .map((step) => (
                  <li key={step.actionId} data-action={step.actionId}>
                    <strong>{text(step.title)}</strong>
                    <ul>
                      {step.changes.map((c, i) => (
                        <Change key={i} change={c} />
                      ))}
                    </ul>
                  </li>
                ))}
            </ol>
          )}
        </section>
      ))}
    </div>
  )
}
