import fs from 'node:fs'
import { describe, test, expect, beforeAll } from 'vitest'
import { dom, multipart, type TestApp, type MultipartFile } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { jpegWithLocation, pngWithLocation, heicStart } from '../../helpers/images.js'
import { auditEvents, checklistItems, inspections, photos, sites, employments } from '../../../src/db/schema.js'
import { photoDir, readPhotoFile } from '../../../src/features/supervision/photos.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, who: keyof World['users']) => t.app.inject({ method: 'GET', url, headers: { cookie: w.cookie(who) } })
let siteId: number
let guard: number
let uncertified: number

beforeAll(async () => {
  // Enterprise A (registered with S1) manages a site in S2's area, with two guards posted there.
  const now = t.clock.now()
  siteId = (await t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s2, name: '检查花园', createdAt: now, updatedAt: now }).returning())[0]!.id
})

/** The inspection form's fields: every active item compliant, but the first not compliant with a note. */
const fields = async (over: Record<string, string> = {}) => {
  const items = (await t.db.select().from(checklistItems)).filter((i) => i.active)
  const f: Record<string, string> = { site: String(siteId), inspectedOn: '2026-01-15', officers: '李警官，王警官' }
  items.forEach((i, n) => { f[`result-${i.id}`] = n === 0 ? 'not-compliant' : 'compliant' })
  f[`note-${items[0]!.id}`] = '一名保安员无证上岗'
  return { f: { ...f, ...over }, first: items[0]!.id }
}
const record = (f: Record<string, string>, files: MultipartFile[] = [], who: keyof World['users'] = 'policeS2') => {
  const m = multipart(f, files)
  return t.app.inject({ method: 'POST', url: '/supervision/inspections', headers: { ...m.headers, cookie: w.cookie(who) }, payload: m.payload })
}
const photoFiles = () => fs.existsSync(photoDir(t.config.databasePath)) ? fs.readdirSync(photoDir(t.config.databasePath)) : []
const counts = async () => ({ inspections: (await t.db.select().from(inspections)).length, photos: (await t.db.select().from(photos)).length, files: photoFiles().length })

