import { describe, test, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { useDemoServer, screenshot, signInDemo, textOf, PHONE, POLL } from './helpers.js'
import { ManualClock } from '../../src/lib/clock.js'
import { DEFAULT_BANK_DIR } from '../../src/features/bank/index.js'
import { practiceSets, questionVersions } from '../../src/db/schema.js'
import { shownOptions } from '../../src/features/practice/view.js'

// The Chinese bank. The server's clock starts now and moves only when the test says: the next day comes at once.
const clock = new ManualClock(Date.now())
const env = useDemoServer({ bankDir: DEFAULT_BANK_DIR, clock })

describe('practice on a phone, in Chinese', () => {
  test('a random set of 10 answered with feedback; a miss is in 错题本 at once and in 今日复习 the next day', async () => {
    const page = await signInDemo(env, 'trainee2', PHONE, 'zh-CN')
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '练习', exact: true }).click()
    await page.waitForURL(/\/practice$/)
    expect(await textOf(page, 'h1')).toBe('练习')
    await screenshot(page, 'practice-menu-phone-zh')

    const random = page.locator('form.mode-card', { has: page.locator('input[name="mode"][value="random"]') })
    await random.getByLabel('10 题').check()
    await random.getByRole('button', { name: '开始练习' }).click()
    await page.waitForURL(/\/practice\/sets\/\d+$/)
    const setId = Number(/\/practice\/sets\/(\d+)/.exec(page.url())![1])
    const set = env.server.db.select().from(practiceSets).where(eq(practiceSets.id, setId)).get()!
    expect(set.questionVersionIds).toHaveLength(10)
    // The sheet is folded on a phone.
    expect(await page.locator('details.answer-sheet').getAttribute('open')).toBeNull()

    for (let n = 1; n <= 10; n++) {
      await expect.poll(() => textOf(page, '.practice-set h1 small'), POLL).toBe(`第 ${n} 题，共 10 题`)
      expect(await page.locator('.feedback').count()).toBe(0)
      const q = env.server.db.select().from(questionVersions).where(eq(questionVersions.id, set.questionVersionIds[n - 1]!)).get()!
      const { order, codes } = shownOptions(set, n, q)
      // The first question is answered wrong on purpose, the others right.
      const keys = n === 1 ? [order.find((k) => !q.body.answer.includes(k))!] : q.body.answer
      for (const k of keys) await page.locator(`input[name="choice"][value="${codes[order.indexOf(k)]}"]`).check()
      await page.getByRole('button', { name: '提交答案' }).click()
      await expect.poll(() => textOf(page, '.feedback strong'), POLL).toBe(n === 1 ? '回答不正确。' : '回答正确。')
      expect(await textOf(page, '.feedback')).toContain('正确答案：')
      expect(await textOf(page, '.feedback')).toContain('依据：')
      if (n === 1) await screenshot(page, 'practice-feedback-phone-zh')
      if (n < 10) await page.getByRole('link', { name: '下一题' }).click()
    }
    await page.locator('details.answer-sheet summary').click()
    expect(await page.locator('.sheet-grid a.cell.wrong').count()).toBe(1)
    expect(await page.locator('.sheet-grid a.cell.right').count()).toBe(9)
    await screenshot(page, 'practice-sheet-phone-zh')
    // A cell swaps its question in (the list gives its cells the target, swap and URL), with no new page.
    await page.evaluate(() => { (window as unknown as { samePage: boolean }).samePage = true })
    await page.locator('.sheet-grid a.cell.wrong').click()
    await expect.poll(() => textOf(page, '.practice-set h1 small'), POLL).toBe('第 1 题，共 10 题')
    await page.waitForURL(/\?n=1$/)
    expect(await textOf(page, '.feedback strong')).toBe('回答不正确。')
    expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true)

    // The miss is in the book now, and not yet due.
    await page.goto(`${env.server.url}/practice/wrong`)
    expect(await page.locator('li.entry').count()).toBe(1)
    await screenshot(page, 'practice-wrong-book-phone-zh')
    await page.goto(`${env.server.url}/practice/review`)
    expect(await page.locator('li.entry').count()).toBe(0)

    // The next day: it is due.
    clock.advance(86_400_000)
    await page.goto(`${env.server.url}/practice/review`)
    expect(await page.locator('li.entry').count()).toBe(1)
    expect(await textOf(page, 'h1')).toBe('今日复习')
    await screenshot(page, 'practice-review-phone-zh')

    // The home page says what to do next: the review, the next lesson, mastery by subject.
    await page.goto(env.server.url)
    expect(await textOf(page, '.today')).toContain('有 1 道题到期需要复习。')
    expect(await page.locator('svg.mastery-chart rect').count()).toBe(8)
    await screenshot(page, 'practice-home-phone-zh')
  })
})
