/**
 * The only pages the app opens in the user's browser: Gonka's documentation and the Gonka
 * repositories. Everything else a page asks to open (window.open, a link, a redirect) is refused.
 */
const ALLOWED_EXTERNAL: readonly { readonly origin: string; readonly pathPrefix: string }[] = [
  { origin: 'https://gonka.ai', pathPrefix: '/' },
  { origin: 'https://github.com', pathPrefix: '/gonka-ai/' },
]

/** Decides whether `url` may be handed to `shell.openExternal`: https, no credentials, an allowed page. */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false
  return ALLOWED_EXTERNAL.some(
    (allowed) => parsed.origin === allowed.origin && parsed.pathname.startsWith(allowed.pathPrefix),
  )
}
