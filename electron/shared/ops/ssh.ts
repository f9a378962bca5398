import { z } from 'zod'
import { op } from '../op'
import { serverSchema } from '../profile'
import type { AppError } from '../result'

/** How the SSH user can become root on a host. */
export const SUDO_ACCESS = [
  'root',
  'passwordless',
  'password',
  'password-unverified',
  'none',
  'not-installed',
] as const
/**
 * One of {@link SUDO_ACCESS}: `password` was verified with the login password; `password-unverified`
 * means the user is in a sudo group but no password was available to prove it.
 */
export type SudoAccess = (typeof SUDO_ACCESS)[number]

/** Privilege facts of one host, read after login. */
export interface HostFacts {
  readonly os: { readonly id: string; readonly versionId: string; readonly prettyName: string }
  readonly user: string
  readonly uid: number
  readonly isRoot: boolean
  readonly groups: readonly string[]
  /** The login shell; commands are quoted for POSIX sh, so csh/fish are worth a warning. */
  readonly shell: string
  readonly sudo: SudoAccess
  readonly docker: {
    readonly cli: boolean
    readonly socket: boolean
    /** The user can read and write /var/run/docker.sock (docker group or root). */
    readonly socketAccess: boolean
    readonly inDockerGroup: boolean
  }
  /** What the facts allow, as {@link PRIVILEGE_NEEDS} uses them. */
  readonly can: {
    /** root, or sudo in some form. */
    readonly admin: boolean
    /** root or passwordless sudo: admin work without asking for a password. */
    readonly adminWithoutPrompt: boolean
    /** Can talk to dockerd (`docker info` answered, socket access, root, or verified sudo). */
    readonly docker: boolean
    /**
     * Privileges that may be there but could not be proved: the user is in a sudo group but no
     * password was available to check it (key or agent login). They are false above; the UI says
     * "unverified" instead of "missing".
     */
    readonly unverified: readonly Privilege[]
  }
}

/** A privilege a later step needs. */
export type Privilege = 'login' | 'docker' | 'admin'

/** Which later wizard steps need which privilege, and why (shown next to the facts). */
export const PRIVILEGE_NEEDS: readonly {
  readonly step: string
  readonly needs: Privilege
  readonly why: string
}[] = [
  {
    step: 'prerequisites',
    needs: 'login',
    why: 'Reading OS, CPU, memory, disks, GPUs and ports needs no special rights.',
  },
  { step: 'prerequisites.firewall', needs: 'admin', why: 'Reading iptables/ufw rules needs root.' },
  {
    step: 'install.docker',
    needs: 'admin',
    why: 'Installing Docker, Compose or the NVIDIA toolkit needs root.',
  },
  { step: 'keys', needs: 'docker', why: 'The warm key is created inside the api container.' },
  { step: 'network.firewall', needs: 'admin', why: 'Opening or closing ports changes firewall rules.' },
  { step: 'launch', needs: 'docker', why: '`docker compose up` talks to dockerd through its socket.' },
  {
    step: 'mlNodes',
    needs: 'login',
    why: 'The admin API is reached through an SSH tunnel; no rights beyond login.',
  },
  { step: 'status', needs: 'docker', why: 'Container health is read from dockerd.' },
]

/** A secret the back end needs from the user for a pending connection. Never contains a secret. */
export interface SecretPrompt {
  /** Answer with `provideSecret({ promptId })`. */
  readonly promptId: string
  readonly serverId: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly kind: 'password' | 'passphrase' | 'keyboard-interactive'
  readonly keyPath?: string
  /** True after a wrong answer. */
  readonly retry: boolean
  /** keyboard-interactive: the server's questions (e.g. "Verification code:"); echo=false means hide input. */
  readonly prompts?: readonly { readonly prompt: string; readonly echo: boolean }[]
}

/** The outcome of testing one server. */
export interface ConnectionReport {
  readonly serverId: string
  readonly host: string
  readonly port: number
  readonly user: string
  /** Logged in and host key trusted. */
  readonly connected: boolean
  /** The host key presented (also when it was not trusted, so the UI can show it). */
  readonly fingerprint?: string
  readonly keyType?: string
  readonly trusted: boolean
  /** The jump host's server id when reached through one. */
  readonly via?: string
  readonly facts?: HostFacts
  readonly error?: AppError
}

/** A host found in ~/.ssh/config that the user can add as a server. */
export interface SshConfigCandidate {
  /** The `Host` alias. */
  readonly alias: string
  readonly address: string
  readonly port: number
  readonly user?: string
  readonly keyPath?: string
  /** ProxyJump as written (`user@host:port` or an alias, comma-separated chain). */
  readonly proxyJump?: string
  /** Parsed chain of ProxyJump hops, outermost first. */
  readonly jumps: readonly {
    readonly alias?: string
    readonly address: string
    readonly port: number
    readonly user?: string
  }[]
}

const fingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'an OpenSSH SHA256 fingerprint')
const hostField = z.string().min(1).max(253)
const portField = z.number().int().min(1).max(65535)

/** SSH: test connections, trust host keys, answer secret prompts, import ~/.ssh/config. */
export const sshOps = {
  /**
   * Long. Tests servers in parallel: connect (host key verified), log in, read facts. Progress per
   * server (`stepId` = server id): `start`; `log` with `data: { prompt: SecretPrompt }` when a secret
   * is needed; `result` with `data: ConnectionReport`. Give either a saved profile's id (optionally a
   * subset of its servers) or server objects from an unsaved form (jump hosts by `jumpHostId` among them).
   */
  testConnection: op<{ reports: ConnectionReport[] }>()(
    z
      .object({
        profileId: z.string().max(64).optional(),
        servers: z.array(serverSchema).max(64).optional(),
        serverIds: z.array(z.string().max(64)).max(64).optional(),
      })
      .strict()
      .refine((v) => (v.profileId === undefined) !== (v.servers === undefined), {
        message: 'give either profileId or servers',
      }),
    { long: true },
  ),
  /** Answers a {@link SecretPrompt}. Omit `value`/`answers` to decline. Secrets stay in memory for this session only. */
  provideSecret: op<{ accepted: boolean }>()(
    z
      .object({
        promptId: z.string().min(8).max(64),
        value: z.string().max(4096).optional(),
        answers: z.array(z.string().max(4096)).max(16).optional(),
      })
      .strict(),
  ),
  /** Pins the host key the user saw (HOST_KEY_UNKNOWN details); refused unless it is still the presented key. */
  trustHostKey: op<{ host: string; port: number; fingerprint: string; keyType: string }>()(
    z.object({ host: hostField, port: portField, fingerprint }).strict(),
  ),
  /** Replaces a trusted key after HOST_KEY_CHANGED, deliberately: both fingerprints must match what was reported. */
  replaceHostKey: op<{ host: string; port: number; fingerprint: string; keyType: string }>()(
    z
      .object({ host: hostField, port: portField, oldFingerprint: fingerprint, newFingerprint: fingerprint })
      .strict(),
  ),
  /** Reads ~/.ssh/config (or `path`) and lists concrete Host aliases as candidate servers. */
  importSshConfig: op<{ path: string; candidates: SshConfigCandidate[] }>()(
    z.object({ path: z.string().max(4096).optional() }).strict(),
  ),
  /** Forgets the passwords and passphrases held in memory (all, or one server's). */
  forgetSecrets: op<{ forgotten: number }>()(z.object({ serverId: z.string().max(64).optional() }).strict()),
} as const
