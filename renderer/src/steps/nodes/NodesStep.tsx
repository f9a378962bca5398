import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { NodeRow, NodesListing } from '../../../../electron/shared/nodes'
import type { AppError } from '../../../../electron/shared/result'
import { getApi } from '../../api'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'

function endpoint(row: NodeRow): string {
  const n = row.registered ?? row.expected
  return n ? `${n.host}:${n.inferencePort} / ${n.pocPort}` : ''
}

/** Step 7: the ML nodes the network node's api knows, compared with the profile. */
export function NodesStep() {
  const { t } = useTranslation()
  const profile = useStore((s) => s.profile)
  const [listing, setListing] = useState<NodesListing | undefined>()
  const [error, setError] = useState<AppError | undefined>()
  const [busy, setBusy] = useState(false)
  const profileId = profile?.id

  const load = useCallback(async () => {
    if (!profileId) return
    setBusy(true)
    const result = await getApi().listNodes({ profileId })
    setBusy(false)
    if (result.ok) {
      setListing(result.value)
      setError(undefined)
    } else setError(result.error)
  }, [profileId])

  useEffect(() => {
    const first = setTimeout(() => void load(), 0)
    return () => clearTimeout(first)
  }, [load])

  if (!profile) return null
  return (
    <section className="step step-nodes" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.mlNodes.title')}</h1>
      <p className="lead">{t('nodesUi.lead')}</p>
      <p className="muted">{t('nodesUi.nodeConfigNote')}</p>
      <div className="run-controls">
        <button type="button" onClick={() => void load()} disabled={busy}>
          {busy ? t('nodesUi.reading') : t('nodesUi.refresh')}
        </button>
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={error} />
          <p className="muted">{error.message}</p>
        </div>
      )}
      {listing && (
        <>
          {listing.expectedSource === 'servers' && <p className="muted">{t('nodesUi.fromServers')}</p>}
          <table className="nodes-table" aria-label={t('nodesUi.tableLabel')}>
            <thead>
              <tr>
                <th scope="col">{t('nodesUi.col.id')}</th>
                <th scope="col">{t('nodesUi.col.comparison')}</th>
                <th scope="col">{t('nodesUi.col.endpoint')}</th>
                <th scope="col">{t('nodesUi.col.state')}</th>
              </tr>
            </thead>
            <tbody>
              {listing.rows.map((row) => (
                <tr key={row.id} data-comparison={row.comparison}>
                  <th scope="row">{row.id}</th>
                  <td>
                    {t(`nodesUi.comparison.${row.comparison}`)}
                    {row.differences.length > 0 && (
                      <span className="muted">
                        {' '}
                        ({row.differences.map((d) => t(`nodesUi.setting.${d}`)).join(', ')})
                      </span>
                    )}
                  </td>
                  <td>{endpoint(row)}</td>
                  <td>
                    {row.registered ? (
                      <>
                        {row.registered.enabled === false ? t('nodesUi.disabled') : t('nodesUi.enabled')}
                        {row.registered.currentStatus ? ` · ${row.registered.currentStatus}` : ''}
                        {row.registered.failureReason && (
                          <div className="error-message">{row.registered.failureReason}</div>
                        )}
                      </>
                    ) : (
                      t('nodesUi.notRegistered')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {listing.rows.length === 0 && <p className="muted">{t('nodesUi.none')}</p>}
        </>
      )}
    </section>
  )
}
