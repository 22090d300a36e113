import { describe, test, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { useDemoServer, screenshot, signInDemo, textOf, PHONE, POLL } from './helpers.js'
import { DEFAULT_BANK_DIR } from '../../src/features/bank/index.js'
import { LATIN_RUN } from '../../src/features/bank/format.js'

// The shipped bank, read on a phone by a trainee whose browser asks for Chinese.
const env = useDemoServer({ bankDir: DEFAULT_BANK_DIR })

const chinesePhone = (username: string) => signInDemo(env, username, PHONE, 'zh-CN')

/** Runs of three or more Latin words in the text of what a selector finds (none expected in Chinese). */
const latinIn = async (page: Page, selector: string) =>
  (await page.locator(selector).allTextContents()).map((s) => LATIN_RUN.exec(s)?.[0]).filter(Boolean)
/** Nothing wider than the phone: no sideways scrolling. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

describe('the bank in Chinese on a phone', () => {
  test('a lesson and its check, a national-mock page and its review read in Chinese at 390 px', async () => {
    const page = await chinesePhone('trainee21')
    await page.goto(`${env.server.url}/learn/courses/ethics/ethics-basics`)
    expect(await textOf(page, 'article.lesson h1')).toMatch(/\p{Script=Han}/u)
    expect(await latinIn(page, 'article.lesson .prose')).toEqual([])
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'lesson-phone-zh')

    await page.getByRole('button', { name: '开始小测' }).click()
    await page.waitForURL(/#check$/)
    const first = page.locator('form.check-question').first()
    await first.locator('label.option').first().click()
    await first.locator('button[type=submit]').click()
    await expect.poll(() => page.locator('.feedback').count(), POLL).toBeGreaterThan(0)
    expect(await latinIn(page, 'form.check-question')).toEqual([])
    await page.locator('.feedback').first().scrollIntoViewIfNeeded()
    await screenshot(page, 'lesson-check-phone-zh')

    await page.goto(`${env.server.url}/exams`)
    await page.locator('form:has(input[value="national-mock"]) button[type=submit]').click()
    await page.waitForURL(/\/exams\/attempts\/\d+$/)
    const items = page.locator('form.item')
    expect(await items.count()).toBe(10)
    await items.first().locator('label.option').first().click()
    await expect.poll(() => items.first().locator('.save-status').textContent(), POLL).toContain('已于')
    expect(await latinIn(page, 'form.item')).toEqual([])
    expect(await textOf(page, 'h1')).toMatch(/^\p{Script=Han}+$/u)
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    // From the top: a full-page capture taken scrolled down draws the sticky exam header mid-page.
    await page.evaluate(() => window.scrollTo(0, 0))
    await screenshot(page, 'exam-page-phone-zh')

    await page.getByRole('link', { name: '检查并交卷' }).click()
    await page.getByRole('button', { name: '立即交卷' }).click()
    await page.waitForURL(/\/result$/)
    expect(await page.locator('article.review').count()).toBe(100)
    expect(await latinIn(page, 'article.review')).toEqual([])
    expect(await textOf(page, 'article.review .explanation')).toMatch(/\p{Script=Han}{10}/u)
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    await screenshot(page, 'exam-review-phone-zh')
    await page.context().close()
  })
})
