import { spawn } from 'node:child_process'
import { AppFailure } from '../errors'
import type { ExecOptions, ExecResult, HostTarget, RemoteExecutor } from '../ssh/types'

/**
 * Runs argv on THIS machine instead of a remote host (no shell, arguments passed as-is). For fast
 * development of the probe and for tests; never used to reach a real host.
 */
export class LocalExecutor implements RemoteExecutor {
  exec(_target: HostTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const [command, ...args] = argv
    if (command === undefined) return Promise.reject(new AppFailure('INVALID_INPUT', 'Empty command.'))
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new AppFailure('TIMEOUT', `${command} did not finish in time.`))
      }, options.timeoutMs ?? 60_000)
      const onAbort = (): void => {
        child.kill('SIGKILL')
        reject(new AppFailure('CANCELLED', 'The operation was cancelled.'))
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk
        options.onStdout?.(chunk)
      })
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk
        options.onStderr?.(chunk)
      })
      child.on('error', (error) => {
        clearTimeout(timer)
        reject(new AppFailure('REMOTE_COMMAND_FAILED', error.message, { cause: error }))
      })
      child.on('close', (code, signal) => {
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        resolve({ code, signal, stdout, stderr })
      })
      child.stdin.on('error', () => undefined)
      child.stdin.end(options.stdin ?? '')
    })
  }
}
