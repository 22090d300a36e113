import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import { describe, test, expect } from 'vitest'
import { parse } from 'node-html-parser'
import { runCli } from '../../helpers/cli.js'
import { freshPgDatabase } from '../../helpers/pg.js'
import { NAV, HOME_LINKS } from '../../../src/http/nav.js'
import { serverPort } from '../../helpers/ports.js'

// Issue 19's check of a move: the demo city served from SQLite, moved with `guardpass
// migrate-to-postgres`, then served from PostgreSQL: every role's main pages (its menu and its
// home page's cards) answer the same, with the same content. Each server is a real `guardpass
// serve` process (a process runs on one engine), and the sessions signed in on SQLite are used
// on PostgreSQL: they moved with the rest.
const ROOT = path.resolve(import.meta.dirname, '../../..')
const ROLES = ['trainee', 'trainer', 'police', 'admin'] as const
const WHO: Record<typeof ROLES[number], string> = { trainee: 'trainee13', trainer: 'trainer2', police: 'police-dc', admin: 'admin' }

function serve (env: Record<string, string>): { child: ChildProcess, base: string, ready: Promise<void>, stop: () => Promise<void> } {
  const port = serverPort()
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), 'serve'], {
    cwd: ROOT, env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (d) => { output += d })
  child.stderr!.on('data', (d) => { output += d })
  const base = `http://127.0.0.1:${port}`
  const ready = (async () => {
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) break
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error(`the server did not start:\n${output.slice(-3000)}`)
  })()
  const stop = async () => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('close', resolve))
  }
  return { child, base, ready, stop }
}

/** The page's main content as text, spaces collapsed; what a reader sees of its data. */
function content (html: string): string {
  const main = parse(html).querySelector('main')
  return (main ?? parse(html)).text.replace(/\s+/g, ' ').trim()
}

async function walk (base: string, cookies: Record<string, string>): Promise<Map<string, { status: number, text: string }>> {
  const pages = new Map<string, { status: number, text: string }>()
  for (const role of ROLES) {
    const urls = [...new Set([...NAV[role].map((n) => n.href), ...HOME_LINKS[role].map((l) => l.href)])]
    for (const url of urls) {
      const res = await fetch(base + url, { redirect: 'manual', headers: { cookie: cookies[role]!, 'accept-language': 'zh-CN' } })
      pages.set(`${role} ${url}`, { status: res.status, text: content(await res.text()) })
    }
  }
  return pages
}

describe('a demo deployment moved to PostgreSQL', () => {
  test('every role\'s main pages show the same data on both engines', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-moved-'))
    const key = randomBytes(32).toString('hex')
    const dbPath = path.join(dir, 'data', 'guardpass.db')
    const target = await freshPgDatabase()
    const common = { GUARDPASS_DATA_KEY: key, GUARDPASS_DEMO: 'on', DATABASE_PATH: dbPath, TZ_DISPLAY: 'Asia/Shanghai' }
    const servers: Array<{ stop: () => Promise<void> }> = []
    try {
      // The demo city on SQLite, each role signed in (the trainee also accepts the privacy notice).
      const sqlite = serve(common)
      servers.push(sqlite)
      await sqlite.ready
      const accounts = new Map(fs.readFileSync(path.join(dir, 'data', 'demo-accounts.txt'), 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).filter((p) => p.length >= 3).map((p) => [p[1]!, p[2]!]))
      const cookies: Record<string, string> = {}
      for (const role of ROLES) {
        const res = await fetch(`${sqlite.base}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body: new URLSearchParams({ username: WHO[role], password: accounts.get(WHO[role])! }) })
        expect(res.status, `${role} signs in`).toBe(303)
        cookies[role] = res.headers.get('set-cookie')!.split(';')[0]!
      }
      const accept = await fetch(`${sqlite.base}/privacy`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', cookie: cookies.trainee! }, body: '' })
      expect(accept.status).toBe(303)
      const before = await walk(sqlite.base, cookies)
      await sqlite.stop()

      const moved = await runCli(['migrate-to-postgres', '--from', dbPath, '--to', target.url], { dbPath, env: { GUARDPASS_DATA_KEY: key }, timeoutMs: 120_000 })
      expect(moved.code, moved.stdout + moved.stderr).toBe(0)

      // The same deployment on PostgreSQL: the demo is not seeded again (the database has users).
      const postgres = serve({ ...common, DATABASE_URL: target.url, FILES_DIR: path.join(dir, 'data', 'guardpass-photos') })
      servers.push(postgres)
      await postgres.ready
      const after = await walk(postgres.base, cookies)

      expect([...after.keys()]).toEqual([...before.keys()])
      expect(before.size).toBeGreaterThanOrEqual(20)
      // The pages show the demo's data (not empty shells): the trainer's enterprise, the police district, the people.
      const everything = [...before.values()].map((p) => p.text).join(' ')
      for (const seen of ['华庭物业管理有限公司', '东城分局', '共 9 人']) expect(everything).toContain(seen)
      for (const [page, was] of before) {
        expect(was.status, page).toBe(200)
        expect(after.get(page), page).toEqual(was)
      }
    } finally {
      for (const s of servers) await s.stop()
      await target.drop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
