// The exam-page comparison's servers (bench/exams.ts): the app on the bench's database,
// rendering through @fastify/view (`view`) or through Eta directly (`direct`, buildApp's
// directRendering, the floor). Both are started alike and fresh, with no checkpoint
// worker and no sweep, so the two differ in how they render and nothing else.
// Configured from the environment as `guardpass serve` is.
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/connection.js'
import { buildApp } from '../src/app.js'
import { createLogger } from '../src/http/logging.js'
import { systemClock } from '../src/lib/clock.js'

const mode = process.argv[2]
if (mode !== 'view' && mode !== 'direct') throw new Error('usage: page-server.ts view|direct')
const config = loadConfig(process.env)
const app = await buildApp(config, openDatabase(config.databasePath), systemClock, {
  dataKey: Buffer.from(config.dataKey!, 'hex'), logger: createLogger(config.logLevel), directRendering: mode === 'direct', sweepMs: 0
})
await app.listen({ port: config.port, host: config.host })
