// config.env with its secrets removed, through the config.env model (comments and order kept).
import { parseConfigEnv, writeConfigEnv, type ConfigEnvAssignment } from '../gonka/config-env'
import { SECRET_VARIABLES } from '../gonka/desired-config'
import { variableSpec } from '../gonka/variables'

/** Whether config.env variable `name` holds a secret (the app's list or the variable catalogue). */
export function isSecretVariable(name: string): boolean {
  return (SECRET_VARIABLES as readonly string[]).includes(name) || variableSpec(name)?.secret === true
}

/** The file with every secret variable's value emptied (`NAME=""`), everything else as it was. */
export function stripConfigEnvSecrets(text: string): string {
  const doc = parseConfigEnv(text)
  return writeConfigEnv({
    ...doc,
    entries: doc.entries.map((e) =>
      e.kind === 'assignment' && isSecretVariable(e.name) && e.value !== ''
        ? ({ ...e, rawValue: '""', value: '', expands: false, unterminated: false, placeholder: false } satisfies ConfigEnvAssignment)
        : e,
    ),
  })
}
