import { describe, test, expect, beforeAll } from 'vitest'
import { dom, type TestApp } from '../../helpers/app.js'
import { useWorld, requestsAs, type World, type Who } from '../../helpers/world.js'
import { braveryReports, checklistItems, enterpriseMessages, inspectionItems, inspections, messageTargets, noticeItems, rectificationNotices, sites } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const { get } = requestsAs(() => ({ t, w }))
const links = (d: ReturnType<typeof dom>, prefix: string) => d.querySelectorAll(`tbody a[href^="${prefix}"], li a[href^="${prefix}"]`).map((a) => a.getAttribute('href')!).filter((h) => /\/\d+$/.test(h))

/** Every page of a list, following its next links: the rows' links in order, and the total the page states. */
async function walk (url: string, who: Who, prefix: string): Promise<{ rows: string[], total: number, pages: number }> {
  const rows: string[] = []
  let next: string | null = url
  let total = -1
  let pages = 0
  while (next) {
    const page = dom((await get(next, who)).body)
    pages++
    if (total < 0) total = Number(/\d+/.exec(page.querySelector('p.count')!.text)![0])
    rows.push(...links(page, prefix))
    next = page.querySelector('a[rel="next"]')?.getAttribute('href')?.replace(/&amp;/g, '&') ?? null
  }
  return { rows, total, pages }
}

beforeAll(async () => {
  const now = t.clock.now()
  const site = (await t.db.insert(sites).values({ enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, name: '分页花园', createdAt: now, updatedAt: now }).returning())[0]!.id
  const item = (await t.db.select().from(checklistItems))[0]!
  for (let i = 0; i < 61; i++) {
    const day = `2026-${String(1 + (i % 11)).padStart(2, '0')}-${String(1 + (i % 27)).padStart(2, '0')}`
    const insp = (await t.db.insert(inspections).values({ siteId: site, enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, inspectedOn: day, officers: 'x', compliant: 0, applicable: 1, recordedBy: w.users.policeS1, createdAt: now }).returning())[0]!.id
    const ii = (await t.db.insert(inspectionItems).values({ inspectionId: insp, checklistItemId: item.id, position: 1, titleZh: item.titleZh, titleEn: item.titleEn, basis: item.basis, result: 'not-compliant', note: 'x' }).returning())[0]!.id
    const n = (await t.db.insert(rectificationNotices).values({ unitId: w.ids.s1, year: 2026, seq: i + 1, number: `N${i}`, inspectionId: insp, siteId: site, enterpriseId: w.ids.entA, deadline: day, status: i % 4 === 0 ? 'closed' : 'open', issuedBy: w.users.policeS1, issuedAt: now }).returning())[0]!.id
    await t.db.insert(noticeItems).values({ noticeId: n, position: 1, inspectionItemId: ii, titleZh: 'x', titleEn: 'x', basis: '', requirement: 'x', status: 'pending' })
    const m = (await t.db.insert(enterpriseMessages).values({ unitId: w.ids.s1, title: `M${i}`, body: 'x', sentBy: w.users.policeS1, sentAt: new Date(now.getTime() - (i % 7) * 60_000) }).returning())[0]!.id
    await t.db.insert(messageTargets).values({ messageId: m, enterpriseId: w.ids.entA, readAt: i % 3 === 0 ? now : null })
    await t.db.insert(braveryReports).values({ traineeId: w.ids.personA, enterpriseId: w.ids.entA, stationId: w.ids.s1, occurredOn: '2026-11-01', place: 'x', account: 'x', reportedBy: w.users.trainerA, reportedAt: new Date(now.getTime() - (i % 5) * 60_000), status: 'reported' })
  }
})

describe('the supervision lists page by keyset', () => {
  test.each([
    ['notices (police)', '/supervision/notices?filter=all', 'policeS1', '/supervision/notices/', 61],
    ['notices not closed (trainer)', '/supervision/notices?filter=open', 'trainerA', '/supervision/notices/', 45],
    ['inspections', '/supervision/inspections', 'policeD1', '/supervision/inspections/', 61],
    ['messages (police)', '/supervision/messages', 'policeS1', '/supervision/messages/', 61],
    ['messages (trainer: unread first)', '/supervision/messages', 'trainerA', '/supervision/messages/', 61],
    ['bravery reports', '/supervision/bravery', 'policeS1', '/supervision/bravery/', 61]
  ] as const)('%s: pages of 50, each row once, the true total, the filter kept', async (_name, url, who, prefix, expected) => {
    const { rows, total, pages } = await walk(url, who, prefix)
    expect(total).toBe(expected)
    expect(pages).toBe(Math.ceil(expected / 50))
    expect(rows).toHaveLength(expected)
    expect(new Set(rows).size).toBe(expected)
  })

  test('the trainer\'s messages: every unread one before every read one, across pages', async () => {
    const { rows } = await walk('/supervision/messages', 'trainerA', '/supervision/messages/')
    const read = new Set((await t.db.select().from(messageTargets)).filter((x) => x.readAt !== null).map((x) => `/supervision/messages/${x.messageId}`))
    const firstRead = rows.findIndex((r) => read.has(r))
    expect(firstRead).toBe(61 - read.size)
    expect(rows.slice(firstRead).every((r) => read.has(r))).toBe(true)
  })

  test('the filter travels with the next link', async () => {
    const page = dom((await get('/supervision/notices?filter=all', 'policeS1')).body)
    expect(page.querySelector('a[rel="next"]')!.getAttribute('href')).toContain('filter=all')
  })
})
