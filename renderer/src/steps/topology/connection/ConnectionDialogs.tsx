import { useStore } from '../../../store'
import { HostKeyChangedDialog } from './HostKeyChangedDialog'
import { HostKeyDialog } from './HostKeyDialog'
import { SecretDialog } from './SecretDialog'

/** At most one connection dialog at a time: a changed key first, then a new key, then secrets. */
export function ConnectionDialogs() {
  const warning = useStore((s) => s.hostKeyWarnings[0])
  const question = useStore((s) => s.hostKeyQuestions[0])
  const prompt = useStore((s) => s.secretPrompts[0])
  if (warning) return <HostKeyChangedDialog key={`w-${warning.host}:${warning.port}`} warning={warning} />
  if (question) return <HostKeyDialog key={`q-${question.fingerprint}`} question={question} />
  if (prompt) return <SecretDialog key={prompt.promptId} prompt={prompt} />
  return null
}
