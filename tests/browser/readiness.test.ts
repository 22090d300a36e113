import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'
import { eq } from 'drizzle-orm'
import { useDemoServer, screenshot, signInAs, textOf, PHONE, DESKTOP, POLL, ARTIFACTS } from './helpers.js'
import { attempts, blueprintVersions, trainees, cohortMembers } from '../../src/db/schema.js'
import { latestRelease } from '../../src/features/bank/index.js'
import { refreshReadiness } from '../../src/features/readiness/index.js'
import { runSync } from '../../src/db/engine.js'

const env = useDemoServer()
const account = (username: string) => env.demo.find((a) => a.username === username)!
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10)

/** Two recent passes of the national mock for a demo trainee (declared, of age, junior-middle education). */
function passMocks (traineeId: number): void {
  const db = env.server.db
  const release = runSync(latestRelease(db))!
  const bp = db.select().from(blueprintVersions).get()!
  for (const daysAgo of [6, 2]) {
    const finishedAt = new Date(Date.now() - daysAgo * 86_400_000)
    db.insert(attempts).values({
      traineeId, blueprintKey: 'national-mock', blueprintVersionId: bp.id, releaseId: release.id, seed: 'b', passMark: 60, maxScore: 100,
      startedAt: new Date(finishedAt.getTime() - 3_600_000), deadlineAt: finishedAt, finishedAt, finishReason: 'submitted', score: 78 + daysAgo, passed: true
    }).run()
  }
}

/** Pages in a PDF: the page objects, not the page-tree node. */
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length

