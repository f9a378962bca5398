// Browser mode: `npm start` prints the page address with the per-run token in the fragment
// (`#token=...`). The page takes it out of the address bar and the history entry as soon as it has
// read it, so it is not left in the location, a bookmark, or the back/forward list.

/** The parts of `location` and `history` the token hand-over uses (the page's own, or a test's). */
export interface TokenLocation {
  readonly hash: string
  readonly pathname: string
  readonly search: string
}
/** See {@link TokenLocation}. */
export interface TokenHistory {
  readonly state: unknown
  replaceState(state: unknown, unused: string, url: string): void
}

/** Reads `token` from the URL fragment and replaces the history entry with one without it. */
export function takeTokenFromUrl(location: TokenLocation, history: TokenHistory): string {
  const params = new URLSearchParams(location.hash.slice(1))
  const token = params.get('token')
  if (token === null) return ''
  params.delete('token')
  const rest = params.toString()
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`)
  return token
}
