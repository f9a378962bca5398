import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Profile } from '../../shared/profile'
import { AppFailure } from '../errors'
import { createLogger } from '../log'
import { ProfileStore } from './profile-store'

const quiet = createLogger('error', () => undefined)
let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ghw-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const profile = (id: string, name = id): Profile => ({
  schemaVersion: 1,
  id,
  name,
  topology: 'split',
  servers: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
})

describe('ProfileStore', () => {
  it('saves, lists (newest first), loads and deletes', async () => {
    const store = new ProfileStore(dir, quiet)
    await store.save(profile('one'))
    await new Promise((r) => setTimeout(r, 5))
    await store.save(profile('two'))
    const { profiles, problems } = await store.list()
    expect(profiles.map((p) => p.id)).toEqual(['two', 'one'])
    expect(problems).toEqual([])
    expect((await store.load('one')).name).toBe('one')
    expect(await store.delete('one')).toBe(true)
    expect(await store.delete('one')).toBe(false)
    await expect(store.load('one')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('leaves no temporary files behind and writes the file private to the user', async () => {
    const store = new ProfileStore(dir, quiet)
    await store.save(profile('one'))
    await store.save(profile('one', 'renamed'))
    expect(await readdir(join(dir, 'profiles'))).toEqual(['one.json'])
    const { mode } = await import('node:fs/promises').then((fs) => fs.stat(join(dir, 'profiles', 'one.json')))
    if (process.platform !== 'win32') expect(mode & 0o077).toBe(0)
  })

  it('sets a corrupt file aside with its bytes intact and reports it once', async () => {
    await mkdir(join(dir, 'profiles'), { recursive: true })
    await writeFile(join(dir, 'profiles', 'bad.json'), '{ nope')
    const store = new ProfileStore(dir, quiet)
    const first = await store.list()
    expect(first.profiles).toEqual([])
    expect(first.problems).toHaveLength(1)
    expect(first.problems[0]?.reason).toBe('corrupt')
    const movedTo = first.problems[0]?.movedTo ?? ''
    expect(await readFile(movedTo, 'utf8')).toBe('{ nope')
    // Nothing new is moved on the next listing; the report stays for this run of the app.
    expect((await store.list()).problems).toHaveLength(1)
  })

  it('sets aside a file from a newer app version instead of reading it', async () => {
    await mkdir(join(dir, 'profiles'), { recursive: true })
    await writeFile(
      join(dir, 'profiles', 'future.json'),
      JSON.stringify({ ...profile('future'), schemaVersion: 7 }),
    )
    const store = new ProfileStore(dir, quiet)
    const { problems } = await store.list()
    expect(problems.map((p) => p.reason)).toEqual(['newer-version'])
    await expect(store.load('future')).rejects.toSatisfy(
      (e: unknown) => e instanceof AppFailure && e.code === 'PROFILE_UNREADABLE',
    )
  })

  it('treats a file whose id does not match its name as corrupt', async () => {
    await mkdir(join(dir, 'profiles'), { recursive: true })
    await writeFile(join(dir, 'profiles', 'x.json'), JSON.stringify(profile('y')))
    const { problems } = await new ProfileStore(dir, quiet).list()
    expect(problems.map((p) => p.reason)).toEqual(['corrupt'])
  })
})
