import { describe, test, expect } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { useDemoServer, screenshot, signInFirstTime, textOf, PHONE, DESKTOP } from './helpers.js'
import { DEFAULT_BANK_DIR } from '../../src/features/bank/index.js'
import { statements, examSittings, applications, enterprises } from '../../src/db/schema.js'

// The demo city on the real question bank, as `npm start` makes it: its readiness data is there.
const env = useDemoServer({ bankDir: DEFAULT_BANK_DIR })

/** Signs in; on a first sign-in sets a new password and accepts the privacy notice. */
const signIn = (page: Page, username: string) => signInFirstTime(page, env, username)

/** Every page at phone and desktop width: a screenshot each, and no page wider than the phone. */
async function tour (browser: Browser, username: string | null, pages: Array<[string, string]>, locale = 'en-US'): Promise<void> {
  for (const [viewport, size] of [[PHONE, 'phone'], [DESKTOP, 'desktop']] as const) {
    const ctx = await browser.newContext({ viewport, locale })
    const page = await ctx.newPage()
    if (username) await signIn(page, username)
    for (const [url, name] of pages) {
      const res = await page.goto(`${env.server.url}${url}`)
      expect(res?.status(), url).toBe(200)
      await screenshot(page, `demo-${name}-${size}-${locale.slice(0, 2)}`)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow, `${url} at ${size} scrolls sideways`).toBeLessThanOrEqual(0)
    }
    await ctx.close()
  }
}

describe('the demo readiness pages in Chromium', () => {
  test('trainer, police, trainee, admin and visitor pages at phone and desktop width', async () => {
    const db = env.server.db
    const st = db.select().from(statements).get()!
    const sitting = db.select().from(examSittings).get()!
    const application = db.select().from(applications).get()!
    const huating = db.select().from(enterprises).all().find((e) => e.name.startsWith('华庭'))!
    expect(application.status).toBe('pending')

    await tour(env.browser, 'trainer2', [
      ['/readiness/roster', 'trainer-roster'], [`/readiness/people/${st.traineeId}`, 'trainer-person'], [`/statements/${st.id}`, 'statement'],
      ['/sittings', 'trainer-sittings'], [`/sittings/${sitting.id}`, 'trainer-sitting'], [`/applications/${application.id}`, 'trainer-application']
    ])
    await tour(env.browser, 'police-dc', [
      ['/jurisdiction', 'police-dashboard'], [`/jurisdiction/enterprises/${huating.id}`, 'police-enterprise'], ['/sittings', 'police-sittings'],
      [`/sittings/${sitting.id}`, 'police-sitting'], [`/applications/${application.id}`, 'police-application'], ['/jurisdiction/lookup', 'police-lookup'],
      [`/jurisdiction/verify?code=${st.code}`, 'police-verify'], ['/jurisdiction/audit', 'police-audit']
    ])
    await tour(env.browser, 'trainee13', [['/readiness', 'trainee-readiness'], ['/guide/exam', 'guide']])
    await tour(env.browser, 'trainee13', [['/readiness', 'trainee-readiness'], [`/statements/${st.id}`, 'statement']], 'zh-CN')
    await tour(env.browser, 'admin', [['/admin/readiness', 'admin-settings']])
    await tour(env.browser, null, [['/verify', 'verify-form'], [`/verify/${st.code}`, 'verify-public']])
    await tour(env.browser, null, [[`/verify/${st.code}`, 'verify-public']], 'zh-CN')
  })

  test('police review with the keyboard only: the decision form is reachable and returns with a reason', async () => {
    const ctx = await env.browser.newContext({ viewport: PHONE, locale: 'en-US' })
    const page = await ctx.newPage()
    await signIn(page, 'police-dc')
    const application = env.server.db.select().from(applications).get()!
    await page.goto(`${env.server.url}/applications/${application.id}`)
    const reason = page.getByLabel('Reason for returning')
    await reason.focus()
    await page.keyboard.type('The health certificate is missing.')
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim())
    expect(focused).toBe('Return')
    await page.keyboard.press('Enter')
    await page.waitForURL(/\/applications\/\d+$/)
    expect(await textOf(page, '.flash')).toContain('returned')
    await screenshot(page, 'demo-police-application-returned-phone-en')
    await ctx.close()
  })
})
