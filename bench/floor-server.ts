// The floor for the exam benchmark: a bare Fastify server with the app's SQLite
// settings (WAL, synchronous FULL, busy timeout, checkpoints on a worker thread) and logger (the same options and
// one line per request), whose one route
// inserts one row per POST in a transaction, as an autosave does. BENCH_FLOOR_SYNCHRONOUS=NORMAL
// keeps the floor at the setting the app had before FULL, to show what FULL costs an autosave.
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import { openDatabase } from '../src/db/connection.js'
import { startCheckpointer } from '../src/db/checkpointer.js'
import { loggerOptions, logRequests, requestLogController } from '../src/http/logging.js'

const [file, port] = [process.argv[2]!, Number(process.argv[3])]
const db = openDatabase(file)
if (process.env.BENCH_FLOOR_SYNCHRONOUS) db.$client.pragma(`synchronous = ${process.env.BENCH_FLOOR_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL'}`)
db.$client.exec('CREATE TABLE IF NOT EXISTS floor_rows (id INTEGER PRIMARY KEY AUTOINCREMENT, item INTEGER NOT NULL, seq INTEGER NOT NULL, response TEXT NOT NULL, at INTEGER NOT NULL)')
const insert = db.$client.prepare('INSERT INTO floor_rows (item, seq, response, at) VALUES (?, ?, ?, ?)')
const tx = db.$client.transaction((item: number, seq: number, response: string) => insert.run(item, seq, response, Date.now()))
const app = Fastify({ logger: loggerOptions(process.env.LOG_LEVEL ?? 'info'), logController: requestLogController() })
logRequests(app)
startCheckpointer(db, file, app.log) // as the app's server runs SQLite
await app.register(formbody)
app.post('/save', async (req) => {
  const b = req.body as Record<string, string>
  tx(Number(b.item ?? 0), Number(b.seq ?? 0), JSON.stringify([b.choice ?? '']))
  return { ok: true }
})
await app.listen({ host: '127.0.0.1', port })
