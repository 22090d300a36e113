import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'
import { useDemoServer, screenshot, signInAs, textOf, PHONE, DESKTOP, POLL, ARTIFACTS } from './helpers.js'
import { demoIdNumber } from '../../src/features/demo/seed.js'

const env = useDemoServer()

const trainer = () => env.demo.find((a) => a.username === 'trainer1')!

describe('trainer roster in Chromium', () => {
  test('add a trainee with a wrong ID number, correct it, print the slip; the trainee signs in and must change the password', async () => {
    const ctx = await env.browser.newContext({ viewport: PHONE, locale: 'en-US' })
    const page = await ctx.newPage()
    await signInAs(page, env.server.url, trainer().username, trainer().password)
    await page.getByRole('link', { name: 'Roster', exact: true }).click()
    await page.getByRole('link', { name: 'Add a person' }).click()
    await page.waitForURL(/\/roster\/new$/)

    const id = demoIdNumber('330106', '1995-04-12', 88)
    const wrong = id.slice(0, 17) + (id[17] === '5' ? '6' : '5')
    await page.getByLabel('Full name').fill('周星星')
    await page.getByLabel('ID number').fill(wrong)
    await page.getByLabel('Mobile phone').fill('13912345678')
    await page.getByLabel('Education').selectOption('senior-middle')
    await page.getByRole('button', { name: 'Add to roster' }).click()

    await expect.poll(() => textOf(page, '#idNumber-error'), POLL).toContain('last character does not match')
    // The error is tied to the field for screen readers, and what was typed is kept.
    expect(await page.getByLabel('ID number').getAttribute('aria-describedby')).toContain('idNumber-error')
    expect(await page.getByLabel('Full name').inputValue()).toBe('周星星')
    expect(await page.getByLabel('Mobile phone').inputValue()).toBe('13912345678')
    expect(await page.getByLabel('Education').inputValue()).toBe('senior-middle')
    await screenshot(page, 'roster-add-error-phone-en')

    await page.getByLabel('ID number').fill(id)
    await page.getByRole('button', { name: 'Add to roster' }).click()
    await expect.poll(() => textOf(page, 'h1'), POLL).toBe('Login slip')
    const [username, password] = await page.locator('.slip dd.big').allTextContents()
    expect(username).toMatch(/^gp\d{6}$/)
    await screenshot(page, 'roster-slip-phone-en')

    // Printing shows the slip and nothing of the page around it.
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.site-header').isVisible()).toBe(false)
    expect(await page.locator('.slip').isVisible()).toBe(true)
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    const pdf = await page.pdf({ path: path.join(ARTIFACTS, 'slip.pdf'), format: 'A4' })
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF')
    await ctx.close()

    const guard = await env.browser.newContext({ viewport: PHONE, locale: 'zh-CN' })
    const gpage = await guard.newPage()
    await signInAs(gpage, env.server.url, username!, password!)
    expect(new URL(gpage.url()).pathname).toBe('/account/password')
    // Signed in with the one-time password a moment ago: only the new password is asked for.
    expect(await gpage.getByLabel('当前密码').count()).toBe(0)
    await screenshot(gpage, 'password-first-sign-in-phone-zh')
    await gpage.getByLabel('新密码', { exact: true }).fill('星星的新密码很安全')
    await gpage.getByLabel('再次输入新密码').fill('星星的新密码很安全')
    await gpage.getByRole('button', { name: '修改密码' }).click()
    await gpage.waitForURL((u) => u.pathname === '/privacy')
    await screenshot(gpage, 'privacy-phone-zh')
    await gpage.getByRole('button', { name: '我已阅读并同意' }).click()
    await gpage.waitForURL((u) => u.pathname === '/')
    await expect.poll(() => textOf(gpage, 'h1'), POLL).toBe('我的培训')
    await guard.close()
  })

  test('a CSV with one bad row imports nothing and says which row and why', async () => {
    const ctx = await env.browser.newContext({ viewport: DESKTOP, locale: 'en-US' })
    const page = await ctx.newPage()
    await signInAs(page, env.server.url, trainer().username, trainer().password)
    await page.goto(`${env.server.url}/roster`)
    const before = await page.locator('tbody tr').count()
    const good1 = demoIdNumber('110101', '1990-01-01', 501)
    const good2 = demoIdNumber('110101', '1991-02-02', 502)
    const csv = `姓名,身份证号,手机,学历\r\n甲,${good1},,初中\r\n乙,1.10101E+17,,高中\r\n丙,${good2},,大专\r\n`
    const file = path.join(ARTIFACTS, 'roster-bad-row.csv')
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    fs.writeFileSync(file, csv)
    await page.getByRole('link', { name: 'Import CSV' }).click()
    await page.getByLabel('CSV file').setInputFiles(file)
    await page.getByRole('button', { name: 'Check the file' }).click()
    await expect.poll(() => textOf(page, '[role=alert]'), POLL).toContain('1 row has a problem. Nothing has been imported')
    const bad = page.locator('tr.bad')
    expect(await bad.count()).toBe(1)
    expect(await bad.locator('td').first().textContent()).toBe('3')
    expect(await bad.textContent()).toContain('turned this ID number into a number')
    expect(await page.getByRole('button', { name: /^Import/ }).count()).toBe(0)
    await screenshot(page, 'roster-import-bad-row-desktop-en')
    await page.goto(`${env.server.url}/roster`)
    expect(await page.locator('tbody tr').count()).toBe(before)
    await ctx.close()
  })
})
