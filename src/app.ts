import type { Socket } from 'node:net'
import Fastify, { type FastifyBaseLogger } from 'fastify'
import type { Logger } from 'pino'
import formbody from '@fastify/formbody'
import cookie from '@fastify/cookie'
import type { Config } from './config.js'
import { STATIC_DIR } from './paths.js'
import { createPii } from './lib/pii.js'
import { openDatabase, optimizeDatabase, closeDatabase, assertEngine, type Db } from './db/connection.js'
import { flushGroupCommit } from './db/group-commit.js'
import { exec, transaction, isPostgres, type Q } from './db/engine.js'
import { systemClock, type Clock } from './lib/clock.js'
import { httpPlugins } from './http/index.js'
import { staticRoutes } from './http/compression.js'
import type { Access } from './http/types.js'
import { loggerOptions, logRequests, requestLogController } from './http/logging.js'
import { authRoutes, authenticateRequest } from './features/auth/index.js'
import { homeRoutes } from './features/home/index.js'
import { healthRoutes } from './features/health/index.js'
import { orgRoutes, policeSubtree } from './features/orgs/index.js'
import { auditRoutes } from './features/audit/index.js'
import { bankRoutes } from './features/bank/index.js'
import { examRoutes, sweepOverdue } from './features/exams/index.js'
import { learningRoutes } from './features/learning/index.js'
import { readinessRoutes, setReadinessZone, startReadinessKeeper, type ReadinessKeeper } from './features/readiness/index.js'
import { practiceRoutes } from './features/practice/index.js'
import { supervisionRoutes } from './features/supervision/index.js'

export interface AppOptions {
  /** Where log lines go (tests capture them); stdout by default. */
  logStream?: NodeJS.WritableStream
  /** The server's logger, made by main.ts before the app (instead of logStream). */
  logger?: Logger
  /** The 32-byte data key for personal data (main.ts loads it; tests pass a random one). */
  dataKey?: Buffer
  /** Render pages with Eta directly, not through @fastify/view: only the bench's floor uses it. */
  directRendering?: boolean
  /** How often overdue attempts are swept (ms); 0 turns the sweep off (tests call it themselves). */
  sweepMs?: number
  /** How often the readiness keeper looks for stale or due rows (ms); 0 turns its timer off (a rule change still starts it). */
  readinessMs?: number
  /** How often the planner's statistics are refreshed (PRAGMA optimize, ms); 0 turns it off. Six hours by default. */
  optimizeMs?: number
}

export interface RouteEntry { method: string, url: string, access: Access }

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its declared access, for the access-table test. */
    routeTable: RouteEntry[]
    /** Keeps the stored readiness up with rule changes and dates (readiness/keeper.ts). */
    readinessKeeper: ReadinessKeeper
  }
}

