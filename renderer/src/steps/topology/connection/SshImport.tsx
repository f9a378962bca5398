import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { SshConfigCandidate } from '../../../../../electron/shared/ops/ssh'
import type { Server, Topology } from '../../../../../electron/shared/profile'
import { ErrorText } from '../../../components/ErrorText'
import { useStore } from '../../../store'
import './connection.css'

function targetText(c: SshConfigCandidate): string {
  return `${c.user ? `${c.user}@` : ''}${c.address}:${c.port}`
}

/** Lists the hosts of ~/.ssh/config with checkboxes; the chosen ones become servers. */
export function SshImport(props: { servers: readonly Server[]; topology: Topology; canAdd: boolean }) {
  const { t } = useTranslation()
  const id = useId()
  const imp = useStore((s) => s.sshImport)
  const requested = useStore((s) => s.sshImportRequested)
  const closed = useStore((s) => s.sshImportClosed)
  const chosen = useStore((s) => s.sshCandidatesChosen)
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set())
  const [busy, setBusy] = useState(false)

  if (imp.state === 'closed') {
    return props.canAdd ? (
      <button
        type="button"
        onClick={() => {
          setPicked(new Set())
          void requested()
        }}
      >
        {t('connection.import.open')}
      </button>
    ) : null
  }
  if (imp.state === 'loading') {
    return (
      <p className="muted" role="status">
        {t('connection.import.loading')}
      </p>
    )
  }
  if (imp.state === 'failed') {
    return (
      <div className="banner banner-error" role="alert">
        <ErrorText error={imp.error} />
        <button type="button" onClick={closed}>
          {t('connection.import.close')}
        </button>
      </div>
    )
  }
  const exists = (c: SshConfigCandidate): boolean =>
    props.servers.some((s) => (s.address === c.address && s.port === c.port) || s.name === c.alias)
  const tooMany = props.topology === 'single' && props.servers.length + picked.size > 1
  const selected = imp.candidates.filter((c) => picked.has(c.alias))

  return (
    <section className="ssh-import" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('connection.import.title', { path: imp.path })}</h3>
      {imp.candidates.length === 0 ? (
        <p>{t('connection.import.empty', { path: imp.path })}</p>
      ) : (
        <fieldset className="candidates">
          <legend>{t('connection.import.intro')}</legend>
          {imp.candidates.map((c) => {
            const added = exists(c)
            return (
              <label key={c.alias} className="candidate">
                <input
                  type="checkbox"
                  disabled={added}
                  checked={picked.has(c.alias)}
                  onChange={(e) => {
                    const next = new Set(picked)
                    if (e.target.checked) next.add(c.alias)
                    else next.delete(c.alias)
                    setPicked(next)
                  }}
                />
                {t('connection.import.candidate', { alias: c.alias, target: targetText(c) })}
                {c.proxyJump && (
                  <span className="muted small"> {t('connection.import.via', { jump: c.proxyJump })}</span>
                )}
                {added && <span className="muted small"> {t('connection.import.already')}</span>}
              </label>
            )
          })}
        </fieldset>
      )}
      {tooMany && (
        <p className="field-error" role="alert">
          {t('connection.import.singleOnlyOne')}
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="primary"
          disabled={selected.length === 0 || tooMany || busy}
          onClick={() => {
            setBusy(true)
            void chosen(selected).finally(() => setBusy(false))
          }}
        >
          {t('connection.import.add')}
        </button>
        <button type="button" onClick={closed}>
          {t('connection.import.close')}
        </button>
      </div>
    </section>
  )
}
