import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import {
  utils,
  type AnyAuthMethod,
  type AuthHandlerMiddleware,
  type AuthenticationType,
  type ParsedKey,
} from 'ssh2'
import { AppFailure } from '../errors'
import type { HostTarget, SecretProvider } from './types'

/** How many wrong passphrases the user may type before WRONG_PASSPHRASE is returned. */
const PASSPHRASE_ATTEMPTS = 3

/** Expands a leading `~/` (what users paste from their ssh config). */
export function expandHome(path: string, home = homedir()): string {
  if (path === '~') return home
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(2))
  return path
}

/**
 * The agent to use: SSH_AUTH_SOCK when set; on Windows the OpenSSH agent pipe when it exists, else
 * Pageant. Undefined when no agent can be found (the caller says so plainly).
 */
export function resolveAgent(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  pipeExists: (path: string) => boolean = existsSync,
): string | undefined {
  const sock = env.SSH_AUTH_SOCK
  if (sock !== undefined && sock !== '') return sock
  if (platform === 'win32') {
    const pipe = '\\\\.\\pipe\\openssh-ssh-agent'
    return pipeExists(pipe) ? pipe : 'pageant'
  }
  return undefined
}

/**
 * Reads and decrypts a private key file, asking the {@link SecretProvider} for the passphrase when the
 * key is encrypted. Supports what ssh2 parses: OpenSSH and PEM ed25519, ecdsa and rsa keys.
 */
export async function loadPrivateKey(
  target: HostTarget,
  keyPath: string,
  secrets: SecretProvider,
  pause: <T>(work: Promise<T>) => Promise<T> = (w) => w,
): Promise<ParsedKey> {
  let data: Buffer
  try {
    data = await readFile(keyPath)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new AppFailure(
      code === 'EACCES' ? 'PERMISSION_DENIED' : 'NOT_FOUND',
      `The key file ${keyPath} cannot be read.`,
      {
        hint:
          code === 'EACCES' ? 'Check the permissions of the key file.' : 'Check the path of the key file.',
        retryable: false,
        details: { keyPath, cause: code ?? 'unknown' },
      },
    )
  }
  let parsed = utils.parseKey(data)
  if (parsed instanceof Error && /no passphrase given/i.test(parsed.message)) {
    for (let attempt = 0; attempt < PASSPHRASE_ATTEMPTS; attempt++) {
      const passphrase = await pause(secrets.passphrase(target, keyPath, attempt > 0))
      if (passphrase === undefined) {
        throw new AppFailure(
          'PASSPHRASE_REQUIRED',
          `The key ${keyPath} is encrypted and needs its passphrase.`,
          {
            hint: 'Enter the passphrase of the key, or load the key into ssh-agent and choose agent login.',
            retryable: false,
            details: { keyPath },
          },
        )
      }
      parsed = utils.parseKey(data, passphrase)
      if (!(parsed instanceof Error) || !/bad passphrase|integrity check/i.test(parsed.message)) break
    }
    if (parsed instanceof Error && /bad passphrase|integrity check/i.test(parsed.message)) {
      throw new AppFailure('WRONG_PASSPHRASE', `The passphrase for ${keyPath} is not correct.`, {
        hint: 'Type the passphrase again; `ssh-keygen -y -f KEYFILE` checks it on your computer.',
        retryable: false,
        details: { keyPath },
      })
    }
  }
  if (parsed instanceof Error) {
    throw new AppFailure('INVALID_INPUT', `${keyPath} is not a private key the app can read.`, {
      hint: 'Use an OpenSSH or PEM private key (ed25519, ecdsa or rsa), not the .pub file.',
      retryable: false,
      details: { keyPath, reason: parsed.message },
    })
  }
  const key: ParsedKey | undefined = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed
  if (!key) throw new AppFailure('INVALID_INPUT', `${keyPath} holds no key.`, { retryable: false })
  return key
}

/** Record of what authentication did, for AUTH_FAILED messages. */
export interface AuthLog {
  /** Methods the app tried, in order (`publickey`, `agent`, `password`, `keyboard-interactive`). */
  readonly tried: string[]
  /** Methods the server said it would accept, last reported. */
  offered: string[]
}

/** Inputs of {@link createAuthHandler}. */
export interface AuthPlan {
  readonly target: HostTarget
  readonly secrets: SecretProvider
  /** Present for key login: the decrypted key. */
  readonly key?: ParsedKey
  /** Present for agent login. */
  readonly agent?: string
  /** Stops the handshake timer while the user types. */
  readonly pause: <T>(work: Promise<T>) => Promise<T>
  readonly log: AuthLog
}

