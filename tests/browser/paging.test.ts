import { describe, test, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { useDemoServer, screenshot, signInDemo, textOf, PHONE, POLL } from './helpers.js'
import { addCrowdTo } from '../helpers/crowd.js'
import { users } from '../../src/db/schema.js'

const env = useDemoServer()

/** The page is no wider than the phone: nothing to scroll sideways. */
const fitsWidth = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)

describe('long lists on a phone, in Chinese', () => {
  test('the roster says its true total and pages with next and previous links; /training and the audit log too', async () => {
    const trainer = env.server.db.select().from(users).where(eq(users.username, 'trainer1')).get()!
    await addCrowdTo({ db: env.server.db, pii: env.server.pii, now: new Date() }, trainer.enterpriseId!, 130, 7)
    const page = await signInDemo(env, 'trainer1', PHONE, 'zh-CN')
    await page.goto(`${env.server.url}/roster`)
    const total = await textOf(page, 'p.count')
    expect(total).toMatch(/^共 \d{3} 人$/)
    expect(await page.locator('table.roster tbody tr').count()).toBe(50)
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'roster-paged-phone-zh')
    // The next page through the link (htmx boosts it), the address keeping the list's place.
    await page.locator('nav.pager a[rel=next]').click()
    await page.waitForURL(/after=/)
    await expect.poll(() => page.locator('nav.pager a[rel=prev]').count(), POLL).toBe(1)
    expect(await textOf(page, 'p.count')).toBe(total)
    await page.locator('nav.pager a', { hasText: '100' }).click()
    await page.waitForURL(/size=100/)
    await expect.poll(() => page.locator('table.roster tbody tr').count(), POLL).toBe(100)

    await page.goto(`${env.server.url}/training?sort=progress&dir=desc`)
    expect(await textOf(page, '#trainee-table p.count')).toMatch(/^共 \d{3} 名学员，符合条件 \d{3} 名$/)
    expect(await page.locator('#trainee-table nav.pager a[rel=next]').getAttribute('href')).toContain('sort=progress')
    expect(await fitsWidth(page)).toBe(true)
    await screenshot(page, 'training-paged-phone-zh')
    await page.context().close()

    const admin = await signInDemo(env, 'admin', PHONE, 'zh-CN')
    await admin.goto(`${env.server.url}/admin/audit`)
    expect(await textOf(admin, 'p.count')).toMatch(/^共 [\d,]+ 条记录$/)
    expect(await fitsWidth(admin)).toBe(true)
    await screenshot(admin, 'audit-paged-phone-zh')
    await admin.context().close()
  })
})
