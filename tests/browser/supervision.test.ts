import { describe, test, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { eq } from 'drizzle-orm'
import { useDemoServer, screenshot, signInFirstTime, PHONE, DESKTOP } from './helpers.js'
import { pngWithLocation } from '../helpers/images.js'
import { sites, checklistItems, rectificationNotices, noticeItems, users, escalationCases, braveryReports, employments } from '../../src/db/schema.js'

// The supervision loop in Chinese in Chromium, on the demo city: an officer of 东湖派出所 inspects
// 东湖花园 (安居物业), one item fails, he issues a notice; 安居's trainer answers with a photo; the
// officer accepts and the notice closes. The printable notice is one A4 page.
const env = useDemoServer()

const noSideways = async (page: Page, what: string) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow, `${what} scrolls sideways`).toBeLessThanOrEqual(0)
}

describe('supervision in Chromium, in Chinese', () => {
  test('inspection with a failed item → notice → the trainer responds with a photo → the officer accepts → closed; the print is one A4 page', async () => {
    const db = env.server.db
    const site = db.select().from(sites).where(eq(sites.name, '东湖花园')).get()!
    const items = db.select().from(checklistItems).all().filter((i) => i.active)
    const police = await (await env.browser.newContext({ viewport: PHONE, locale: 'zh-CN' })).newPage()
    await signInFirstTime(police, env, 'police-dc-01')

    await police.goto(`${env.server.url}/supervision/inspections/new?site=${site.id}`)
    expect(await police.locator('h1').first().textContent()).toBe('登记检查')
    for (const [i, item] of items.entries()) await police.locator(`input[name="result-${item.id}"][value="${i === 0 ? 'not-compliant' : 'compliant'}"]`).check()
    await police.locator(`#note-${items[0]!.id}`).fill('一名在岗保安员未携带保安员证')
    await screenshot(police, 'supervision-inspection-form-phone-zh')
    await noSideways(police, 'the inspection form')
    await police.getByRole('button', { name: '保存检查记录' }).click()
    await police.waitForURL(/\/supervision\/inspections\/\d+$/)
    expect(await police.locator('.flash').textContent()).toContain('检查记录已保存')

    await police.locator('a[href^="/supervision/notices/new"]').click()
    await police.waitForURL(/\/supervision\/notices\/new/)
    await police.getByRole('button', { name: '下发整改通知书' }).click()
    await police.waitForURL(/\/supervision\/notices\/\d+$/)
    const noticeUrl = police.url()
    const number = (await police.locator('hgroup p.mono').textContent())!.trim()
    expect(number).toMatch(/^东湖公（保）限改字〔\d{4}〕第\d{4}号$/)
    await screenshot(police, 'supervision-notice-issued-phone-zh')

    // The trainer sees it on the landing page and responds with a photo.
    const trainer = await (await env.browser.newContext({ viewport: PHONE, locale: 'zh-CN' })).newPage()
    await signInFirstTime(trainer, env, 'trainer1')
    await trainer.goto(`${env.server.url}/`)
    expect(await trainer.locator('.home-notices').textContent()).toContain(number)
    await trainer.goto(noticeUrl)
    await trainer.getByLabel('本企业的整改情况').fill('已为该保安员补办证件，并要求全体保安员上岗随身携带。')
    await trainer.locator('input[type="file"][name="photos"]').setInputFiles({ name: '证件.png', mimeType: 'image/png', buffer: pngWithLocation(16) })
    await trainer.getByRole('button', { name: '提交审核' }).click()
    await trainer.waitForURL(noticeUrl)
    expect(await trainer.locator('.flash').textContent()).toContain('整改情况已提交审核')
    expect(await trainer.locator('.notice-items img').count()).toBe(1)
    await screenshot(trainer, 'supervision-notice-responded-phone-zh')

    // The officer sees the photo, accepts; the notice closes.
    await police.goto(noticeUrl)
    const img = police.locator('.notice-items img').first()
    await img.waitFor()
    expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(16)
    await police.getByRole('button', { name: '验收通过' }).click()
    await police.waitForURL(noticeUrl)
    expect(await police.locator('.flash').textContent()).toContain('通知书已结案')
    const id = Number(/notices\/(\d+)/.exec(noticeUrl)![1])
    expect(db.select().from(rectificationNotices).where(eq(rectificationNotices.id, id)).get()!.status).toBe('closed')
    await screenshot(police, 'supervision-notice-closed-phone-zh')

    // The printable notice: Chinese, one A4 page.
    const printer = await (await env.browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' })).newPage()
    await signInFirstTime(printer, env, 'police-dc-01')
    await printer.goto(`${noticeUrl}/print`)
    expect(await printer.locator('.notice-sheet thead').textContent()).toContain('安全隐患限期整改通知书')
    const pdf = await printer.pdf({ format: 'A4', printBackground: true })
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length
    expect(pages).toBe(1)
    await printer.emulateMedia({ media: 'print' })
    await screenshot(printer, 'supervision-notice-print-desktop-zh')

    // Ten items with requirements of a usual length still fit one page; twenty go on to a second.
    const pagesWith = async (n: number) => {
      const source = db.select().from(noticeItems).where(eq(noticeItems.noticeId, id)).get()!
      const base = db.select().from(rectificationNotices).where(eq(rectificationNotices.id, id)).get()!
      const copy = db.insert(rectificationNotices).values({ ...base, id: undefined, seq: base.seq + 100 + n, number: `${base.number}-${n}` }).returning().get().id
      for (let i = 1; i <= n; i++) db.insert(noticeItems).values({ ...source, id: undefined, noticeId: copy, position: i, requirement: '发现一名保安员未按规定佩戴全国统一的保安服务标志，请立即整改并加强日常检查。' }).run()
      await printer.emulateMedia({ media: 'screen' })
      await printer.goto(`${env.server.url}/supervision/notices/${copy}/print`)
      await printer.emulateMedia({ media: 'print' })
      await screenshot(printer, `supervision-notice-print-${n}-items`)
      return ((await printer.pdf({ format: 'A4' })).toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length
    }
    expect(await pagesWith(10)).toBe(1)
    expect(await pagesWith(20)).toBeGreaterThan(1)
  })

  test('the supervision pages at phone and desktop width, in Chinese, without sideways scrolling', async () => {
    const db = env.server.db
    const overdue = db.select().from(rectificationNotices).all().find((n) => n.status === 'open')!
    for (const [who, urls] of [
      ['police-dc', ['/supervision', '/supervision/enterprises', '/supervision/notices', `/supervision/notices/${overdue.id}`, '/supervision/inspections', '/supervision/messages', '/supervision/bravery', '/supervision/sites', '/jurisdiction']],
      ['trainer2', ['/', '/supervision', '/supervision/notices', '/supervision/messages', '/supervision/sites']]
    ] as const) {
      for (const [viewport, size] of [[PHONE, 'phone'], [DESKTOP, 'desktop']] as const) {
        const page = await (await env.browser.newContext({ viewport, locale: 'zh-CN' })).newPage()
        await signInFirstTime(page, env, who)
        for (const url of urls) {
          const res = await page.goto(`${env.server.url}${url}`)
          expect(res?.status(), url).toBe(200)
          expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
          await screenshot(page, `supervision-${who}-${url.replace(/[/?=]+/g, '-').replace(/^-|-$/g, '') || 'home'}-${size}-zh`)
          await noSideways(page, `${url} at ${size}`)
        }
        await page.context().close()
      }
    }
  })

  test('the pages of cases, counts by site, the notice form and bravery at phone width, in Chinese, without sideways scrolling', async () => {
    const db = env.server.db
    const officer = db.select().from(users).where(eq(users.username, 'police-dc')).get()!
    // A case on the open notice of 华庭苑 (in the East district), opened by the district.
    const notice = db.select().from(rectificationNotices).all().find((n) => n.status === 'open' && n.deadline >= new Date().toISOString().slice(0, 10))!
    const caseId = db.insert(escalationCases).values({ noticeId: notice.id, unitId: officer.jurisdictionId!, basis: 'reg-42-uncertified', note: '逾期未整改，无证人员仍在岗。', status: 'open', escalatedBy: officer.id, escalatedAt: new Date() }).returning().get().id
    const report = db.select().from(braveryReports).all()[0]!
    const guard = db.select().from(employments).all().find((e) => e.siteId !== null && e.endedOn === null)!
    const trainer = db.select().from(users).where(eq(users.enterpriseId, guard.enterpriseId)).all().find((u) => u.role === 'trainer')!
    for (const [who, urls] of [
      ['police-dc', ['/supervision/cases', `/supervision/cases/${caseId}`, '/supervision/sites?area=1', `/supervision/sites/${guard.siteId}`, '/supervision/messages/new', `/supervision/bravery/${report.id}`, '/jurisdiction']],
      [trainer.username, [`/supervision/bravery/new?person=${guard.traineeId}`, '/supervision/sites']]
    ] as const) {
      const page = await (await env.browser.newContext({ viewport: PHONE, locale: 'zh-CN' })).newPage()
      await signInFirstTime(page, env, who)
      for (const url of urls) {
        const res = await page.goto(`${env.server.url}${url}`)
        expect(res?.status(), url).toBe(200)
        await screenshot(page, `supervision-h4-${who}-${url.replace(/[/?=]+/g, '-').replace(/^-|-$/g, '')}-phone-zh`)
        await noSideways(page, `${url} at phone width`)
      }
      await page.context().close()
    }
  })
})
