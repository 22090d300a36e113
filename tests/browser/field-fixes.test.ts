import { describe, test, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { useDemoServer, screenshot, signedInPage, textOf, PHONE, POLL } from './helpers.js'
import { DEFAULT_BANK_DIR } from '../../src/features/bank/index.js'
import { demoPeople } from '../../src/features/demo/seed.js'
import { localDate } from '../../src/lib/time.js'
import { applications } from '../../src/db/schema.js'

// The field test's usability findings, each seen in Chinese on a phone (390x844), on the demo city
// and the shipped bank. (The exam on a phone and page weight: exam-phone.test.ts; the first
// sign-in: roster.test.ts.)
const env = useDemoServer({ bankDir: DEFAULT_BANK_DIR })

/** A Chinese phone browser signed in as a demo account. */
const phone = (username: string) => signedInPage(env, username, { viewport: PHONE, locale: 'zh-CN' })

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

describe('field-test fixes in Chinese on a phone', () => {
  test('8: the police look-up takes its own example purpose, and a refused one keeps the ID number typed', async () => {
    const page = await phone('police-dc')
    const person = demoPeople(localDate(new Date(), 'Asia/Shanghai')).find((p) => p.username === 'trainee3')!
    await page.goto(`${env.server.url}/jurisdiction/lookup`)
    expect(await textOf(page, '#purpose-hint')).toContain('至少 2 个汉字')
    await page.getByLabel('身份证号').fill(person.idNumber)
    await page.getByLabel('查询目的').fill('查')
    await page.getByRole('button', { name: '查询' }).click()
    await expect.poll(() => textOf(page, '#purpose-error'), POLL).toContain('至少 2 个汉字')
    expect(await page.getByLabel('身份证号').inputValue()).toBe(person.idNumber)
    await screenshot(page, 'lookup-refused-phone-zh')
    await page.getByLabel('查询目的').fill('现场检查')
    await page.getByRole('button', { name: '查询' }).click()
    await expect.poll(() => textOf(page, 'article h2'), POLL).toBe(person.fullName)
    await screenshot(page, 'lookup-found-phone-zh')
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0)
    await page.context().close()
  })

  test('9: the audit log reads as sentences with names and links', async () => {
    const page = await phone('admin')
    await page.goto(`${env.server.url}/admin/audit`)
    const entries = page.locator('li.audit-entry')
    expect(await entries.count()).toBeGreaterThan(5)
    const text = await page.locator('ol.audit-log').textContent()
    expect(text).not.toMatch(/login\.success|person\.created|\{"|#\d/)
    expect(text).toContain('登录了系统')
    expect(await page.locator('ol.audit-log a[href^="/people/"]').count()).toBeGreaterThan(0)
    expect(await textOf(page, 'p.count')).toMatch(/^共 [\d,]+ 条记录$/)
    await screenshot(page, 'audit-phone-zh')
    expect(await noSidewaysScroll(page)).toBeLessThanOrEqual(0)
    await page.context().close()
  })

  test('10: a count of waiting work on the police dashboard is one tap from the work', async () => {
    const page = await phone('police-dc')
    await page.goto(`${env.server.url}/jurisdiction`)
    await screenshot(page, 'police-dashboard-phone-zh')
    const pending = env.server.db.select().from(applications).all().filter((a) => a.status === 'pending')
    await page.locator('tfoot a[href="/sittings#pending"]').click()
    await page.waitForURL(/\/sittings/)
    await expect.poll(() => textOf(page, '#pending h2'), POLL).toBe(`待审核报名（${pending.length}）`)
    await screenshot(page, 'pending-applications-phone-zh')
    await page.locator(`#pending a[href="/applications/${pending[0]!.id}"]`).click()
    await page.waitForURL(/\/applications\/\d+$/)
    await page.context().close()
  })

  test('11: an unknown verification code says it was not found and what to check, not that the page is missing', async () => {
    const ctx = await env.browser.newContext({ viewport: PHONE, locale: 'zh-CN' })
    const page = await ctx.newPage()
    const res = await page.goto(`${env.server.url}/verify/2222-3333-4444`)
    expect(res?.status()).toBe(404)
    expect(await textOf(page, '#verify-not-found h2')).toBe('未找到该核验码')
    expect(await page.locator('#verify-not-found li').count()).toBe(3)
    expect(await page.locator('main').textContent()).not.toContain('页面不存在')
    await screenshot(page, 'verify-unknown-phone-zh')
    await ctx.close()
  })

  test('13: the trainer reaches 班组 from the menu; admin pages show titles, not keys', async () => {
    const trainer = await phone('trainer1')
    await trainer.locator('.nav-links').getByRole('link', { name: '班组' }).click()
    await trainer.waitForURL(/\/cohorts$/)
    await screenshot(trainer, 'trainer-cohorts-phone-zh')
    await trainer.context().close()

    const admin = await phone('admin')
    await admin.goto(`${env.server.url}/admin/readiness`)
    expect(await admin.locator('select[name=mockBlueprint] option:checked').textContent()).toBe('保安员资格考试全真模拟')
    await screenshot(admin, 'admin-readiness-rules-phone-zh')
    await admin.goto(`${env.server.url}/admin/bank`)
    await admin.locator('article h2 a').first().click()
    await admin.waitForURL(/\/admin\/bank\/releases\/\d+$/)
    const topics = admin.locator('ul.topic-changes > li')
    expect(await topics.count()).toBeGreaterThan(10)
    expect(await admin.locator('ul.topic-changes details[open]').count()).toBe(0)
    const main = (await admin.locator('main').textContent()) ?? ''
    expect(main).not.toMatch(/national-mock|practice-law|law\.regulation-scope/)
    await screenshot(admin, 'bank-release-phone-zh')
    await admin.context().close()
  })

  test('15: a browser that asks for no language of ours gets Chinese', async () => {
    const ctx = await env.browser.newContext({ viewport: PHONE, locale: 'fr-FR' })
    const page = await ctx.newPage()
    await page.goto(`${env.server.url}/login`)
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN')
    expect(await textOf(page, 'h1')).toBe('登录')
    await screenshot(page, 'login-default-language-phone-zh')
    await ctx.close()
  })
})