describe('inspections', () => {
  test('the station of the site\'s area records an inspection with a failed item, guards picked from the roster and a photo whose location is stripped', async () => {
    t.clock.set(new Date('2026-01-16T02:00:00Z'))
    guard = (await w.addPerson(w.ids.entA, '持证甲', { certificate: true, duty: 'on-duty' })).traineeId
    uncertified = (await w.addPerson(w.ids.entA, '无证乙', { duty: 'in-training' })).traineeId
    for (const id of [guard, uncertified]) await t.db.update(employments).set({ siteId }).where((await import('drizzle-orm')).eq(employments.traineeId, id))
    const form = await get(`/supervision/inspections/new?site=${siteId}`, 'policeS2')
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('持证甲')
    expect(form.body).toContain('无证乙')

    const { f, first } = await fields({ [`guard-${guard}`]: 'present', [`guard-${uncertified}`]: 'uncertified' })
    const res = await record(f, [{ name: `photos-${first}`, filename: 'IMG_0001.JPG', type: 'image/jpeg', data: jpegWithLocation() }])
    expect(res.statusCode, res.body.slice(0, 500)).toBe(303)
    const id = Number(/inspections\/(\d+)/.exec(String(res.headers.location))![1])
    const row = (await t.db.select().from(inspections)).find((i) => i.id === id)!
    expect(row).toMatchObject({ siteId, enterpriseId: w.ids.entA, jurisdictionId: w.ids.s2, compliant: 7, applicable: 8 })
    const audit = (await t.db.select().from(auditEvents)).filter((a) => a.action === 'inspection.recorded' && a.subjectId === String(id))
    expect(audit).toHaveLength(1)
    expect(audit[0]!.details).toMatchObject({ failed: 1, guards: 2, withoutCertificate: 1, photos: 1 })

    // The stored file has a random name, is encrypted, and, decrypted, holds no position.
    const photo = (await t.db.select().from(photos)).at(-1)!
    expect(photo.fileName).toMatch(/^[0-9a-f]{32}$/)
    const raw = fs.readFileSync(`${photoDir(t.config.databasePath)}/${photo.fileName}`)
    expect(raw.includes(Buffer.from('\xff\xd8\xff', 'latin1'))).toBe(false)
    const plain = await readPhotoFile(photoDir(t.config.databasePath), photo, t.app.pii)
    expect(plain.toString('latin1')).not.toMatch(/GPS|39\.9042|xmpmeta/)

    // Served to those who see the site, and to nobody else.
    const page = await get(`/supervision/inspections/${id}`, 'policeS2')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('无证乙')
    const img = dom(page.body).querySelector('img[src^="/supervision/photos/"]')!.getAttribute('src')!
    for (const who of ['policeS2', 'policeS1', 'policeD1', 'trainerA', 'admin'] as const) {
      const served = await get(img, who)
      expect(served.statusCode, who).toBe(200)
      expect(served.headers['content-type']).toBe('image/jpeg')
      expect(served.rawPayload.equals(plain)).toBe(true)
    }
    for (const who of ['trainerB'] as const) {
      expect((await get(img, who)).statusCode, who).toBe(404)
      expect((await get(`/supervision/inspections/${id}`, who)).statusCode, who).toBe(404)
    }
    expect((await get(img, 'traineeA')).statusCode).toBe(403)
    // The trainer of enterprise A sees the inspection in the list.
    expect((await get('/supervision/inspections', 'trainerA')).body).toContain('检查花园')
    expect((await get('/supervision/inspections', 'trainerB')).body).not.toContain('检查花园')
  })

  test.each([
    ['an iPhone HEIC photo', heicStart(), 'IMG_0002.HEIC', 'HEIC'],
    ['a PDF', Buffer.from('%PDF-1.7\n'), 'scan.pdf', 'not a JPEG, PNG or WebP'],
    ['a photo over 10 MB', Buffer.concat([pngWithLocation(), Buffer.alloc(10 * 1024 * 1024)]), 'big.png', 'larger than 10 MB']
  ])('%s is refused with what to do, the form keeps what was typed, and nothing is kept', async (_n, data, filename, message) => {
    const before = await counts()
    const { f, first } = await fields({ officers: '赵警官' })
    // A good photo first: it must not be kept either.
    const res = await record(f, [{ name: `photos-${first}`, filename: 'ok.png', type: 'image/png', data: pngWithLocation() }, { name: `photos-${first}`, filename, type: 'application/octet-stream', data }])
    expect(res.statusCode).toBe(422)
    expect(res.body).toContain(message)
    expect(res.body).toContain('赵警官')
    expect(res.body).toContain('一名保安员无证上岗')
    expect(await counts()).toEqual(before)
  })

  test('a failed item needs a note; the station of the enterprise\'s registration may inspect its site elsewhere; a trainer may not record', async () => {
    const { f, first } = await fields({ [`note-${(await fields()).first}`]: '' })
    const res = await record(f)
    expect(res.statusCode).toBe(422)
    expect(dom(res.body).querySelector(`#note-${first}-error`)).not.toBeNull()
    const other = await record((await fields()).f, [], 'policeS1')
    // S1 holds enterprise A's registration: it may inspect the enterprise's site too.
    expect(other.statusCode).toBe(303)
    const far = await get(`/supervision/inspections/new?site=${siteId}`, 'trainerB')
    expect(far.statusCode).toBe(403)
  })

  test('an officer of a station that sees neither the site nor the enterprise gets 404', async () => {
    const now = t.clock.now()
    const s1Site = (await t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, name: '本所花园', createdAt: now, updatedAt: now }).returning())[0]!.id
    expect((await get(`/supervision/inspections/new?site=${s1Site}`, 'policeS2')).statusCode).toBe(404)
    const res = await record((await fields({ site: String(s1Site) })).f)
    expect(res.statusCode).toBe(422)
    expect((await t.db.select().from(inspections)).some((i) => i.siteId === s1Site)).toBe(false)
  })
})
