import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Server, Topology } from '../../../../electron/shared/profile'
import { ConnectionStatus, TestConnectionButton } from './connection/ConnectionStatus'

/** The servers of the profile, each with its role, address and edit / remove actions. */
export function ServerList(props: {
  servers: readonly Server[]
  topology: Topology
  onEdit: (server: Server) => void
  onRemove: (id: string) => void
}) {
  const { t } = useTranslation()
  const [confirming, setConfirming] = useState<string | undefined>(undefined)
  if (props.servers.length === 0) {
    return <p className="muted">{t(`servers.empty.${props.topology}`)}</p>
  }
  return (
    <ul className="server-list" aria-label={t('servers.title')}>
      {props.servers.map((server) => (
        <li key={server.id} className="server-card" aria-label={server.name}>
          <div className="server-main">
            <span className="server-name">{server.name}</span>
            <span className={`role role-${server.role}`}>{t(`roles.${server.role}`)}</span>
          </div>
          <div className="server-detail muted">
            {t('servers.summary', {
              user: server.user,
              address: server.address,
              port: server.port,
              auth: t(`auth.${server.auth}`),
            })}
          </div>
          <div className="server-actions">
            {confirming === server.id ? (
              <>
                <span>{t('servers.removeConfirm', { name: server.name })}</span>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    setConfirming(undefined)
                    props.onRemove(server.id)
                  }}
                >
                  {t('servers.removeYes')}
                </button>
                <button type="button" onClick={() => setConfirming(undefined)}>
                  {t('common.cancel')}
                </button>
              </>
            ) : (
              <>
                <TestConnectionButton server={server} />
                <button
                  type="button"
                  onClick={() => props.onEdit(server)}
                  aria-label={t('servers.editNamed', { name: server.name })}
                >
                  {t('common.edit')}
                </button>
                <button
                  type="button"
                  onClick={() => setConfirming(server.id)}
                  aria-label={t('servers.removeNamed', { name: server.name })}
                >
                  {t('common.remove')}
                </button>
              </>
            )}
          </div>
          <ConnectionStatus server={server} />
        </li>
      ))}
    </ul>
  )
}
