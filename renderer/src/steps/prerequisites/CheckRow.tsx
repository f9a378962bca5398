import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { CheckCatalogueEntry, CheckResult } from '../../../../electron/shared/checks'
import { CopyButton } from './CopyButton'

/** What a row shows: its last result, or that it is being checked / waiting for one. */
export interface CheckRowProps {
  readonly entry: CheckCatalogueEntry
  readonly serverName: string
  readonly result: CheckResult | undefined
  /** This row is part of the run that is going. */
  readonly checking: boolean
  /** Some run of this step is going (no new run can start). */
  readonly busy: boolean
  readonly acknowledged: boolean
  readonly onRecheck: () => void
  readonly onAcknowledge: (acknowledged: boolean) => void
}

/** One check on one host: status, message, and for problems why it matters and the fix. */
export function CheckRow(props: CheckRowProps) {
  const { t } = useTranslation()
  const id = useId()
  const { entry, result, serverName } = props
  const title = t(entry.titleKey)
  const status = props.checking ? 'checking' : (result?.status ?? 'pending')
  const problem = !props.checking && result && (result.status === 'fail' || result.status === 'warn')
  const values = result?.messageValues ?? {}
  const fix = result?.fix
  const context = { check: title, host: serverName }

  return (
    <li className={`check-row check-${status}${problem && props.acknowledged ? ' check-accepted' : ''}`}>
      <article aria-labelledby={`${id}-title`} aria-busy={props.checking}>
        <div className="check-head">
          <span className={`check-badge check-badge-${status}`}>
            {status === 'checking' || status === 'pending'
              ? t(`checksUi.row.${status}`)
              : t(`checks.status.${status}`)}
          </span>
          <h4 id={`${id}-title`} className="check-title">
            {title}
          </h4>
          {result && (
            <button
              type="button"
              className="small-button"
              disabled={props.busy}
              aria-label={t('checksUi.row.recheckLabel', context)}
              onClick={props.onRecheck}
            >
              {t('checksUi.row.recheck')}
            </button>
          )}
        </div>
        {result && <p className="check-message">{t(result.messageKey, values)}</p>}
        {problem && (
          <div className="check-detail">
            <p className="check-why">
              <span className="check-label">{t('checksUi.row.why')}</span> {t(entry.whyKey)}
            </p>
            {fix && (
              <div className="check-fix">
                <p>
                  <span className="check-label">{t('checksUi.row.fix')}</span> {t(fix.key, values)}
                </p>
                {fix.command && (
                  <div className="fix-command">
                    <pre>
                      <code id={`${id}-cmd`}>{fix.command}</code>
                    </pre>
                    <CopyButton
                      text={fix.command}
                      codeId={`${id}-cmd`}
                      label={t('checksUi.copy.label', context)}
                    />
                  </div>
                )}
              </div>
            )}
            {result.status === 'warn' && (
              <label className="accept">
                <input
                  type="checkbox"
                  checked={props.acknowledged}
                  onChange={(e) => props.onAcknowledge(e.target.checked)}
                />
                {t('checksUi.row.accept')}
              </label>
            )}
          </div>
        )}
      </article>
    </li>
  )
}
