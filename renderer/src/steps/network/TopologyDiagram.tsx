import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import type { PathState } from '../../../../electron/shared/checks'
import type { Profile, Server } from '../../../../electron/shared/profile'
import { useStore } from '../../store'
import { checksOf } from '../../store/checks-slice'
import { buildArrows, desktopPlace, DESKTOP, hubOf, type Arrow } from './diagram-model'

const WIDTH = 860
const TOP = 150
const BOX_W = 230
const ROW_H = 96
const ROW_GAP = 28
const HUB_X = 30
const ML_X = 470
const LEGEND: readonly PathState[] = [
  'reachable',
  'closed',
  'blocked',
  'exposed',
  'would-be-exposed',
  'not-listening',
  'unknown',
]

/** The accessible name of an arrow, e.g. "ml1 → net :9100 reachable". */
export function arrowName(arrow: Arrow, nameOf: (id: string) => string, t: TFunction): string {
  const same = arrow.ports.every((p) => p.state === arrow.state)
  const state = (s: PathState): string => t(`checks.path.${s}`)
  const ports = same
    ? `${arrow.ports.map((p) => `:${p.port}`).join(', ')} ${state(arrow.state)}`
    : arrow.ports.map((p) => `:${p.port} ${state(p.state)}`).join(', ')
  return t(arrow.kind === 'private' ? 'checksUi.diagram.arrowPrivate' : 'checksUi.diagram.arrow', {
    from: nameOf(arrow.from),
    to: nameOf(arrow.to),
    ports,
  })
}

interface Box {
  readonly x: number
  readonly y: number
  readonly h: number
}

/** Hosts and their required connections, each arrow coloured by its last result. */
export function TopologyDiagram({ profile }: { profile: Profile }) {
  const { t } = useTranslation()
  const id = useId()
  const { paths, results, desktopLocation } = useStore((s) => checksOf(s.checksByProfile, s.profile?.id))
  const place = desktopLocation !== 'auto' ? desktopLocation : desktopPlace(Object.values(results))
  const arrows = buildArrows(profile, paths)
  const hub = hubOf(profile)
  const others = profile.servers.filter((s) => s !== hub)
  const rows = Math.max(1, others.length)
  const height = TOP + rows * ROW_H + (rows - 1) * ROW_GAP + 40
  const boxes = new Map<string, Box>()
  if (hub) boxes.set(hub.id, { x: HUB_X, y: TOP, h: rows * ROW_H + (rows - 1) * ROW_GAP })
  others.forEach((s, i) => boxes.set(s.id, { x: ML_X, y: TOP + i * (ROW_H + ROW_GAP), h: ROW_H }))
  const nameOf = (sid: string): string => {
    if (sid === DESKTOP) return t('checksUi.diagram.desktop')
    const server = profile.servers.find((s) => s.id === sid)
    return server ? server.name || server.address : sid
  }

  const draw = (
    arrow: Arrow,
  ): { d: string; lx: number; ly: number; anchor: 'middle' | 'start' | 'end' } | null => {
    const to = boxes.get(arrow.to)
    if (!to) return null
    if (arrow.kind === 'internal') {
      const ml = boxes.get(arrow.from === hub?.id ? arrow.to : arrow.from)
      if (!ml) return null
      const port = arrow.ports[0]?.port
      const y = ml.y + (port === 9100 ? 26 : port === 5050 ? 52 : 78)
      const left = HUB_X + BOX_W
      const right = ML_X
      const d =
        arrow.from === hub?.id ? `M${left},${y} L${right - 2},${y}` : `M${right},${y} L${left + 2},${y}`
      return { d, lx: (left + right) / 2, ly: y - 5, anchor: 'middle' }
    }
    if (to.x === HUB_X) {
      // Down from "this computer" into the hub: public ports on the left, private on the right.
      const x = arrow.kind === 'public' ? HUB_X + 40 : HUB_X + 170
      const ly = arrow.kind === 'public' ? 98 : 124
      return { d: `M${x},70 L${x},${to.y - 2}`, lx: x + 6, ly, anchor: 'start' }
    }
    // Into an ML node from the right, along its own lane so lanes never overlap.
    const index = others.findIndex((s) => s.id === arrow.to)
    const lane = WIDTH - 20 - index * 14
    const y = to.y + to.h / 2
    return {
      d: `M${lane},70 L${lane},${y} L${ML_X + BOX_W + 2},${y}`,
      lx: lane - 6,
      ly: y - 7,
      anchor: 'end',
    }
  }

  const label = (arrow: Arrow): string =>
    `${arrow.ports.map((p) => `:${p.port}`).join(' ')} ${t(`checks.path.${arrow.state}`)}`

  return (
    <figure className="topology-figure">
      <svg
        className="topology"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="group"
        aria-labelledby={`${id}-caption`}
      >
        <defs>
          {LEGEND.map((state) => (
            <marker
              key={state}
              id={`${id}-head-${state}`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="11"
              markerHeight="11"
              markerUnits="userSpaceOnUse"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" className={`head head-${state}`} />
            </marker>
          ))}
        </defs>
        <g aria-hidden="true">
          <rect className="desktop-box" x={HUB_X} y={20} width={WIDTH - 50} height={50} rx={8} />
          <text className="box-title" x={HUB_X + 14} y={50}>
            {t('checksUi.diagram.desktop')}
          </text>
          <text className="box-sub" x={WIDTH - 40} y={50} textAnchor="end">
            {t(`checksUi.diagram.place.${place}`)}
          </text>
        </g>
        {[...boxes.entries()].map(([sid, box]) => {
          const server = profile.servers.find((s) => s.id === sid) as Server
          return (
            <g key={sid} aria-hidden="true">
              <rect
                className={`host-box role-${server.role}`}
                x={box.x}
                y={box.y}
                width={BOX_W}
                height={box.h}
                rx={8}
              />
              <text className="box-title" x={box.x + 12} y={box.y + box.h - 30}>
                {nameOf(sid)}
              </text>
              <text className="box-sub" x={box.x + 12} y={box.y + box.h - 12}>
                {t(`roles.${server.role}`)}
              </text>
            </g>
          )
        })}
        {arrows.map((arrow) => {
          const geometry = draw(arrow)
          if (!geometry) return null
          const name = arrowName(arrow, nameOf, t)
          return (
            <g
              key={arrow.id}
              role="img"
              aria-label={name}
              tabIndex={0}
              className={`arrow arrow-${arrow.state}`}
            >
              <title>{name}</title>
              <path
                d={geometry.d}
                className={`arrow-line line-${arrow.state}`}
                markerEnd={`url(#${id}-head-${arrow.state})`}
                fill="none"
              />
              <text className="arrow-label" x={geometry.lx} y={geometry.ly} textAnchor={geometry.anchor}>
                {label(arrow)}
              </text>
            </g>
          )
        })}
      </svg>
      <figcaption id={`${id}-caption`}>
        <span className="figure-title">{t('checksUi.diagram.caption')}</span>
        <ul className="legend" aria-label={t('checksUi.diagram.legend')}>
          {LEGEND.map((state) => (
            <li key={state}>
              <svg width="34" height="10" aria-hidden="true">
                <line x1="2" y1="5" x2="32" y2="5" className={`arrow-line line-${state}`} />
              </svg>
              {t(`checksUi.diagram.state.${state}`)}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  )
}
