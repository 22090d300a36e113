import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import { spawn, type ChildProcess } from 'node:child_process'
import { describe, test, expect, afterAll } from 'vitest'
import { serverPort } from '../helpers/ports.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-stop-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

interface Running { child: ChildProcess, port: number, dbFile: string, lines: () => Array<Record<string, unknown>>, exited: Promise<{ code: number | null, at: number }> }

/** Starts the fixture server (the real startServer and signal handling, its checkpoint worker ended) and waits until it is ready. */
async function startFixture (name: string, env: Record<string, string> = {}): Promise<Running> {
  const dbFile = path.join(dir, name, 'g.db')
  const port = serverPort()
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/fixtures/serve-dead-worker.ts')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_PATH: dbFile, PORT: String(port), LOG_LEVEL: 'info', GUARDPASS_DEMO: 'off', GUARDPASS_DATA_KEY: randomBytes(32).toString('hex'), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  child.stdout!.on('data', (d) => { stdout += d })
  child.stderr!.on('data', (d) => { stdout += d })
  const exited = new Promise<{ code: number | null, at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })))
  const lines = () => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
  for (let i = 0; i < 200 && !lines().some((l) => l.msg === 'fixture ready'); i++) await new Promise((resolve) => setTimeout(resolve, 100))
  if (!lines().some((l) => l.msg === 'fixture ready')) { child.kill('SIGKILL'); throw new Error(`the server did not start:\n${stdout}`) }
  return { child, port, dbFile, lines, exited }
}

/** A POST whose body arrives in two parts: the request is under way between them. */
function slowRequest (port: number) {
  const body = 'username=nobody&password=wrong-password'
  const socket = net.connect(port, '127.0.0.1')
  let response = ''
  socket.on('data', (d) => { response += d })
  socket.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nSec-Fetch-Site: same-origin\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`)
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return { finish: () => socket.write(body.slice(10)), response: () => response, closed, socket }
}

describe('shutdown', () => {
  test('with the checkpoint worker already dead, SIGTERM lets a request under way finish, closes the database and exits 0 well within 10 s', async () => {
    const s = await startFixture('clean')
    expect(s.lines().find((l) => l.msg === 'fixture ready')?.checkpointerAlive).toBe(false)
    expect(s.lines().some((l) => String(l.msg).startsWith('WAL checkpointer exited'))).toBe(true)
    expect(fs.readFileSync(`${s.dbFile}.pid`, 'utf8').trim()).toBe(String(s.child.pid))
    const req = slowRequest(s.port)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const sent = Date.now()
    s.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    req.finish()
    const { code, at } = await s.exited
    await req.closed
    expect(code).toBe(0)
    expect(at - sent).toBeLessThan(10_000)
    expect(req.response()).toMatch(/^HTTP\/1\.1 (303|422) /) // answered, not cut off and not 503
    const msgs = s.lines().map((l) => l.msg)
    expect(msgs).toContain('shutting down')
    expect(msgs).toContain('stopped')
    expect(fs.existsSync(`${s.dbFile}.pid`)).toBe(false)
    expect(fs.existsSync(`${s.dbFile}-wal`), 'the database was closed (the last connection removes its log)').toBe(false)
  }, 60_000)

  test('a connection a browser opened ahead of need, with nothing sent on it, does not hold up the stop', async () => {
    const s = await startFixture('preconnect')
    const idle = net.connect(s.port, '127.0.0.1')
    const closed = new Promise<void>((resolve) => idle.once('close', () => resolve()))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const sent = Date.now()
    s.child.kill('SIGTERM')
    const { code, at } = await s.exited
    await closed
    expect(code).toBe(0)
    expect(at - sent).toBeLessThan(5000) // not the 10 s limit: Node alone would wait for its 60 s headers timeout
  }, 60_000)

  test('a request that never finishes: the stop gives up at its limit, logs why and exits 1', async () => {
    const s = await startFixture('stuck', { STOP_LIMIT_MS: '1500' })
    const req = slowRequest(s.port)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const sent = Date.now()
    s.child.kill('SIGTERM')
    const { code, at } = await s.exited
    req.socket.destroy()
    expect(code).toBe(1)
    expect(at - sent).toBeGreaterThanOrEqual(1400)
    expect(at - sent).toBeLessThan(8000)
    expect(s.lines().some((l) => l.level === 50 && String(l.msg).startsWith('shutdown did not finish within 1.5 s'))).toBe(true)
  }, 60_000)
})
