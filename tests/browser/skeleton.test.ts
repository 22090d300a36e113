import { describe, test, expect, beforeAll } from 'vitest'
import type { BrowserContext } from 'playwright-core'
import { useDemoServer, screenshot, signInAs, textOf, PHONE, DESKTOP, POLL } from './helpers.js'
import { insertUser, hashPassword } from '../../src/features/auth/index.js'
import { runSync } from '../../src/db/engine.js'

const env = useDemoServer()
beforeAll(async () => {
  runSync(insertUser(env.server.db, { username: 'newguard', displayName: 'New Guard', passwordHash: await hashPassword('initial-pass-1'), role: 'trainee', mustChangePassword: true }, new Date()))
})

/** The first demo account of a role (admin, trainer1, police-dc, trainee1). */
const account = (role: string) => env.demo.find((a) => a.role === role)!

async function context (viewport = PHONE, locale = 'en-US'): Promise<BrowserContext> {
  return env.browser.newContext({ viewport, locale, reducedMotion: 'reduce' })
}

describe('skeleton journeys in Chromium', () => {
  test('the demo admin signs in with the printed password and signs out', async () => {
    const ctx = await context(DESKTOP)
    const page = await ctx.newPage()
    const errors: string[] = []
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
    await signInAs(page, env.server.url, account('admin').username, account('admin').password)
    await expect.poll(() => textOf(page, 'h1'), POLL).toBe('Administration')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/login$/)
    await expect.poll(() => textOf(page, '.flash'), POLL).toBe('You are signed out.')
    expect(errors, 'no CSP violations or script errors').toEqual([])
    await ctx.close()
  })

  test('a wrong password shows the message and keeps the username', async () => {
    const ctx = await context()
    const page = await ctx.newPage()
    await page.goto(`${env.server.url}/login`)
    await page.getByLabel('Username').fill('trainer')
    await page.getByLabel('Password').fill('not the password')
    await page.keyboard.press('Enter')
    await expect.poll(() => textOf(page, '[role=alert]'), POLL).toContain('not correct')
    expect(await page.getByLabel('Username').inputValue()).toBe('trainer')
    await ctx.close()
  })

  test('a first sign-in forces a password change before anything else', async () => {
    const ctx = await context()
    const page = await ctx.newPage()
    await signInAs(page, env.server.url, 'newguard', 'initial-pass-1')
    expect(new URL(page.url()).pathname).toBe('/account/password')
    await page.goto(`${env.server.url}/`)
    expect(new URL(page.url()).pathname).toBe('/account/password')
    await screenshot(page, 'password-forced-phone-en')
    expect(await page.getByLabel('Current password').count()).toBe(0)
    await page.getByLabel('New password', { exact: true }).fill('my own passphrase')
    await page.getByLabel('New password again').fill('my own passphrase')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.waitForURL((u) => u.pathname === '/')
    await expect.poll(() => textOf(page, '.flash'), POLL).toContain('password has been changed')
    await expect.poll(() => textOf(page, 'h1'), POLL).toBe('Your training')
    await ctx.close()
  })

  test('the language switch turns the interface to Chinese and back, and it sticks', async () => {
    const ctx = await context()
    const page = await ctx.newPage()
    await signInAs(page, env.server.url, account('trainer').username, account('trainer').password)
    await page.getByRole('button', { name: '中文' }).click()
    await expect.poll(() => textOf(page, 'h1'), POLL).toBe('本企业')
    await expect.poll(() => page.locator('html').getAttribute('lang'), POLL).toBe('zh-CN')
    await page.reload()
    await expect.poll(() => textOf(page, 'h1'), POLL).toBe('本企业')
    await page.getByRole('button', { name: 'EN' }).click()
    await expect.poll(() => textOf(page, 'h1'), POLL).toBe('Your enterprise')
    await ctx.close()
  })

  test('keyboard: the skip link is the first stop and moves focus to the content', async () => {
    const ctx = await context(DESKTOP)
    const page = await ctx.newPage()
    await signInAs(page, env.server.url, account('police').username, account('police').password)
    await page.goto(`${env.server.url}/`)
    await page.keyboard.press('Tab')
    await expect.poll(() => textOf(page, ':focus'), POLL).toBe('Skip to content')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('main')
    await ctx.close()
  })

  test('screenshots of each landing page, in both languages, on a phone and a desktop', async () => {
    for (const role of ['trainee', 'trainer', 'police', 'admin']) {
      for (const [lang, acceptLanguage] of [['en', 'en-US'], ['zh', 'zh-CN']] as const) {
        for (const [size, viewport] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
          const ctx = await context(viewport, acceptLanguage)
          const page = await ctx.newPage()
          await signInAs(page, env.server.url, account(role).username, account(role).password)
          if (new URL(page.url()).pathname === '/privacy') {
            await page.getByRole('button', { name: /agree|同意/ }).click()
            await page.waitForURL((u) => u.pathname === '/')
          }
          // The account remembers the last choice, so pick the language with the switch.
          const want = lang === 'zh' ? 'zh-CN' : 'en'
          if (await page.locator('html').getAttribute('lang') !== want) {
            await page.getByRole('button', { name: lang === 'zh' ? '中文' : 'EN' }).click()
            await expect.poll(() => page.locator('html').getAttribute('lang'), POLL).toBe(want)
          }
          const h1 = (await page.locator('h1').textContent())!
          expect(h1, `${role} ${lang}`).toMatch(lang === 'zh' ? /\p{Script=Han}/u : /^[A-Za-z ]+$/)
          // Nothing may overflow the viewport sideways.
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
          expect(overflow, `${role} ${lang} ${size} overflows`).toBeLessThanOrEqual(0)
          await screenshot(page, `home-${role}-${size}-${lang}`)
          await ctx.close()
        }
      }
    }
    const ctx = await context(PHONE, 'zh-CN')
    const page = await ctx.newPage()
    await page.goto(`${env.server.url}/login`)
    await screenshot(page, 'login-phone-zh')
    await ctx.close()
  })
})