/**
 * The ssh2 `authHandler`: tries exactly the method the user chose (never sends a password to a host
 * the user meant to reach by key), then keyboard-interactive when the server asks for a second factor
 * or offers only that for passwords.
 */
export function createAuthHandler(plan: AuthPlan): AuthHandlerMiddleware {
  const { target, secrets, pause, log } = plan
  const username = target.user
  let password: string | undefined
  let passwordAsked = false
  const queue: AuthenticationType[] =
    target.auth === 'agent'
      ? ['agent', 'keyboard-interactive']
      : target.auth === 'key'
        ? ['publickey', 'keyboard-interactive']
        : ['password', 'keyboard-interactive']

  const getPassword = async (): Promise<string | undefined> => {
    if (!passwordAsked) {
      passwordAsked = true
      password = await pause(secrets.password(target))
    }
    return password
  }

  const build = async (method: AuthenticationType): Promise<AnyAuthMethod | undefined> => {
    switch (method) {
      case 'agent':
        return plan.agent ? { type: 'agent', username, agent: plan.agent } : undefined
      case 'publickey':
        return plan.key ? { type: 'publickey', username, key: plan.key } : undefined
      case 'password': {
        const pw = await getPassword()
        return pw === undefined ? undefined : { type: 'password', username, password: pw }
      }
      case 'keyboard-interactive':
        return {
          type: 'keyboard-interactive',
          username,
          prompt: (_name, _instructions, _lang, prompts, finish) => {
            const list = prompts.map((p) => ({ prompt: p.prompt, echo: p.echo ?? false }))
            const answer = async (): Promise<string[]> => {
              if (list.length === 0) return []
              // The usual PAM password prompt: answer it with the login password the user gave.
              if (
                target.auth === 'password' &&
                list.length === 1 &&
                list[0]?.echo === false &&
                /password/i.test(list[0].prompt)
              ) {
                const pw = await getPassword()
                if (pw !== undefined) return [pw]
              }
              return (await pause(secrets.keyboardInteractive(target, list))) ?? []
            }
            answer().then(finish, () => finish([]))
          },
        }
      default:
        return undefined
    }
  }

  // ssh2 passes null on the first call and accepts `false` for "no more methods" (its typings omit both).
  const handler = (
    methodsLeft: AuthenticationType[] | null,
    next: (m: AnyAuthMethod | false) => void,
  ): void => {
    if (methodsLeft) log.offered = [...methodsLeft]
    const pick = async (): Promise<AnyAuthMethod | false> => {
      while (queue.length > 0) {
        const method = queue.shift() as AuthenticationType
        // The server names `publickey` for both key files and agent keys.
        const wire = method === 'agent' ? 'publickey' : method
        if (methodsLeft && !methodsLeft.includes(wire)) continue
        const built = await build(method)
        if (!built) continue
        log.tried.push(method)
        return built
      }
      return false
    }
    pick().then(next, () => next(false))
  }
  return (methodsLeft, _partial, next) => handler(methodsLeft, next as (m: AnyAuthMethod | false) => void)
}

/** The AUTH_FAILED failure, naming what was tried and what the server offers. */
export function authFailure(target: HostTarget, log: AuthLog): AppFailure {
  const tried = log.tried.length > 0 ? log.tried.join(', ') : 'nothing'
  const offered = log.offered.join(', ')
  let hint = 'Check the user name and the key or password.'
  if (log.tried.length === 0 && target.auth === 'password') hint = 'No password was given.'
  else if (log.tried.length === 0) {
    hint = `The server does not accept the chosen login method; it offers: ${offered || 'nothing'}.`
  } else if (target.auth === 'agent') {
    hint =
      'None of the keys in your ssh-agent is in ~/.ssh/authorized_keys on the server (ssh-add -l lists them).'
  } else if (target.auth === 'key') {
    hint = `The public key of ${target.keyPath ?? 'the key'} is not in ~/.ssh/authorized_keys of ${target.user} on the server.`
  }
  return new AppFailure(
    'AUTH_FAILED',
    `${target.user}@${target.host}:${target.port} did not accept the login (tried: ${tried}).`,
    {
      hint,
      retryable: false,
      details: {
        host: target.host,
        port: target.port,
        user: target.user,
        triedMethods: tried,
        offeredMethods: offered,
      },
    },
  )
}
