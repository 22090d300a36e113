import { demoIdNumber } from '../../src/features/demo/seed.js'
import type { TestApp } from './app.js'
import type { Db } from '../../src/db/connection.js'
import type { Pii } from '../../src/lib/pii.js'
import { refreshReadiness } from '../../src/features/readiness/index.js'
import { transaction, all, run, type Handle } from '../../src/db/engine.js'
import { trainees, employments } from '../../src/db/schema.js'

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗'
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '华', '平', '刚', '桂英']
/** Rows per INSERT (well under either engine's limit on a statement's parameters). */
const CHUNK = 500

/**
 * Adds `n` people employed by one enterprise, straight into the tables in one transaction
 * (fast enough for thousands): names repeat, so lists must break ties by id; every third
 * is on duty; their stored readiness is kept. Their trainee ids, in insertion order.
 */
export function addCrowd (t: TestApp, enterpriseId: number, n: number, seed = 1): Promise<number[]> {
  return addCrowdTo({ db: t.db, pii: t.app.pii, now: t.clock.now() }, enterpriseId, n, seed)
}

/** The same for any database (a browser test's server), on either engine. */
export function addCrowdTo (to: { db: Db, pii: Pick<Pii, 'encrypt' | 'hash'>, now: Date }, enterpriseId: number, n: number, seed = 1): Promise<number[]> {
  const now = to.now
  const people = Array.from({ length: n }, (_, i) => {
    const birth = `19${70 + (i % 29)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`
    const idNumber = demoIdNumber('440301', birth, (seed * 100_000 + i) % 1000)
    const name = SURNAMES[i % SURNAMES.length]! + GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length]!
    return {
      fullName: name, idNumberEnc: to.pii.encrypt(idNumber), idNumberHmac: to.pii.hash(`${idNumber}#${seed}#${i}`), birthDate: birth, phone: '',
      education: 'junior-middle' as const, createdAt: now, updatedAt: now
    }
  })
  return transaction(to.db as Db & Handle, function * (db) {
    const ids: number[] = []
    for (let from = 0; from < n; from += CHUNK) {
      const chunk = people.slice(from, from + CHUNK)
      const made = yield * all(db.insert(trainees).values(chunk).returning({ id: trainees.id }))
      // Ids come from the sequence in VALUES order: ascending is insertion order.
      const chunkIds = made.map((r) => r.id).sort((a, b) => a - b)
      yield * run(db.insert(employments).values(chunkIds.map((traineeId, k) => ({
        traineeId, enterpriseId, startedOn: '2026-01-01', dutyStatus: (from + k) % 3 === 0 ? 'on-duty' as const : 'in-training' as const, createdAt: now, updatedAt: now
      }))))
      ids.push(...chunkIds)
    }
    // Their stored readiness, as the roster import would keep it.
    yield * refreshReadiness(db, ids, now, 'Asia/Shanghai')
    return ids
  })
}
