import { useTranslation } from 'react-i18next'
import type { HostFacts } from '../../../../../electron/shared/ops/ssh'
import { dockerState, hasPrivilege, PRIVILEGE_USES, PRIVILEGES } from './privileges'

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
          const has = hasPrivilege(facts, privilege)
          return (
            <li key={privilege} className={has ? 'need-ok' : 'need-missing'}>
              <span className="need-name">{t(`connection.facts.privilege.${privilege}`)}</span>{' '}
              <span className={`badge ${has ? 'badge-done' : 'badge-attention'}`}>
                {has ? t('connection.facts.has') : t('connection.facts.missing')}
              </span>{' '}
              <span className="muted small">
                {t('connection.facts.neededFor', {
                  uses: PRIVILEGE_USES[privilege]
                    .map((use) => t(`connection.facts.uses.${use}`))
                    .join(t('connection.listSeparator')),
                })}
              </span>
              {!has && privilege === 'admin' && <p className="small">{t('connection.facts.fixAdmin')}</p>}
              {!has && privilege === 'docker' && (
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
