// The floor for exam pages through @fastify/view: the same app on the same database,
// its pages rendered by Eta directly (buildApp's directRendering), so the bench can
// compare the two in one run. Configured from the environment as `guardpass serve` is.
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/connection.js'
import { buildApp } from '../src/app.js'
import { createLogger } from '../src/http/logging.js'
import { systemClock } from '../src/lib/clock.js'

const config = loadConfig(process.env)
const app = await buildApp(config, openDatabase(config.databasePath), systemClock, {
  dataKey: Buffer.from(config.dataKey!, 'hex'), logger: createLogger(config.logLevel), directRendering: true, sweepMs: 0
})
await app.listen({ port: config.port, host: config.host })