describe('readiness in Chromium', () => {
  test('a trainer issues and prints a statement and applies; police verify and accept; the public page shows it signed out', async () => {
    const guard = account('trainee3')
    const person = env.server.db.select().from(trainees).all().find((p) => p.fullName === guard.displayName)!
    passMocks(person.id)
    // The demo's induction cohort carries a mandatory curriculum; this journey is about statements, so the guard leaves it.
    env.server.db.delete(cohortMembers).where(eq(cohortMembers.traineeId, person.id)).run()
    // Written past the areas' functions: the stored readiness is worked out again as they would.
    runSync(refreshReadiness(env.server.db, [person.id], new Date()))

    // Police of the district publish a sitting.
    const police = await env.browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
    const ppage = await police.newPage()
    await signInAs(ppage, env.server.url, 'police-dc', account('police-dc').password)
    await ppage.getByRole('link', { name: 'Exam sittings', exact: true }).click()
    await ppage.waitForURL(/\/sittings$/)
    await ppage.getByLabel('Date', { exact: true }).fill(dayFromNow(30))
    await ppage.getByLabel('Starts at').fill('09:00')
    await ppage.getByLabel('Venue').fill('East District exam centre, hall 2')
    await ppage.getByLabel('Places', { exact: true }).fill('40')
    await ppage.getByLabel('Apply by').fill(dayFromNow(20))
    await ppage.getByRole('button', { name: 'Publish a sitting' }).click()
    await ppage.waitForURL(/\/sittings\/\d+$/)
    const sittingUrl = ppage.url()

    // The trainer sees the guard as eligible, issues the statement and prints it.
    for (const [viewport, name] of [[PHONE, 'phone'], [DESKTOP, 'desktop']] as const) {
      const c = await env.browser.newContext({ viewport, locale: 'en-US' })
      const p = await c.newPage()
      await signInAs(p, env.server.url, 'trainer1', account('trainer1').password)
      await p.goto(`${env.server.url}/readiness/roster`)
      await screenshot(p, `readiness-roster-${name}-en`)
      await c.close()
    }
    const trainer = await env.browser.newContext({ viewport: PHONE, locale: 'en-US' })
    const tpage = await trainer.newPage()
    await signInAs(tpage, env.server.url, 'trainer1', account('trainer1').password)
    await tpage.getByRole('link', { name: 'Readiness', exact: true }).click()
    await tpage.getByRole('link', { name: guard.displayName }).click()
    await expect.poll(() => textOf(tpage, '.readiness-status'), POLL).toBe('Eligible')
    await screenshot(tpage, 'readiness-person-phone-en')
    await tpage.getByRole('button', { name: 'Issue a statement' }).click()
    await tpage.waitForURL(/\/statements\/\d+$/)
    const code = await textOf(tpage, '.statement .code')
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    expect(await tpage.locator('.statement-qr svg').count()).toBe(1)
    await screenshot(tpage, 'statement-phone-en')
    await tpage.setViewportSize(DESKTOP)
    await screenshot(tpage, 'statement-desktop-en')
    await tpage.emulateMedia({ media: 'print' })
    expect(await tpage.locator('.site-header').isVisible()).toBe(false)
    expect(await tpage.getByRole('button', { name: 'Print' }).isVisible()).toBe(false)
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    const pdf = await tpage.pdf({ path: path.join(ARTIFACTS, 'statement.pdf'), format: 'A4' })
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF')
    expect(pdfPages(pdf)).toBe(1)
    await tpage.emulateMedia({ media: 'screen' })
    await tpage.setViewportSize(PHONE)

    // ... and applies for the published sitting.
    await tpage.goto(sittingUrl)
    await tpage.getByLabel(new RegExp(guard.displayName)).check()
    await tpage.getByRole('button', { name: 'Apply for this sitting' }).click()
    await expect.poll(() => textOf(tpage, '.flash'), POLL).toContain('has been sent to the police')
    await expect.poll(() => textOf(tpage, 'tbody .badge'), POLL).toBe('Waiting for review')
    await screenshot(tpage, 'sitting-applied-phone-en')

    // The police officer verifies the code, then accepts the application.
    await ppage.getByRole('link', { name: 'Verify', exact: true }).click()
    await ppage.getByLabel('Verification code').fill(code.toLowerCase().replaceAll('-', ' '))
    await ppage.getByRole('button', { name: 'Verify' }).click()
    await expect.poll(() => textOf(ppage, '.verified h2 .badge'), POLL).toBe('Valid')
    expect(await textOf(ppage, '.verified')).toContain(guard.displayName)
    await screenshot(ppage, 'police-verify-desktop-en')
    await ppage.goto(sittingUrl)
    await ppage.getByRole('link', { name: guard.displayName }).click()
    await ppage.waitForURL(/\/applications\/\d+$/)
    expect(await textOf(ppage, '.evidence')).toContain('80 / 100')
    await ppage.getByRole('button', { name: 'Accept' }).click()
    await expect.poll(() => textOf(ppage, '.flash'), POLL).toContain('accepted')
    await screenshot(ppage, 'application-accepted-desktop-en')

    // The trainer sees the outcome.
    await tpage.reload()
    await expect.poll(() => textOf(tpage, 'tbody .badge'), POLL).toBe('Accepted')

    // The public page, signed out, shows the same statement with the minimum.
    const visitor = await env.browser.newContext({ viewport: PHONE, locale: 'en-US' })
    const vpage = await visitor.newPage()
    await vpage.goto(`${env.server.url}/verify`)
    await vpage.getByLabel('Verification code').fill(code)
    await vpage.getByRole('button', { name: 'Verify' }).click()
    await vpage.waitForURL(/\/verify\/[2-9A-Z-]+$/)
    expect(await textOf(vpage, '#verify-status')).toBe('Valid')
    const shown = await textOf(vpage, '.verified')
    expect(shown).toContain(code)
    expect(shown).not.toContain(guard.displayName)
    expect(shown).toContain([...guard.displayName][0]!)
    expect(shown).toContain('80 / 100')
    await screenshot(vpage, 'verify-public-phone-en')
    await Promise.all([police.close(), trainer.close(), visitor.close()])
  })

  test('the readiness pages in Chinese on a phone', async () => {
    const ctx = await env.browser.newContext({ viewport: PHONE, locale: 'zh-CN' })
    const page = await ctx.newPage()
    await signInAs(page, env.server.url, 'trainee2', account('trainee2').password)
    // First sign-in: a new password (when asked) and the privacy notice come first.
    if (new URL(page.url()).pathname === '/account/password') {
      await page.getByLabel('新密码', { exact: true }).fill('一个足够长的新密码')
      await page.getByLabel('再次输入新密码').fill('一个足够长的新密码')
      await page.getByRole('button', { name: '修改密码' }).click()
      await page.waitForURL((u) => u.pathname === '/privacy')
    }
    if (new URL(page.url()).pathname === '/privacy') {
      await page.getByRole('button', { name: '我已阅读并同意' }).click()
      await page.waitForURL((u) => u.pathname === '/')
    }
    await page.goto(`${env.server.url}/readiness`)
    expect(await textOf(page, 'h1')).toBe('我的报考准备')
    expect(await page.locator('ul.checklist li').count()).toBe(8)
    await screenshot(page, 'readiness-mine-phone-zh')
    await page.goto(`${env.server.url}/guide/exam`)
    await screenshot(page, 'guide-phone-zh')
    await ctx.close()
  })
})
