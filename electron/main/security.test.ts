import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isAppUrl, isPermissionAllowed, secureWebPreferences } from './security'

const renderer = '/opt/Gonka Host Wizard/resources/app.asar/out/renderer/index.html'

describe('isAppUrl', () => {
  it('accepts our packaged renderer page', () => {
    expect(isAppUrl(pathToFileURL(renderer).href, renderer, undefined)).toBe(true)
    expect(isAppUrl(pathToFileURL(renderer).href + '#/step', renderer, undefined)).toBe(true)
  })

  it('refuses other local files and any web page', () => {
    expect(isAppUrl('file:///etc/passwd', renderer, undefined)).toBe(false)
    expect(isAppUrl('https://example.com/', renderer, undefined)).toBe(false)
    expect(isAppUrl('http://127.0.0.1:5173/', renderer, undefined)).toBe(false)
    expect(isAppUrl('not a url', renderer, undefined)).toBe(false)
  })

  it('accepts the dev server only when one is configured, and only its origin', () => {
    expect(isAppUrl('http://localhost:5173/index.html', renderer, 'http://localhost:5173')).toBe(true)
    expect(isAppUrl('http://localhost:5174/index.html', renderer, 'http://localhost:5173')).toBe(false)
  })
})

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the page and gives it no Node', () => {
    expect(secureWebPreferences('/p.js')).toMatchObject({
      preload: '/p.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })
})

describe('isPermissionAllowed', () => {
  const own = (url: string) => isAppUrl(url, renderer, undefined)
  const page = pathToFileURL(renderer).href

  it('lets our page write to the clipboard and nothing else', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', page, own)).toBe(true)
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(isPermissionAllowed(p, page, own)).toBe(false)
    }
  })

  it('refuses even the clipboard to any other page', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://example.com/', own)).toBe(false)
  })
})
