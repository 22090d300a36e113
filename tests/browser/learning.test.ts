import { describe, test, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import type { Page } from 'playwright-core'
import { useDemoServer, screenshot, signInAs, signInDemo, textOf, PHONE, DESKTOP, POLL } from './helpers.js'
import { questionVersions } from '../../src/db/schema.js'

const env = useDemoServer()

const open = (username: string, viewport: { width: number, height: number }): Promise<Page> => signInDemo(env, username, viewport)

/** Follows an entry of the main navigation. */
const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click()

describe('learning and curricula in Chromium', () => {
  test('a trainer assigns a curriculum to a new cohort; the trainee studies a lesson and passes its check; the trainer sees the progress change', async () => {
    const guard = env.demo.find((a) => a.username === 'trainee2')!

    // The trainer: a cohort with the guard in it.
    const trainer = await open('trainer1', DESKTOP)
    // Cohorts are reached from the Progress page (the navigation keeps six entries).
    await nav(trainer, 'Progress')
    await trainer.waitForURL(/\/training$/)
    await trainer.locator('main').getByRole('link', { name: 'Cohorts', exact: true }).click()
    await trainer.waitForURL(/\/cohorts$/)
    await trainer.getByLabel('Name').fill('Night shift')
    await trainer.getByRole('button', { name: 'Create cohort' }).click()
    await expect.poll(() => textOf(trainer, 'h1'), POLL).toBe('Night shift')
    await trainer.locator('.add-members label', { hasText: guard.displayName }).click()
    await trainer.getByRole('button', { name: 'Add to the cohort' }).click()
    await expect.poll(() => textOf(trainer, '.flash'), POLL).toBe('Added to the cohort: 1.')
    expect(await trainer.locator('ul.members li a').allTextContents()).toEqual([guard.displayName])
    await screenshot(trainer, 'learning-cohort-desktop-en')

    // A curriculum: one topic; a first try without a title is refused with a message.
    // Curricula are reached from the Progress page (the bar gave their place to Supervision).
    await nav(trainer, 'Progress')
    await trainer.locator('main a[href="/curricula"]').click()
    await trainer.getByRole('link', { name: 'New curriculum' }).click()
    await trainer.waitForURL(/\/curricula\/new$/)
    // The topics to study (the practice fieldset below lists the same topics).
    const topics = trainer.locator('fieldset', { has: trainer.locator('input[name="topic"]') })
    await topics.locator('summary', { hasText: 'Legal knowledge' }).click()
    await topics.getByLabel('Who may become a security guard').check()
    await trainer.getByRole('button', { name: 'Create curriculum' }).click()
    await expect.poll(() => textOf(trainer, '#title-error'), POLL).toBe('This field is required.')
    expect(await topics.getByLabel('Who may become a security guard').isChecked()).toBe(true)
    await trainer.getByLabel('Title').fill('Night shift basics')
    await trainer.getByRole('button', { name: 'Create curriculum' }).click()
    await expect.poll(() => textOf(trainer, 'h1'), POLL).toBe('Night shift basics')

    // Assigned to the cohort, mandatory, due in a week.
    const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)
    await trainer.locator('.assign-form label', { hasText: 'Night shift' }).click()
    await trainer.getByLabel('Due date').fill(due)
    await trainer.getByRole('button', { name: 'Assign', exact: true }).click()
    await expect.poll(() => textOf(trainer, '.flash'), POLL).toBe('Assignments made: 1.')
    expect(await textOf(trainer, 'table tbody tr')).toContain('Cohort Night shift')
    await screenshot(trainer, 'learning-curriculum-desktop-en')

    // The trainer's table: the guard has the assignment, nothing done yet.
    await nav(trainer, 'Progress')
    await trainer.getByLabel('Cohort').selectOption({ label: 'Night shift' })
    // htmx filters on change once it has loaded; the button works either way.
    await trainer.getByRole('button', { name: 'Show', exact: true }).click()
    await expect.poll(() => trainer.locator('#trainee-table tbody tr').count(), POLL).toBe(1)
    const row = trainer.locator('#trainee-table tbody tr').first()
    expect(await row.locator('progress').getAttribute('value')).toBe('0')
    await screenshot(trainer, 'learning-training-desktop-en')

    // The guard, on a phone: the dashboard shows the assignment and leads to the lesson.
    const page = await open('trainee2', PHONE)
    await nav(page, 'Learn')
    await page.waitForURL(/\/learn$/)
    const card = page.locator('article.assignment', { hasText: 'Night shift basics' })
    expect(await card.textContent()).toContain(`Due ${due}`)
    await screenshot(page, 'learning-dashboard-phone-en')
    await page.goto(`${env.server.url}/learn/courses/law/guard-eligibility`)
    await page.getByRole('button', { name: 'Mark as studied' }).click()
    await expect.poll(() => textOf(page, '#studied p.done'), POLL).toBe('Marked as studied. Now check your understanding below.')

    // The check: one wrong answer first, then every answer right.
    await page.getByRole('button', { name: 'Start the check' }).click()
    await page.waitForURL(/#check$/)
    const forms = page.locator('form.check-question')
    const n = await forms.count()
    expect(n).toBeGreaterThan(0)
    const qidOf = async (i: number) => Number(/questions\/(\d+)$/.exec((await forms.nth(i).getAttribute('action'))!)![1])
    for (let i = 0; i < n; i++) {
      const q = env.server.db.select().from(questionVersions).where(eq(questionVersions.id, await qidOf(i))).get()!
      const form = forms.nth(i)
      if (i === 0) {
        const wrong = q.type === 'judge' ? (q.body.answer[0] === 'true' ? 'false' : 'true') : q.body.options.map((o) => o.key).find((k) => !q.body.answer.includes(k))!
        await form.locator(`input[value="${wrong}"]`).check()
        await form.getByRole('button', { name: 'Check my answer' }).click()
        await expect.poll(() => form.locator('.feedback.wrong').count(), POLL).toBe(1)
        expect(await form.locator('.feedback').textContent()).toContain('Source:')
        await screenshot(page, 'learning-check-wrong-phone-en')
        for (const k of q.type === 'judge' || q.type === 'single' ? [] : q.body.options.map((o) => o.key)) await form.locator(`input[value="${k}"]`).uncheck()
      }
      for (const k of q.body.answer) await form.locator(`input[value="${k}"]`).check()
      await form.getByRole('button', { name: /^(Check my answer|Try again)$/ }).click()
      await expect.poll(() => forms.nth(i).locator('.feedback.right').count(), POLL).toBe(1)
    }
    await expect.poll(() => textOf(page, '#check-status'), POLL).toBe('Check passed: every answer is correct.')
    await screenshot(page, 'learning-check-passed-phone-en')
    await page.goto(`${env.server.url}/learn`)
    expect(await page.locator('article.assignment', { hasText: 'Night shift basics' }).locator('header .badge.ok').textContent()).toBe('Complete')

    // The trainer sees the progress change.
    await trainer.reload()
    // The column sums all of the guard's assignments (the demo cohort's induction too): it has moved up from 0.
    await expect.poll(async () => Number(await trainer.locator('#trainee-table tbody tr').first().locator('progress').getAttribute('value')), POLL).toBeGreaterThan(0)
    await trainer.locator('#trainee-table tbody tr a').first().click()
    await trainer.waitForURL(/\/training\/trainees\/\d+$/)
    expect(await textOf(trainer, 'article.assignment:has(h3:text-is("Night shift basics")) header .badge.ok')).toBe('Complete')
    await screenshot(trainer, 'learning-trainee-desktop-en')
  })

  test('the pages at phone width, in Chinese', async () => {
    const ctx = await env.browser.newContext({ viewport: PHONE, locale: 'zh-CN' })
    const page = await ctx.newPage()
    const account = env.demo.find((a) => a.username === 'trainer1')!
    await signInAs(page, env.server.url, account.username, account.password)
    for (const [url, name] of [['/training', 'training'], ['/cohorts', 'cohorts'], ['/curricula', 'curricula'], ['/curricula/new', 'curriculum-new']] as const) {
      await page.goto(`${env.server.url}${url}`)
      await screenshot(page, `learning-${name}-phone-zh`)
      // Nothing wider than the phone.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
    }
    await ctx.close()
  })
})
