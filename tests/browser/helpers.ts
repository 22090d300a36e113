import fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, afterAll } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { seedDemo, type DemoAccount } from '../../src/features/demo/seed.js'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openDatabase, migrateDatabase, type Db } from '../../src/db/connection.js'
import { systemClock, type Clock } from '../../src/lib/clock.js'
import { checkBank } from '../../src/features/bank/format.js'
import { readBankDir } from '../../src/features/bank/files.js'
import { publishBank } from '../../src/features/bank/publish.js'
import { latestRelease } from '../../src/features/bank/index.js'
import { SMALL_BANK } from '../helpers/bank.js'
import type { Pii } from '../../src/lib/pii.js'
import { exec, transaction } from '../../src/db/engine.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts')

export const PHONE = { width: 390, height: 844 }
export const DESKTOP = { width: 1280, height: 860 }

/** Debian's Chromium, headless; without it the browser suite fails with one line saying what to install. */
export async function launchBrowser (): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium fonts-noto-cjk" (or set CHROMIUM_PATH)`)
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
}

export interface Server {
  url: string
  readonly db: Db
  readonly pii: Pii
  /** Stops listening (the database and its files stay), as when the server goes down. */
  stop(): Promise<void>
  /** Starts again on the same port and database. */
  restart(): Promise<void>
  close(): Promise<void>
}

/** The real app on a loopback port and a temporary database, with the small fixture bank published. */
export async function startServer (bankDir = SMALL_BANK, clock: Clock = systemClock): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-browser-'))
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'b.db'), LOG_LEVEL: 'silent', PUBLIC_URL: 'http://127.0.0.1' })
  const dataKey = randomBytes(32)
  let app: Awaited<ReturnType<typeof buildApp>> | undefined
  let port = 0
  const boot = async () => {
    const db = openDatabase(config.databasePath)
    migrateDatabase(db)
    if (!await exec(db, latestRelease)) await transaction(db, publishBank, checkBank(readBankDir(bankDir)).bank, null, new Date())
    app = await buildApp(config, db, clock, { dataKey, sweepMs: 1000 })
    await app.listen({ host: '127.0.0.1', port })
    const addr = app.server.address()
    port = typeof addr === 'object' && addr ? addr.port : 0
  }
  await boot()
  return {
    url: `http://127.0.0.1:${port}`,
    get db () { return app!.db },
    get pii () { return app!.pii },
    async stop () { await app?.close(); app = undefined },
    async restart () { await boot() },
    async close () {
      await app?.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

export async function screenshot (page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS, 'screenshots')
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}

/** Signs in through the form, as a person would. */
export async function signInAs (page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/login`)
  await page.getByLabel(/Username|用户名/).fill(username)
  await page.getByLabel(/^(Password|密码)$/).fill(password)
  await page.getByRole('button', { name: /^(Sign in|登录)$/ }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

export const POLL = { timeout: 5000, interval: 100 }

/** The trimmed text of the first match, once it exists ('' if it never appears in time). */
export async function textOf (page: Page, selector: string): Promise<string> {
  const l = page.locator(selector).first()
  try {
    await l.waitFor({ timeout: 1000 })
  } catch {
    return ''
  }
  return ((await l.textContent()) ?? '').trim()
}

/** Chromium and a real server with the demo city, for one test file (hooks registered here). */
export function useDemoServer (opts: { bankDir?: string, clock?: Clock } = {}): { browser: Browser, server: Server, demo: DemoAccount[] } {
  const holder = {} as { browser: Browser, server: Server, demo: DemoAccount[] }
  beforeAll(async () => {
    holder.browser = await launchBrowser()
    holder.server = await startServer(opts.bankDir, opts.clock)
    holder.demo = (await seedDemo(holder.server.db, holder.server.pii, new Date()))!
  })
  afterAll(async () => {
    await holder.browser?.close()
    await holder.server?.close()
  })
  return holder
}

/**
 * Signs a demo account in through the form and gets past what a first sign-in asks, in
 * either language: a new password (the account then keeps it) and the privacy notice.
 */
export async function signInFirstTime (page: Page, env: { server: Server, demo: DemoAccount[] }, username: string): Promise<void> {
  const account = env.demo.find((a) => a.username === username)!
  await signInAs(page, env.server.url, username, account.password)
  if (new URL(page.url()).pathname === '/account/password') {
    // Signed in with the one-time password just now: it is not asked for again.
    await page.getByLabel(/^(New password|新密码)$/).fill('a long enough new password')
    await page.getByLabel(/Repeat the new password|New password again|再次输入新密码/).fill('a long enough new password')
    await page.getByRole('button', { name: /Change password|修改密码/ }).click()
    await page.waitForURL((u) => u.pathname !== '/account/password')
    account.password = 'a long enough new password'
  }
  if (new URL(page.url()).pathname === '/privacy') {
    await page.getByRole('button', { name: /I have read|我已阅读/ }).click()
    await page.waitForURL((u) => u.pathname !== '/privacy')
  }
}

/** A fresh browser context with these options, signed in as a demo account (signInFirstTime). */
export async function signedInPage (env: { browser: Browser, server: Server, demo: DemoAccount[] }, username: string, options: Parameters<Browser['newContext']>[0]): Promise<Page> {
  const page = await (await env.browser.newContext(options)).newPage()
  await signInFirstTime(page, env, username)
  return page
}

/** A fresh browser context signed in as a demo account (signInFirstTime), in the browser language given. */
export async function signInDemo (env: { browser: Browser, server: Server, demo: DemoAccount[] }, username: string, viewport: { width: number, height: number }, locale = 'en-US'): Promise<Page> {
  return signedInPage(env, username, { viewport, locale })
}
