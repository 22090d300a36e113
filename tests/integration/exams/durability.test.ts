import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import http from 'node:http'
import { describe, test, expect } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { openDatabase, migrateDatabase } from '../../../src/db/connection.js'
import { createPii } from '../../../src/lib/pii.js'
import { insertUser, createSession } from '../../../src/features/auth/index.js'
import { createPiiCheck } from '../../../src/features/orgs/index.js'
import { trainees, attemptItems, attemptSteps } from '../../../src/db/schema.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { publishBank } from '../../../src/features/bank/publish.js'
import { currentBlueprints, questionPool, insertAttempt } from '../../../src/features/exams/queries.js'
import { assemblePaper } from '../../../src/features/exams/assembly.js'
import { optionCodes } from '../../../src/features/exams/option-codes.js'
import { demoIdNumber } from '../../../src/features/demo/seed.js'
import { smallBank } from '../../helpers/bank.js'
import { exec, transaction } from '../../../src/db/engine.js'
import { serverPort } from '../../helpers/ports.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')

/** A plain HTTP request on loopback with its own connection and a time limit, so a killed server cannot leave it hanging. */
function request (port: number, method: string, url: string, body = '', headers: Record<string, string> = {}): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, agent: false, timeout: 5000, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', 'hx-request': 'true', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(body)
  })
}
const TRAINEES = 50

describe('an acknowledged answer is never lost', () => {
  test('50 trainees save concurrently; the server is killed with SIGKILL mid-flight; every 2xx answer is in the database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-kill-'))
    const dbFile = path.join(dir, 'g.db')
    const key = randomBytes(32)
    const now = new Date()
    // Prepare: a bank, 50 trainees with open attempts and sessions.
    const db = openDatabase(dbFile)
    migrateDatabase(db)
    await createPiiCheck(db).check(key)
    const pii = createPii(key)
    await transaction(db, publishBank, checkBank(smallBank()).bank, null, now)
    const { release, blueprints } = await exec(db, currentBlueprints)
    const bp = blueprints[0]!
    const pool = await exec(db, questionPool, release!.id)
    const people: Array<{ cookie: string, attemptId: number, items: Array<{ slot: number, options: string[], codes: string[], type: string }> }> = []
    for (let i = 0; i < TRAINEES; i++) {
      const user = await exec(db, insertUser, { username: `k${i}`, displayName: `K${i}`, passwordHash: 'x', role: 'trainee' }, now)
      const id = demoIdNumber('110101', '1990-01-01', i)
      const tr = (await db.insert(trainees).values({ userId: user.id, fullName: `K${i}`, idNumberEnc: pii.encrypt(id), idNumberHmac: pii.hash(id), birthDate: '1990-01-01', education: 'college', privacyAcceptedAt: now, createdAt: now, updatedAt: now }).returning())[0]!
      const items = assemblePaper({ cells: bp.body.cells, shuffleOptions: true, pool, seed: `k${i}`, recentlySeen: new Set() })
      const { attempt } = await transaction(db, insertAttempt, { traineeId: tr.id, blueprintKey: bp.key, blueprintVersionId: bp.versionId, releaseId: release!.id, seed: `k${i}`, passMark: bp.body.passMark, startedAt: now, deadlineAt: new Date(now.getTime() + 3600_000), items }, { actorId: user.id, clientIp: '127.0.0.1' })
      people.push({ cookie: `gp_session=${(await exec(db, createSession, user.id, now)).token}`, attemptId: attempt.id, items: items.map((it) => ({ slot: it.slot, options: it.optionOrder, codes: optionCodes(`k${i}`, attempt.id, it.slot, it.optionOrder), type: it.type })) })
    }
    db.$client.close()

    const port = serverPort()
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), 'serve'], {
      cwd: ROOT, env: { ...process.env, DATABASE_PATH: dbFile, PORT: String(port), LOG_LEVEL: 'silent', GUARDPASS_DEMO: 'off', GUARDPASS_DATA_KEY: key.toString('hex') }, stdio: 'ignore'
    })
    try {
      for (let i = 0; i < 100; i++) {
        if ((await request(port, 'GET', '/healthz').catch(() => ({ status: 0 }))).status === 200) break
        await new Promise((resolve) => setTimeout(resolve, 150))
      }
      const acked: Array<{ attemptId: number, slot: number, seq: number, response: string[] }> = []
      const server = { killed: false } // an object: each loop reads it after every await
      const statuses: Record<number, number> = {}
      const trainee = async (p: typeof people[number], n: number) => {
        const seqs = new Map<number, number>()
        let k = n
        while (!server.killed) {
          const item = p.items[k++ % p.items.length]!
          const seq = seqs.get(item.slot) ?? 0
          const picked = item.type === 'multi' ? [0, k % 2 === 0 ? 1 : 2] : [k % item.options.length]
          const choice = picked.map((n) => item.options[n]!)
          // The page's values for those options; the database keeps the bank's keys.
          const body = new URLSearchParams([['seq', String(seq)], ...picked.map((n) => ['choice', item.codes[n]!] as [string, string])])
          try {
            const res = await request(port, 'POST', `/exams/attempts/${p.attemptId}/items/${item.slot}`, body.toString(), { cookie: p.cookie })
            statuses[res.status] = (statuses[res.status] ?? 0) + 1
            if (res.status >= 200 && res.status < 300) {
              acked.push({ attemptId: p.attemptId, slot: item.slot, seq: seq + 1, response: [...new Set(choice)].sort() })
              seqs.set(item.slot, seq + 1)
            }
          } catch {
            return // the server is gone
          }
        }
      }
      let done = 0
      const runs = people.map((p, i) => trainee(p, i).finally(() => { done++ }))
      const started = Date.now()
      while (acked.length < 500) {
        if (done === people.length || Date.now() - started > 40_000) throw new Error(`only ${acked.length} saves acknowledged; statuses: ${JSON.stringify(statuses)}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      child.kill('SIGKILL')
      server.killed = true
      await Promise.all(runs)
      await new Promise((resolve) => child.once('exit', resolve))
      expect(acked.length).toBeGreaterThanOrEqual(500)

      // After the crash: open the database as a restart would, and find every acknowledged answer.
      const after = openDatabase(dbFile)
      migrateDatabase(after)
      const missing = acked.filter((a) => {
        const item = after.select().from(attemptItems).where(and(eq(attemptItems.attemptId, a.attemptId), eq(attemptItems.slot, a.slot))).get()!
        const step = after.select().from(attemptSteps).where(and(eq(attemptSteps.attemptItemId, item.id), eq(attemptSteps.seq, a.seq))).get()
        return !step || JSON.stringify(step.response) !== JSON.stringify(a.response)
      })
      after.$client.close()
      expect(missing).toEqual([])
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)
})
