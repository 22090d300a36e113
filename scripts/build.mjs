#!/usr/bin/env node
// npm run build: compiles src/ to dist/ (tsconfig.build.json) and copies the checkpoint
// worker (plain JavaScript) beside the compiled code. With --if-needed (npm start and the
// command-line scripts run it first) it builds only when dist/ is missing or older than a
// source file, and does nothing where there is no src/ (a production install of a prebuilt
// dist/). Messages go to stderr: stdout belongs to the command that follows.
import fs from 'node:fs'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'

const root = path.resolve(import.meta.dirname, '..')
const src = path.join(root, 'src')
const dist = path.join(root, 'dist')
const stamp = path.join(dist, '.built')
const say = (line) => process.stderr.write(`${line}\n`)

/** The newest modification time of the files that make dist/. */
function newestSource () {
  let newest = 0
  const visit = (p) => {
    const st = fs.statSync(p)
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name))
    else newest = Math.max(newest, st.mtimeMs)
  }
  visit(src)
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'package.json']) visit(path.join(root, f))
  return newest
}

if (process.argv.includes('--if-needed')) {
  if (!fs.existsSync(src)) {
    if (fs.existsSync(path.join(dist, 'main.js'))) process.exit(0)
    say('guardpass: neither src/ nor a built dist/ is here; nothing to run.')
    process.exit(1)
  }
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newestSource()) process.exit(0)
}

let tsc
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
} catch {
  say('guardpass: dist/ needs building but TypeScript is not installed (an install with --omit=dev?). Run npm ci, or build dist/ elsewhere and copy it here (README, "Production install").')
  process.exit(1)
}

const started = Date.now()
say('Building dist/ (TypeScript to JavaScript) …')
fs.rmSync(dist, { recursive: true, force: true })
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
if (r.status !== 0) {
  say('guardpass: the build failed (see above).')
  process.exit(r.status ?? 1)
}
fs.copyFileSync(path.join(src, 'db', 'checkpoint-worker.mjs'), path.join(dist, 'db', 'checkpoint-worker.mjs'))
fs.chmodSync(path.join(dist, 'main.js'), 0o755)
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`)
say(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
