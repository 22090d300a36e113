import { demoIdNumber } from '../../src/features/demo/seed.js'
import type { TestApp } from './app.js'
import type { Db } from '../../src/db/connection.js'
import type { Pii } from '../../src/lib/pii.js'
import { refreshReadiness } from '../../src/features/readiness/index.js'
import { runSync } from '../../src/db/engine.js'

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '华', '平', '刚', '桂英']

/**
 * Adds `n` people employed by one enterprise, straight into the tables in one transaction
 * (fast enough for thousands): names repeat, so lists must break ties by id; every third
 * is on duty; their stored readiness is kept. Their trainee ids, in insertion order.
 */
export function addCrowd (t: TestApp, enterpriseId: number, n: number, seed = 1): number[] {
  return addCrowdTo({ db: t.db, pii: t.app.pii, now: t.clock.now() }, enterpriseId, n, seed)
}

/** The same for any database (a browser test's server). */
export function addCrowdTo (to: { db: Db, pii: Pick<Pii, 'encrypt' | 'hash'>, now: Date }, enterpriseId: number, n: number, seed = 1): number[] {
  const now = to.now.getTime()
  const db = to.db.$client
  const person = db.prepare(`INSERT INTO trainees (full_name, id_number_enc, id_number_hmac, birth_date, phone, education, created_at, updated_at)
    VALUES (?, ?, ?, ?, '', 'junior-middle', ?, ?)`)
  const job = db.prepare('INSERT INTO employments (trainee_id, enterprise_id, started_on, duty_status, created_at, updated_at) VALUES (?, ?, \'2026-01-01\', ?, ?, ?)')
  const ids: number[] = []
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const birth = `19${70 + (i % 29)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
      const idNumber = demoIdNumber('440301', birth, (seed * 100_000 + i) % 1000)
      const name = SURNAMES[i % SURNAMES.length]! + GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]!
      const id = Number(person.run(name, to.pii.encrypt(idNumber), to.pii.hash(`${idNumber}#${seed}#${i}`), birth, now, now).lastInsertRowid)
      job.run(id, enterpriseId, i % 3 === 0 ? 'on-duty' : 'in-training', now, now)
      ids.push(id)
    }
    // Their stored readiness, as the roster import would keep it.
    runSync(refreshReadiness(to.db, ids, to.now, 'Asia/Shanghai'))
  })()
  return ids
}
