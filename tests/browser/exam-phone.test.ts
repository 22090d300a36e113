import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import { useDemoServer, screenshot, signedInPage, PHONE, POLL, ARTIFACTS } from './helpers.js'
import { DEFAULT_BANK_DIR } from '../../src/features/bank/index.js'

// The national mock (100 questions) on the shipped bank, sat on a phone, in Chinese.
const env = useDemoServer({ bankDir: DEFAULT_BANK_DIR })

const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36'

const phoneTrainee = (username: string) => signedInPage(env, username, { viewport: PHONE, isMobile: true, hasTouch: true, userAgent: PHONE_UA, locale: 'zh-CN' })

describe('the national mock on a phone (390x844, Chinese)', () => {
  test('answered one question per screen and submitted within 110 taps, no screen taller than two screen heights', async () => {
    const page = await phoneTrainee('trainee6')
    await page.goto(`${env.server.url}/exams`)
    let taps = 0
    const tap = async (target: ReturnType<Page['locator']>) => { taps++; await target.tap() }
    await tap(page.locator('article.exam-card', { hasText: '全真模拟' }).getByRole('button', { name: '开始' }))
    await page.waitForURL(/\/exams\/attempts\/\d+/)
    // The answer sheet is folded on a phone: the page starts with the question.
    expect(await page.locator('#answer-sheet').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
    await screenshot(page, 'exam-screen-phone-zh')
    await page.locator('#answer-sheet').evaluate((d) => { (d as HTMLDetailsElement).open = true })
    await screenshot(page, 'exam-answer-sheet-phone-zh')
    await page.locator('#answer-sheet').evaluate((d) => { (d as HTMLDetailsElement).open = false })

    const heights: number[] = []
    const compositions: string[] = []
    const perScreen: number[] = []
    let nextTaps = 0
    for (let screen = 0; screen < 200 && !new URL(page.url()).pathname.endsWith('/submit'); screen++) {
      await page.locator('form.item').first().waitFor()
      const first = await page.locator('form.item').first().getAttribute('id')
      heights.push(await page.evaluate(() => document.documentElement.scrollHeight))
      const items = page.locator('form.item')
      const n = await items.count()
      perScreen.push(n)
      compositions.push((await items.locator('.q-type').allTextContents()).join('+') + ':' + heights.at(-1))
      const before = page.url()
      for (let i = 0; i < n; i++) {
        await tap(items.nth(i).locator('label.option').first())
        // Saved; after the screen's last answer the page may already have moved on.
        // (Read in the page at once: the screen may be swapped for the next one at any moment.)
        await expect.poll(() => page.evaluate(([url, k]) => location.href !== url || (document.querySelectorAll('form.item')[k]?.querySelector('.save-status')?.textContent ?? '').includes('已于'), [before, i] as const), POLL).toBe(true)
      }
      // A screen ending with a single-choice or true/false question moves on by itself.
      const moved = await expect.poll(() => page.url(), { timeout: 1500, interval: 50 }).not.toBe(before).then(() => true, () => false)
      if (!moved) {
        nextTaps++
        await tap(page.locator('#next-link'))
        await expect.poll(() => page.url(), POLL).not.toBe(before)
      }
      // The next screen has replaced this one (htmx swaps the page in place).
      if (!new URL(page.url()).pathname.endsWith('/submit')) await expect.poll(() => page.locator('form.item').first().getAttribute('id'), POLL).not.toBe(first)
    }
    expect(new URL(page.url()).pathname).toMatch(/\/submit$/)
    heights.push(await page.evaluate(() => document.documentElement.scrollHeight))
    await expect.poll(() => page.locator('main').textContent(), POLL).toContain('所有题目均已作答')
    await screenshot(page, 'exam-submit-phone-zh')
    await tap(page.getByRole('button', { name: '立即交卷' }))
    await page.waitForURL(/\/result$/)

    const answered = perScreen.reduce((s, x) => s + x, 0)
    console.log(compositions.join(' | '))
    const report = { viewport: PHONE, questions: answered, screens: perScreen.length, taps, tapsToMoveOn: nextTaps, tallestScreenPx: Math.max(...heights), screenHeightPx: PHONE.height, heights }
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    fs.writeFileSync(path.join(ARTIFACTS, 'exam-phone.json'), JSON.stringify(report, null, 2) + '\n')
    console.log(`national mock on a phone: ${answered} questions on ${perScreen.length} screens, ${taps} taps (${nextTaps} to move on), tallest screen ${report.tallestScreenPx} px of ${PHONE.height}`)
    expect(answered).toBe(100)
    expect(taps).toBeLessThanOrEqual(110)
    expect(report.tallestScreenPx).toBeLessThanOrEqual(2 * PHONE.height)
    await page.context().close()
  }, 240_000)
})

/** Every byte a page's first visit brings over the network (headers and bodies, as encoded), from Chromium's own count. */
async function firstVisitBytes (ctx: BrowserContext, url: string): Promise<{ bytes: number, requests: number }> {
  const page = await ctx.newPage()
  const cdp = await ctx.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  let bytes = 0
  let requests = 0
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; requests++ })
  await page.goto(url, { waitUntil: 'networkidle' })
  await page.close()
  return { bytes, requests }
}

describe('page weight on a phone (item 17)', () => {
  test('a first visit to the login page and to an exam page, cold cache: under 60 kB each', async () => {
    const signedOut = await env.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, userAgent: PHONE_UA, locale: 'zh-CN' })
    const login = await firstVisitBytes(signedOut, `${env.server.url}/login`)
    await signedOut.close()

    // A trainee in the middle of the national mock opens the exam in a fresh browser (nothing cached).
    const page = await phoneTrainee('trainee7')
    await page.goto(`${env.server.url}/exams`)
    await page.locator('article.exam-card', { hasText: '全真模拟' }).getByRole('button', { name: /开始|继续/ }).tap()
    await page.waitForURL(/\/exams\/attempts\/\d+/)
    const examUrl = page.url()
    const state = await page.context().storageState()
    await page.context().close()
    const fresh = await env.browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, userAgent: PHONE_UA, locale: 'zh-CN', storageState: state })
    const exam = await firstVisitBytes(fresh, examUrl)
    const check = await fresh.newPage()
    await check.goto(examUrl)
    expect(await check.locator('form.item').count()).toBeGreaterThan(0)
    await screenshot(check, 'exam-first-visit-phone-zh')
    await fresh.close()

    const report = { loginBytes: login.bytes, loginRequests: login.requests, examBytes: exam.bytes, examRequests: exam.requests }
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    fs.writeFileSync(path.join(ARTIFACTS, 'page-weight.json'), JSON.stringify(report, null, 2) + '\n')
    console.log(`first visit, cold cache: login ${login.bytes} bytes in ${login.requests} requests; exam page ${exam.bytes} bytes in ${exam.requests} requests`)
    expect(login.bytes).toBeLessThan(60_000)
    expect(exam.bytes).toBeLessThan(60_000)
  }, 60_000)
})
