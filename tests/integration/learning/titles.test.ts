import { describe, test, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { dom, FORM_HEADERS, form, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { cohorts, curricula } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const post = (url: string, fields: Record<string, string | string[]>) =>
  t.app.inject({ method: 'POST', url, headers: { ...FORM_HEADERS, cookie: w.cookie('trainerA'), 'accept-language': 'zh-CN' }, payload: form(fields) })
const errorsOf = (html: string) => dom(html).querySelectorAll('.field-error').map((e) => e.text.trim())
const typed = (html: string, name: string) => dom(html).querySelector(`input[name=${name}]`)?.getAttribute('value')

describe('titles people type are one text, shown as stored', () => {
  test('a cohort name with a zero-width space is refused with a message, and the form shows it without', async () => {
    expect((await post('/cohorts', { name: '班组A' })).statusCode).toBe(303)
    const twin = await post('/cohorts', { name: '班组A\u200B' })
    expect(twin.statusCode).toBe(422)
    expect(errorsOf(twin.body)[0]).toContain('看不见的字符')
    expect(typed(twin.body, 'name')).toBe('班组A')
    // Sent again as shown: the same name as the first, so it is taken.
    const again = await post('/cohorts', { name: '班组A' })
    expect(again.statusCode).toBe(422)
    expect(errorsOf(again.body)).toEqual(['已有同名班组。'])
    expect((await t.db.select().from(cohorts).where(eq(cohorts.enterpriseId, w.ids.entA))).map((c) => c.name)).toEqual(['班组A'])
  })

  test('a right-to-left override in a curriculum title is refused', async () => {
    const res = await post('/curricula', { title: '消防\u202E训培', course: 'law' })
    expect(res.statusCode).toBe(422)
    expect(errorsOf(res.body)[0]).toContain('改变文字方向')
    expect(typed(res.body, 'title')).toBe('消防训培')
  })

  test('uniqueness is checked after normalising: an older row holding an invisible character still counts', async () => {
    await t.db.insert(cohorts).values({ enterpriseId: w.ids.entA, name: '夜班\u200B', createdBy: w.users.trainerA, createdAt: t.clock.now() })
    const res = await post('/cohorts', { name: '夜班' })
    expect(res.statusCode).toBe(422)
    expect(errorsOf(res.body)).toEqual(['已有同名班组。'])
    // A full-width letter is the same title as the half-width one.
    expect((await post('/cohorts', { name: 'Ｂ组' })).statusCode).toBe(303)
    expect((await post('/cohorts', { name: 'b组' })).statusCode).toBe(422)
  })

  test('an ID number typed into a title is masked, as in purposes and reasons', async () => {
    const res = await post('/curricula', { title: '补训 11010519491231002X', course: 'law' })
    expect(res.statusCode).toBe(303)
    const row = (await t.db.select().from(curricula).where(eq(curricula.enterpriseId, w.ids.entA))).at(-1)!
    expect(row.title).toBe('补训 1101**********002X')
  })
})
