// The PostgreSQL exams bench's data (bench/exams-pg.ts), made in a process of its own: a process
// runs on one engine, chosen by DATABASE_URL before anything is imported (src/db/schema.ts).
// The same data as the SQLite section's prepare(): a generated 2,000-question bank, 2,000
// trainees with a session each, 1,000 of them with an open attempt of the mock. Writes what the
// load needs (cookies, attempts and their options' values) as JSON to the file named.
//   DATABASE_URL=postgres://… GUARDPASS_DATA_KEY=… tsx bench/exams-pg-prepare.ts <bank dir> <out.json>
import fs from 'node:fs'
import { openPostgres, poolOf, closeDatabase } from '../src/db/connection.js'
import { migratePostgres } from '../src/db/postgres.js'
import { transaction } from '../src/db/engine.js'
import { createPii } from '../src/lib/pii.js'
import { createPiiCheck } from '../src/features/orgs/index.js'
import { checkBank } from '../src/features/bank/format.js'
import { readBankDir } from '../src/features/bank/files.js'
import { publishBank } from '../src/features/bank/publish.js'
import { benchTrainees, openMocks } from './exams.js'

const [bankDir, outFile] = [process.argv[2]!, process.argv[3]!]
const TRAINEES = 2000
const OPEN_ATTEMPTS = 1000

const db = openPostgres(process.env.DATABASE_URL!, 4)
try {
  await migratePostgres(poolOf(db))
  const key = Buffer.from(process.env.GUARDPASS_DATA_KEY!, 'hex')
  await createPiiCheck(db).check(key)
  const pii = createPii(key)
  const now = new Date()
  await transaction(db, publishBank, checkBank(readBankDir(bankDir)).bank, null, now)
  const cookies: string[] = []
  const attempts: Array<{ id: number, cookie: string, items: Array<{ slot: number, options: string[] }> }> = []
  for (let first = 0; first < TRAINEES; first += 200) {
    for (const [k, made] of (await transaction(db, benchTrainees, pii, 'b', first, 200, now)).entries()) {
      cookies.push(made.cookie)
      if (first + k < OPEN_ATTEMPTS) attempts.push({ id: made.traineeId, cookie: made.cookie, items: [] })
    }
  }
  await openMocks(db, attempts, now)
  fs.writeFileSync(outFile, JSON.stringify({ cookies, attempts }))
} finally {
  await closeDatabase(db)
}
