import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { LogLine } from '../../../../electron/shared/deploy'
import type { PushedEvent } from '../../../../electron/shared/progress'
import { getApi } from '../../api'
import { ErrorText } from '../../components/ErrorText'
import type { AppError } from '../../../../electron/shared/result'
import { LOG_BUFFER_MAX, LogBuffer, filterLines, logsAsText } from './launch-model'

const ROW_HEIGHT = 20
/** Lines read back when the stream starts. */
const TAIL = 500

function isLogLine(data: unknown): data is LogLine {
  if (typeof data !== 'object' || data === null) return false
  const d = data as Record<string, unknown>
  return typeof d['hostId'] === 'string' && typeof d['service'] === 'string' && typeof d['line'] === 'string'
}

/** The lines of one `log` event: a batch (`{lines}`), or one line. */
function linesOf(data: unknown): readonly LogLine[] {
  if (isLogLine(data)) return [data]
  const batch = (data as { lines?: unknown } | null)?.lines
  return Array.isArray(batch) ? batch.filter(isLogLine) : []
}

/**
 * Live logs of one server: every container merged, or one container. Lines come in batches as `log`
 * progress events of streamLogs (the back end sends one event per ≤1000 lines or 50 ms), are gathered
 * and shown at most once per frame; a bounded buffer (50 000 lines) feeds a virtualised list.
 */
export function LogView({
  profileId,
  hosts,
  services,
}: {
  profileId: string
  hosts: readonly { hostId: string; host: string }[]
  /** Services seen per host (from the container list). */
  services: Readonly<Record<string, readonly string[]>>
}) {
  const { t } = useTranslation()
  const [hostId, setHostId] = useState(hosts[0]?.hostId ?? '')
  const [service, setService] = useState('')
  const [filter, setFilter] = useState('')
  const [follow, setFollow] = useState(true)
  const [paused, setPaused] = useState(false)
  const [streaming, setStreaming] = useState(false)
  const [error, setError] = useState<AppError | undefined>()
  const [version, setVersion] = useState(0)
  const buffer = useRef(new LogBuffer(LOG_BUFFER_MAX))
  const pending = useRef<LogLine[]>([])
  const runRef = useRef<string | undefined>(undefined)
  const pausedRef = useRef(false)
  const scrollRef = useRef<HTMLDivElement>(null)
  pausedRef.current = paused

  useEffect(() => {
    if (hostId === '' && hosts[0]) setHostId(hosts[0].hostId)
  }, [hosts, hostId])

  // Lines are gathered from events and shown at most once per frame.
  useEffect(() => {
    let frame = 0
    const flush = (): void => {
      frame = 0
      if (pausedRef.current || pending.current.length === 0) return
      buffer.current.push(pending.current)
      pending.current = []
      setVersion((v) => v + 1)
    }
    const off = getApi().onEvent((pushed: PushedEvent) => {
      if (pushed.type !== 'progress') return
      const e = pushed.event
      if (e.runId !== runRef.current || e.kind !== 'log') return
      const batch = linesOf(e.data)
      if (batch.length === 0) return
      for (const l of batch) pending.current.push(l)
      if (pending.current.length > LOG_BUFFER_MAX)
        pending.current.splice(0, pending.current.length - LOG_BUFFER_MAX)
      if (frame === 0) frame = requestAnimationFrame(flush)
    })
    return () => {
      off()
      if (frame !== 0) cancelAnimationFrame(frame)
    }
  }, [])

  const stop = useCallback(async () => {
    const runId = runRef.current
    runRef.current = undefined
    setStreaming(false)
    if (runId) await getApi().cancel(runId)
  }, [])

  const start = useCallback(async () => {
    await stop()
    if (!hostId) return
    buffer.current.clear()
    pending.current = []
    setVersion((v) => v + 1)
    setError(undefined)
    const runId = `logs-${crypto.randomUUID()}`
    runRef.current = runId
    setStreaming(true)
    const result = await getApi().streamLogs(
      { profileId, hostId, follow: true, tail: TAIL, ...(service ? { service } : {}) },
      { runId },
    )
    if (runRef.current === runId) {
      runRef.current = undefined
      setStreaming(false)
      if (!result.ok && result.error.code !== 'CANCELLED') setError(result.error)
    }
  }, [hostId, profileId, service, stop])

  useEffect(() => () => void stop(), [stop])

  const lines = useMemo(
    () => filterLines(buffer.current.all(), filter),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` marks new lines in the buffer
    [filter, version],
  )
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser re-renders this component itself
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  })
  useEffect(() => {
    if (follow && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' })
  }, [follow, lines.length, virtualizer])

  const hostName = (id: string): string => hosts.find((h) => h.hostId === id)?.host ?? id
  const save = (): void => {
    const blob = new Blob([logsAsText(lines, hostName)], { type: 'text/plain;charset=utf-8' })
    const url = URL.createObjectURL(blob)
    const a = document.createElement('a')
    a.href = url
    a.download = `logs-${hostName(hostId)}${service ? `-${service}` : ''}.txt`
    document.body.appendChild(a)
    a.click()
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }

  return (
    <section className="launch-panel" aria-labelledby="launch-logs-title">
      <h2 id="launch-logs-title">{t('launch.logs.title')}</h2>
      <div className="launch-log-controls">
        <label>
          {t('launch.logs.server')}{' '}
          <select value={hostId} onChange={(e) => setHostId(e.target.value)}>
            {hosts.map((h) => (
              <option key={h.hostId} value={h.hostId}>
                {h.host}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('launch.logs.container')}{' '}
          <select value={service} onChange={(e) => setService(e.target.value)}>
            <option value="">{t('launch.logs.merged')}</option>
            {(services[hostId] ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {streaming ? (
          <button type="button" onClick={() => void stop()}>
            {t('launch.logs.stop')}
          </button>
        ) : (
          <button type="button" onClick={() => void start()} disabled={!hostId}>
            {t('launch.logs.start')}
          </button>
        )}
        <label>
          {t('launch.logs.filter')}{' '}
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
        <button type="button" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
          {paused ? t('launch.logs.resume') : t('launch.logs.pause')}
        </button>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />{' '}
          {t('launch.logs.follow')}
        </label>
        <button type="button" onClick={save} disabled={lines.length === 0}>
          {t('launch.logs.save')}
        </button>
      </div>
      <p className="muted" role="status" data-testid="log-count">
        {streaming ? t('launch.logs.streaming') + ' ' : ''}
        {t('launch.logs.count', {
          shown: lines.length,
          received: buffer.current.received,
          max: LOG_BUFFER_MAX,
        })}
      </p>
      {error && (
        <div className="banner banner-error" role="alert">
          <ErrorText error={error} />
        </div>
      )}
      <div
        ref={scrollRef}
        className="launch-log-view"
        role="log"
        aria-label={t('launch.logs.viewLabel')}
        tabIndex={0}
        onWheel={() => setFollow(false)}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const l = lines[item.index]
            if (!l) return null
            return (
              <div
                key={l.seq}
                className={`launch-log-line${l.stream === 'stderr' ? ' stderr' : ''}`}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <span className="launch-log-service">{l.service}</span> {l.line}
              </div>
            )
          })}
        </div>
      </div>
    </section>
  )
}
