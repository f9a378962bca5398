import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Socket } from 'node:net'
import { Client } from 'ssh2'
import { rootExec, type ExecResult } from './lab-control'
import type { LabHost } from './lab-schema'

/** SHA256 fingerprint of a raw SSH host key blob, in the form `ssh-keygen -l -E sha256` prints. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

export interface LabSshOptions {
  auth?: 'key' | 'password'
  /** Overrides the password from hosts.json (to test a wrong one). */
  password?: string
  /** Overrides the pinned fingerprint (to test a changed host key). */
  expectFingerprint?: string
  readyTimeoutMs?: number
}

/** Opens an ssh2 connection to a lab host, pinning its host key fingerprint from hosts.json. */
export function labSshConnect(host: LabHost, options: LabSshOptions = {}): Promise<Client> {
  const expected = options.expectFingerprint ?? host.hostKeyFingerprint
  return new Promise((resolvePromise, reject) => {
    const client = new Client()
    client.on('ready', () => resolvePromise(client))
    client.on('error', (error) => reject(error))
    client.connect({
      host: host.address,
      port: host.port,
      username: host.user,
      readyTimeout: options.readyTimeoutMs ?? 10_000,
      hostVerifier: (key: Buffer) => hostKeyFingerprint(key) === expected,
      ...((options.auth ?? 'key') === 'key'
        ? { privateKey: readFileSync(host.privateKeyPath) }
        : { password: options.password ?? host.password, tryKeyboard: false }),
    })
  })
}

/** Runs one command over an open connection; stdin gets `input` when given. */
export function sshExecOn(client: Client, command: string, input?: string): Promise<ExecResult> {
  return new Promise((resolvePromise, reject) => {
    client.exec(command, (error, stream) => {
      if (error) {
        reject(error)
        return
      }
      let stdout = ''
      let stderr = ''
      stream.on('data', (d: Buffer) => (stdout += d.toString()))
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      stream.on('close', (code: number | null) => resolvePromise({ code: code ?? -1, stdout, stderr }))
      if (input !== undefined) stream.end(input)
      else stream.end()
    })
  })
}

/** Connects, runs one command as the test user, disconnects. */
export async function labSsh(
  host: LabHost,
  command: string,
  options: LabSshOptions & { input?: string } = {},
): Promise<ExecResult> {
  const client = await labSshConnect(host, options)
  try {
    return await sshExecOn(client, command, options.input)
  } finally {
    client.end()
  }
}

/** Whether a TCP connect from the machine (the lab gateway) to address:port succeeds in time. */
export function canConnect(address: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = new Socket()
    const done = (ok: boolean): void => {
      socket.destroy()
      resolvePromise(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.connect(port, address)
  })
}

/** Whether a TCP connect from inside one lab host to address:port succeeds in time. */
export async function canConnectFrom(
  from: LabHost,
  address: string,
  port: number,
  timeoutSeconds = 2,
): Promise<boolean> {
  const r = await rootExec(from, [
    'timeout',
    String(timeoutSeconds),
    'bash',
    '-c',
    'exec 3<>"/dev/tcp/$0/$1"',
    address,
    String(port),
  ])
  return r.code === 0
}
