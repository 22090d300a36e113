import { describe, test, expect, beforeAll } from 'vitest'
import { dom, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { addCrowd } from '../../helpers/crowd.js'
import { parseCsv } from '../../../src/lib/csv.js'
import { addSitting } from '../../helpers/readiness.js'

let t: TestApp
let w: World
let crowd: number[]
useWorld((app, world) => { t = app; w = world })
beforeAll(async () => { crowd = (await addCrowd(t, w.ids.entA, 2001)) })

/** Follows the pager's next links from `url` to the end: the ids of every row, page by page, and the pages' count lines. */
async function walk (url: string, cookie: string, rowLink: string): Promise<{ ids: number[][], counts: string[], urls: string[] }> {
  const ids: number[][] = []
  const counts: string[] = []
  const urls: string[] = []
  let next: string | null = url
  while (next) {
    urls.push(next)
    const res = await t.app.inject({ url: next, headers: { cookie } })
    expect(res.statusCode, next).toBe(200)
    const page = dom(res.body)
    ids.push(page.querySelectorAll(`table a[href^="${rowLink}"]`).map((a) => Number(a.getAttribute('href')!.slice(rowLink.length))))
    counts.push(page.querySelector('p.count')?.text ?? page.querySelector('hgroup p')?.text ?? '')
    next = page.querySelector('nav.pager a[rel=next]')?.getAttribute('href') ?? null
    expect(ids.length).toBeLessThan(100)
  }
  return { ids, counts, urls }
}

const everyone = () => [...crowd, w.ids.personA]

describe('the roster pages through every person with the true total', () => {
  test('all 2,001 (and the one already there) are reachable, 50 a page, none twice, none missed', async () => {
    const { ids, counts } = await walk('/roster', w.cookie('trainerA'), '/people/')
    expect(ids).toHaveLength(Math.ceil(2002 / 50))
    expect(ids.slice(0, -1).every((p) => p.length === 50)).toBe(true)
    const all = ids.flat()
    expect(new Set(all).size).toBe(all.length)
    expect([...all].sort((a, b) => a - b)).toEqual(everyone().sort((a, b) => a - b))
    expect(new Set(counts)).toEqual(new Set(['2,002 people']))
  })

  test('100 a page, and the previous links walk back over the same pages', async () => {
    const cookie = w.cookie('trainerA')
    const { ids, urls } = await walk('/roster?size=100', cookie, '/people/')
    expect(ids).toHaveLength(21)
    expect(urls.slice(1).every((u) => u.includes('size=100'))).toBe(true)
    // From the last page back to the first by the previous links.
    let at: string | null = urls.at(-1)!
    const back: number[][] = []
    while (at) {
      const page = dom((await t.app.inject({ url: at, headers: { cookie } })).body)
      back.unshift(page.querySelectorAll('table a[href^="/people/"]').map((a) => Number(a.getAttribute('href')!.slice(8))))
      at = page.querySelector('nav.pager a[rel=prev]')?.getAttribute('href') ?? null
    }
    expect(back).toEqual(ids)
  })

  test('a filter is kept across pages and the total is the filtered one', async () => {
    const { ids, counts, urls } = await walk('/roster?duty=on-duty', w.cookie('trainerA'), '/people/')
    expect(urls.slice(1).every((u) => u.includes('duty=on-duty'))).toBe(true)
    expect(ids.flat().sort((a, b) => a - b)).toEqual(crowd.filter((_, i) => i % 3 === 0).sort((a, b) => a - b))
    expect(counts[0]).toBe('667 people')
    const named = await walk(`/roster?q=${encodeURIComponent('王伟')}`, w.cookie('trainerA'), '/people/')
    expect(named.counts[0]).toBe(`${crowd.filter((_, i) => i % 20 === 0 && Math.floor(i / 20) % 20 === 0).length} people`)
  })

  test('a key that is not one starts at the beginning; another enterprise sees none of them', async () => {
    const res = await t.app.inject({ url: '/roster?after=not-a-key&size=7', headers: { cookie: w.cookie('trainerA') } })
    expect(res.statusCode).toBe(200)
    expect(dom(res.body).querySelectorAll('table a[href^="/people/"]')).toHaveLength(50)
    const other = await walk('/roster', w.cookie('trainerB'), '/people/')
    expect(other.ids.flat()).toEqual([w.ids.personB])
  })
})

describe('the police drill-down pages the same way', () => {
  test('the station officer reaches all of the enterprise page by page, with readiness for each row', async () => {
    const { ids, counts } = await walk(`/jurisdiction/enterprises/${w.ids.entA}`, w.cookie('policeS1'), '/readiness/people/')
    const all = ids.flat()
    expect(new Set(all).size).toBe(2002)
    expect([...all].sort((a, b) => a - b)).toEqual(everyone().sort((a, b) => a - b))
    expect(counts[0]).toBe('2,002 people')
  })

  test('the other station is refused', async () => {
    const res = await t.app.inject({ url: `/jurisdiction/enterprises/${w.ids.entA}`, headers: { cookie: w.cookie('policeS2') } })
    expect(res.statusCode).toBe(404)
  })
})

describe('the roster export streams every row once', () => {
  test('2,002 rows after the header, each person once, with the BOM', async () => {
    const res = await t.app.inject({ url: '/roster/export.csv', headers: { cookie: w.cookie('trainerA') } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const parsed = parseCsv(res.body.slice(1), { maxRows: 10_000 })
    if (!parsed.ok) throw new Error('unparsable')
    const [header, ...rows] = parsed.rows
    expect(header![0]).toBe('Full name')
    expect(rows).toHaveLength(2002)
    // ID numbers are unique per person in the crowd: every row once.
    expect(new Set(rows.map((r) => `${r[0]}|${r[1]}`)).size).toBe(2002)
    // In the roster's order: by name.
    expect(rows.every((r, i) => i === 0 || rows[i - 1]![0]! <= r[0]!)).toBe(true)
  })
})

describe('the trainer\'s training table and readiness roster page too', () => {
  test('/training: every trainee once, a sort and a search kept across pages', async () => {
    const { ids, counts, urls } = await walk('/training?sort=passes&dir=desc', w.cookie('trainerA'), '/training/trainees/')
    expect(ids).toHaveLength(Math.ceil(2002 / 50))
    expect(urls.slice(1).every((u) => u.includes('sort=passes') && u.includes('dir=desc'))).toBe(true)
    const all = ids.flat()
    expect(new Set(all).size).toBe(2002)
    expect([...all].sort((a, b) => a - b)).toEqual(everyone().sort((a, b) => a - b))
    expect(counts[0]).toBe('2,002 of 2,002 trainees')
    const filtered = await walk(`/training?q=${encodeURIComponent('王')}&size=100`, w.cookie('trainerA'), '/training/trainees/')
    const wang = crowd.filter((_, i) => i % 20 === 0).length
    expect(filtered.ids.flat()).toHaveLength(wang)
    expect(filtered.counts[0]).toBe(`${wang} of 2,002 trainees`)
    expect(filtered.urls.slice(1).every((u) => u.includes('size=100') && u.includes('q='))).toBe(true)
  })

  test('/readiness/roster: nobody is dropped, the headline counts the whole roster', async () => {
    const { ids, counts } = await walk('/readiness/roster', w.cookie('trainerA'), '/readiness/people/')
    const all = ids.flat()
    expect(new Set(all).size).toBe(2002)
    expect([...all].sort((a, b) => a - b)).toEqual(everyone().sort((a, b) => a - b))
    expect(counts[0]).toContain('of 2,002 people')
  })
})

describe('the sittings list pages too', () => {
  test('120 sittings of the district (several on one day): every one once, latest day first, the total said', async () => {
    const days = Array.from({ length: 120 }, (_, i) => `2027-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 7)).padStart(2, '0')}`)
    const ids: number[] = []
    for (const sitsOn of days) ids.push(await addSitting(t, w.ids.d1, w.users.policeD1, { sitsOn, applyBy: '2026-12-31' }))
    const { ids: pages, counts } = await walk('/sittings', w.cookie('policeD1'), '/sittings/')
    expect(pages.map((p) => p.length)).toEqual([50, 50, 20])
    const seen = pages.flat()
    expect([...seen].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b))
    const dayOf = new Map(ids.map((id, i) => [id, days[i]!]))
    expect(seen.every((id, i) => i === 0 || dayOf.get(seen[i - 1]!)! >= dayOf.get(id)!)).toBe(true)
    expect(counts[0]).toBe('120 sittings')
  })
})
