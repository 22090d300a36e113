#!/usr/bin/env node
// CI's check of the built server (.ci/run): start `node dist/main.js serve` on an empty
// database in a temporary folder, wait for /healthz to answer 200, send SIGTERM and expect
// exit code 0 within 10 s. Loopback only; exits 1 with the reason and the server's output.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'

const root = path.resolve(import.meta.dirname, '..')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-start-check-'))
const port = 20000 + Math.floor(Math.random() * 20000)
let output = ''
const child = spawn(process.execPath, [path.join(root, 'dist/main.js'), 'serve'], {
  cwd: root,
  env: { ...process.env, DATABASE_PATH: path.join(dir, 'guardpass.db'), PORT: String(port), HOST: '127.0.0.1', GUARDPASS_DEMO: 'off', LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'pipe']
})
child.stdout.on('data', (d) => { output += d })
child.stderr.on('data', (d) => { output += d })
const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })))

function fail (why) {
  console.log(`start check failed: ${why}\n--- server output ---\n${output.slice(-4000)}`)
  child.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
  process.exit(1)
}

let health
const started = Date.now()
while (Date.now() - started < 60_000) {
  const early = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(null), 250))])
  if (early) fail(`the server exited (code ${early.code}) before /healthz answered`)
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) })
    if (res.status === 200) { health = await res.json(); break }
  } catch {}
}
if (!health) fail('/healthz did not answer 200 within 60 s')
const startSeconds = ((Date.now() - started) / 1000).toFixed(1)
const sent = Date.now()
child.kill('SIGTERM')
const end = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(null), 10_000))])
if (!end) fail('SIGTERM did not stop the server within 10 s')
if (end.code !== 0) fail(`after SIGTERM the server exited with ${end.code ?? end.signal}, not 0`)
fs.rmSync(dir, { recursive: true, force: true })
console.log(`start check: dist/main.js served /healthz (schema ${health.schemaVersion}, bank ${health.bankRelease?.label}) after ${startSeconds} s; SIGTERM exited 0 in ${((end.at - sent) / 1000).toFixed(2)} s`)