export async function buildApp (config: Config, db: Db = openDatabase(config.databasePath), clock: Clock = systemClock, options: AppOptions = {}) {
  // The process's tables are of one engine (db/schema.ts): a database of the other would get the wrong SQL.
  assertEngine(isPostgres(db))
  const logger = options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: config.logLevel === 'silent' && !options.logStream ? false : loggerOptions(config.logLevel, options.logStream) }

  const app = Fastify({
    ...logger,
    logController: requestLogController(),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 }
  })
  if (options.logger || logger.logger) logRequests(app)
  app.decorate('config', config).decorate('db', db).decorate('clock', clock).decorate('routeTable', [] as RouteEntry[])
  app.decorate('exec', <A extends unknown[], T>(fn: (db: Db, ...args: A) => Q<T>, ...args: A) => exec(db, fn, ...args))
  app.decorate('transaction', <A extends unknown[], T>(fn: (tx: Db, ...args: A) => Q<T>, ...args: A) => transaction(db, fn, ...args))
  if (!options.dataKey) throw new Error('buildApp needs the data key (options.dataKey)')
  app.decorate('pii', createPii(options.dataKey))
  app.addHook('onClose', async () => { await closeDatabase(db) })
  // Writes still waiting for their group commit (exam autosaves, practice answers) go in before it closes
  // (onClose runs last-added first), and the server waits for them to be on disk and answered.
  app.addHook('onClose', async () => { await flushGroupCommit(db) })
  // Closing lets requests under way finish, and closes each connection once no request is under
  // way on it; else closing would wait for the client to hang up. That is a keep-alive connection
  // whose request was under way (it turns idle only after close() has closed the idle ones: up to
  // the keep-alive timeout, 72 s), and a connection a browser opened ahead of need that has sent
  // nothing yet (Node counts it as busy until its headers timeout, 60 s).
  const connections = new Set<Socket>()
  app.server.on('connection', (socket: Socket) => { connections.add(socket); socket.once('close', () => connections.delete(socket)) })
  let idleSweep: NodeJS.Timeout | undefined
  app.addHook('preClose', (done) => {
    idleSweep = setInterval(() => {
      app.server.closeIdleConnections()
      for (const socket of connections) if (socket.bytesRead === 0) socket.destroy()
    }, 100).unref()
    done()
  })
  app.addHook('onClose', async () => { clearInterval(idleSweep) })

  // Secure by default: a route that does not say who may call it cannot be registered.
  app.addHook('onRoute', (route) => {
    route.config ??= {}
    const cfg = route.config as { access?: Access }
    if (route.url.startsWith('/static/')) cfg.access ??= 'public'
    if (!cfg.access) throw new Error(`Route ${String(route.method)} ${route.url} declares no access (config.access)`)
    for (const method of [route.method].flat()) app.routeTable.push({ method, url: route.url, access: cfg.access })
  })

  await app.register(cookie)
  await app.register(formbody, { bodyLimit: 256 * 1024 })
  await app.register(httpPlugins, { authenticate: authenticateRequest, direct: options.directRendering === true })
  // Vendor files carry their version in the name, so browsers may keep them for good; all are served compressed from memory.
  await staticRoutes(app, { root: STATIC_DIR })

  await app.register(healthRoutes)
  await app.register(authRoutes)
  await app.register(homeRoutes)
  await app.register(orgRoutes)
  await app.register(auditRoutes, { policeJurisdictions: (actor) => exec(db, policeSubtree, actor) })
  await app.register(bankRoutes)
  await app.register(examRoutes)
  await app.register(learningRoutes)
  // The stored readiness: kept by every change's transaction, and by this keeper after a rule change
  // (in chunks, in the background) and each day (the rows whose next change by date has come).
  setReadinessZone(config.timeZone)
  const keeper = startReadinessKeeper(db, clock, config.timeZone, options.readinessMs ?? 60_000, (err) => app.log.error({ err }, 'readiness keeping failed'))
  app.decorate('readinessKeeper', keeper)
  // Runs before the hook that closes the database (onClose runs last-added first).
  app.addHook('onClose', async () => { await keeper.stop() })
  app.addHook('onReady', async () => { keeper.kick().catch(() => {}) })
  await app.register(readinessRoutes)
  await app.register(practiceRoutes)
  await app.register(supervisionRoutes)

  // Attempts past their deadline are finalised on their next touch, and by this sweep.
  if (options.sweepMs !== 0) {
    const timer = setInterval(() => {
      // One transaction a pass, under the overdue-sweep lock: one node sweeps at a time.
      transaction(db, sweepOverdue, clock.now()).catch((err: unknown) => { app.log.error({ err }, 'overdue sweep failed') })
    }, options.sweepMs ?? 30_000)
    timer.unref()
    app.addHook('onClose', async () => { clearInterval(timer) })
  }
  // The query planner's statistics follow the data as it grows (the start does the first run: server.ts).
  if (options.optimizeMs !== 0) {
    const timer = setInterval(() => {
      try { optimizeDatabase(db) } catch (err) { app.log.error({ err }, 'database optimize failed') }
    }, options.optimizeMs ?? 6 * 3_600_000)
    timer.unref()
    app.addHook('onClose', async () => { clearInterval(timer) })
  }
  return app
}
