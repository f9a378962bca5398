// The readable HTML report of the last check results inside a bundle (every value escaped).
import type { Profile } from '../../shared/profile'

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

function field(value: unknown, key: string): string {
  if (typeof value !== 'object' || value === null) return ''
  const v = (value as Record<string, unknown>)[key]
  return typeof v === 'string' || typeof v === 'number' ? String(v) : ''
}

/** A self-contained HTML page listing each check result (server, check, status, message). */
export function checksHtml(profile: Profile, results: readonly unknown[], createdAt: string): string {
  const rows = results
    .map(
      (r) =>
        `<tr><td>${escapeHtml(field(r, 'serverName') || field(r, 'serverId'))}</td><td>${escapeHtml(field(r, 'checkId'))}</td>` +
        `<td class="${escapeHtml(field(r, 'status'))}">${escapeHtml(field(r, 'status'))}</td><td>${escapeHtml(field(r, 'message'))}</td></tr>`,
    )
    .join('\n')
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>Check results: ${escapeHtml(profile.name)}</title>`,
    '<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px}.fail{color:#b00}.warn{color:#a60}.pass{color:#070}</style>',
    '</head><body>',
    `<h1>Check results: ${escapeHtml(profile.name)}</h1>`,
    `<p>Exported ${escapeHtml(createdAt)}. ${results.length === 0 ? 'No check results were saved with this bundle.' : ''}</p>`,
    '<table><thead><tr><th>Server</th><th>Check</th><th>Status</th><th>Message</th></tr></thead><tbody>',
    rows,
    '</tbody></table></body></html>',
    '',
  ].join('\n')
}
