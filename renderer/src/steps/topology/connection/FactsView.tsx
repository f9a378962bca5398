import { useTranslation } from 'react-i18next'
import type { HostFacts } from '../../../../../electron/shared/ops/ssh'
import { dockerState, privilegeState, PRIVILEGE_USES, PRIVILEGES } from './privileges'

/** The facts a connection test found, and which later steps need which privilege. */
export function FactsView({ facts, name }: { facts: HostFacts; name: string }) {
  const { t } = useTranslation()
  const fixDocker = `sudo usermod -aG docker ${facts.user}`
  return (
    <section className="facts" aria-label={t('connection.facts.title')}>
      <dl className="facts-list">
        <dt>{t('connection.facts.os')}</dt>
        <dd>{facts.os.prettyName || facts.os.id || t('connection.facts.unknownOs')}</dd>
        <dt>{t('connection.facts.user')}</dt>
        <dd>{t('connection.facts.userValue', { user: facts.user, uid: facts.uid })}</dd>
        <dt>{t('connection.facts.admin')}</dt>
        <dd>{t(`connection.facts.sudo.${facts.sudo}`)}</dd>
        <dt>{t('connection.facts.docker')}</dt>
        <dd>{t(`connection.facts.dockerState.${dockerState(facts)}`)}</dd>
      </dl>
      <h4 className="facts-needs-title">{t('connection.facts.needsTitle')}</h4>
      <ul className="needs" aria-label={`${t('connection.facts.needsTitle')}: ${name}`}>
        {PRIVILEGES.map((privilege) => {
          const state = privilegeState(facts, privilege)
          const has = state === 'has'
          return (
            <li
              key={privilege}
              className={has ? 'need-ok' : state === 'unverified' ? 'need-unverified' : 'need-missing'}
            >
              <span className="need-name">{t(`connection.facts.privilege.${privilege}`)}</span>{' '}
              <span className={`badge ${has ? 'badge-done' : 'badge-attention'}`}>
                {t(`connection.facts.${state}`)}
              </span>{' '}
              <span className="muted small">
                {t('connection.facts.neededFor', {
                  uses: PRIVILEGE_USES[privilege]
                    .map((use) => t(`connection.facts.uses.${use}`))
                    .join(t('connection.listSeparator')),
                })}
              </span>
              {state === 'unverified' && <p className="small">{t('connection.facts.unverifiedWhy')}</p>}
              {state === 'missing' && privilege === 'admin' && (
                <p className="small">{t('connection.facts.fixAdmin')}</p>
              )}
              {state === 'missing' && privilege === 'docker' && (
                <p className="small">
                  {t('connection.facts.fixDocker')} <code className="command">{fixDocker}</code>
                </p>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
