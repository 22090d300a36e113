import { describe, test, expect } from 'vitest'
import { and, eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { useDemoServer, screenshot, signInDemo, textOf, PHONE, DESKTOP, POLL } from './helpers.js'
import { attempts, attemptItems, attemptSteps } from '../../src/db/schema.js'
import { optionCodes } from '../../src/features/exams/index.js'

const env = useDemoServer()

/** Signs a demo trainee in, accepts the privacy notice, and opens the mock exams page. */
async function traineePage (username: string, viewport = PHONE): Promise<Page> {
  const page = await signInDemo(env, username, viewport)
  await page.goto(`${env.server.url}/exams`)
  return page
}

const attemptIdOf = (page: Page) => Number(/\/exams\/attempts\/(\d+)/.exec(page.url())![1])

describe('mock exams in Chromium', () => {
  test('a trainee sits a whole mock, submits it and reads the review', async () => {
    const page = await traineePage('trainee2', DESKTOP)
    await page.getByRole('button', { name: 'Start' }).first().click()
    await page.waitForURL(/\/exams\/attempts\/\d+$/)
    await expect.poll(() => textOf(page, '#clock'), POLL).toMatch(/^(19|20):\d\d$/)
    for (let p = 1; p <= 2; p++) {
      const items = page.locator('form.item')
      const n = await items.count()
      for (let i = 0; i < n; i++) {
        await items.nth(i).locator('label.option').first().click()
        await expect.poll(() => items.nth(i).locator('.save-status').textContent(), POLL).toContain('Saved at')
      }
      if (p === 1) {
        await screenshot(page, 'exam-page-desktop-en')
        await page.getByRole('link', { name: 'Next page' }).click()
        await page.waitForURL(/page=2/)
      }
    }
    await expect.poll(() => textOf(page, '#progress'), POLL).toBe('16 of 16 answered')
    // The grid links into other pages: cell 3 leads back to page 1, at its question.
    await page.locator('#nav-3').click()
    await page.waitForURL(/page=1#q-3$/)
    await expect.poll(() => page.locator('form#q-3').count(), POLL).toBe(1)
    await page.getByRole('link', { name: 'Review and submit' }).click()
    await expect.poll(() => textOf(page, 'main'), POLL).toContain('Every question is answered.')
    await page.getByRole('button', { name: 'Submit now' }).click()
    await page.waitForURL(/\/result$/)
    await expect.poll(() => textOf(page, '.score'), POLL).toMatch(/^\d+ \/ 20$/)
    expect(await page.locator('article.review').count()).toBe(16)
    expect(await page.locator('svg.bars').getAttribute('aria-label')).toContain('Legal knowledge')
    await screenshot(page, 'exam-result-desktop-en')
    await page.getByRole('link', { name: /Only wrong/ }).click()
    await page.waitForURL(/show=wrong/)
    const wrong = await page.locator('article.review').count()
    expect(await page.locator('article.review.right').count()).toBe(0)
    expect(wrong).toBeLessThanOrEqual(16)
    await page.context().close()
  })

  test('time runs out: the page submits by itself and the saved answers count', async () => {
    const page = await traineePage('trainee3')
    await page.getByRole('button', { name: 'Start' }).first().click()
    await page.waitForURL(/\/exams\/attempts\/\d+$/)
    const id = attemptIdOf(page)
    await page.locator('form.item').first().locator('label.option').first().click()
    await expect.poll(() => page.locator('form.item').first().locator('.save-status').textContent(), POLL).toContain('Saved at')
    // Bring the deadline to a few seconds from now, as if the trainee had used almost all the time.
    env.server.db.update(attempts).set({ deadlineAt: new Date(Date.now() + 4000) }).where(eq(attempts.id, id)).run()
    await page.reload()
    await page.waitForURL(/\/result$/, { timeout: 20_000 })
    await expect.poll(() => textOf(page, 'hgroup p'), POLL).toContain('Time ran out')
    const row = env.server.db.select().from(attempts).where(eq(attempts.id, id)).get()!
    expect(row.finishReason).toBe('timeout')
    expect(await page.locator('article.review .badge:has-text("your answer")').count()).toBe(1)
    await page.context().close()
  })

  test('saving fails while the server is down, the page says so, and the answer is saved once it is back', async () => {
    const page = await traineePage('trainee4')
    await page.getByRole('button', { name: 'Start' }).first().click()
    await page.waitForURL(/\/exams\/attempts\/\d+$/)
    const id = attemptIdOf(page)
    await env.server.stop()
    const item = page.locator('form.item').nth(1)
    const value = await item.locator('input[name=choice]').nth(1).getAttribute('value')
    await item.locator('label.option').nth(1).click()
    await expect.poll(() => textOf(page, '#save-warning'), POLL).toContain('could not be saved')
    await screenshot(page, 'exam-save-failed-phone-en')
    await env.server.restart()
    await expect.poll(() => item.locator('.save-status').textContent(), { timeout: 15_000, interval: 250 }).toContain('Saved at')
    await expect.poll(() => page.locator('#save-warning').isHidden(), POLL).toBe(true)
    // The page's value is the option's code for this attempt; the database keeps the bank's key.
    const slot = Number((await item.getAttribute('id'))!.slice(2))
    const a = env.server.db.select().from(attempts).where(eq(attempts.id, id)).get()!
    const row = env.server.db.select().from(attemptItems).where(and(eq(attemptItems.attemptId, id), eq(attemptItems.slot, slot))).get()!
    const key = row.optionOrder[optionCodes(a.seed, id, slot, row.optionOrder).indexOf(value!)]
    const steps = env.server.db.select().from(attemptSteps).where(eq(attemptSteps.attemptItemId, row.id)).all()
    expect(steps.some((s) => s.response.length === 1 && s.response[0] === key)).toBe(true)
    expect(env.server.db.select().from(attempts).where(eq(attempts.id, id)).get()!.finishedAt).toBeNull()
    await page.context().close()
  })
})
