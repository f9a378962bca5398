import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Server, Topology } from '../../../../electron/shared/profile'
import { ErrorText } from '../../components/ErrorText'
import { useStore } from '../../store'
import { ServerForm } from './ServerForm'
import { ServerList } from './ServerList'
import { ConnectionDialogs } from './connection/ConnectionDialogs'
import { ConnectionToolbar } from './connection/ConnectionToolbar'
import { SshImport } from './connection/SshImport'

const TOPOLOGY_CHOICES = ['single', 'split'] as const satisfies readonly Topology[]

/** Step 1: choose single machine or split, and enter the servers. */
export function TopologyStep() {
  const { t } = useTranslation()
  const nameId = useId()
  const profile = useStore((s) => s.profile)
  const check = useStore((s) => s.profileCheck)
  const saveState = useStore((s) => s.saveState)
  const saveError = useStore((s) => s.saveError)
  const topologyChosen = useStore((s) => s.topologyChosen)
  const profileRenamed = useStore((s) => s.profileRenamed)
  const serverAdded = useStore((s) => s.serverAdded)
  const serverUpdated = useStore((s) => s.serverUpdated)
  const serverRemoved = useStore((s) => s.serverRemoved)
  const [editing, setEditing] = useState<Server | 'new' | undefined>(undefined)

  if (!profile) return null
  const canAdd = profile.topology === 'split' || profile.servers.length === 0

  return (
    <section className="step" aria-labelledby="step-title">
      <h1 id="step-title">{t('steps.topology.title')}</h1>
      <p className="lead">{t('topology.lead')}</p>

      <div className="field">
        <label htmlFor={nameId}>{t('profile.name')}</label>
        <input
          id={nameId}
          value={profile.name}
          maxLength={80}
          aria-invalid={profile.name.trim() === ''}
          aria-describedby={profile.name.trim() === '' ? `${nameId}-err` : undefined}
          onChange={(e) => void profileRenamed(e.target.value)}
        />
        {profile.name.trim() === '' && (
          <p id={`${nameId}-err`} className="field-error">
            {t('validation.profileNameRequired')}
          </p>
        )}
      </div>

      <fieldset className="topology-choice">
        <legend>{t('topology.choose')}</legend>
        {TOPOLOGY_CHOICES.map((choice) => (
          <label key={choice} className={`choice ${profile.topology === choice ? 'chosen' : ''}`}>
            <input
              type="radio"
              name="topology"
              value={choice}
              checked={profile.topology === choice}
              onChange={() => void topologyChosen(choice)}
            />
            <span className="choice-title">{t(`topology.${choice}.title`)}</span>
            <span className="choice-desc">{t(`topology.${choice}.desc`)}</span>
          </label>
        ))}
      </fieldset>

      <section aria-labelledby="servers-title">
        <h2 id="servers-title">{t('servers.title')}</h2>
        {check?.topology && (
          <p className="notice notice-attention" role="status" data-testid="topology-problem">
            {t(`validation.${check.topology}`)}
          </p>
        )}
        <ServerList
          servers={profile.servers}
          topology={profile.topology}
          onEdit={(server) => setEditing(server)}
          onRemove={(id) => void serverRemoved(id)}
        />
        {editing !== undefined ? (
          <ServerForm
            key={editing === 'new' ? 'new' : editing.id}
            initial={editing === 'new' ? undefined : editing}
            topology={profile.topology}
            others={profile.servers}
            onCancel={() => setEditing(undefined)}
            onSubmit={async (server) => {
              if (editing === 'new') await serverAdded(server)
              else await serverUpdated(server)
              setEditing(undefined)
            }}
          />
        ) : (
          canAdd && (
            <div className="form-actions">
              <button type="button" className="primary" onClick={() => setEditing('new')}>
                {t('servers.add')}
              </button>
              <SshImport servers={profile.servers} topology={profile.topology} canAdd={canAdd} />
            </div>
          )
        )}
        <ConnectionToolbar servers={profile.servers} />
        <ConnectionDialogs />
      </section>

      <p className="save-state" role="status" aria-live="polite">
        {saveState === 'saving' && t('save.saving')}
        {saveState === 'saved' && t('save.saved')}
      </p>
      {saveState === 'failed' && saveError && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={saveError} />
        </div>
      )}
    </section>
  )
}
