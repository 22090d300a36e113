// `guardpass serve`: start the web server, and stop it cleanly on SIGTERM or SIGINT.
// (main.ts parses the command line; this is the one place that listens and handles signals.)
import fs from 'node:fs'
import type { Logger } from 'pino'
import type { Config } from './config.js'
import { openConfigured, closeDatabase, type Db } from './db/connection.js'
import { isPostgres } from './db/engine.js'
import { buildApp } from './app.js'
import { startCheckpointer, type Checkpointer } from './db/checkpointer.js'
import { createLogger } from './http/logging.js'
import { systemClock } from './lib/clock.js'
import { loadDataKey, keyFilePath } from './lib/data-key.js'
import { createPii } from './lib/pii.js'
import { seedDemo, writeDemoAccounts, formatDemoAccounts } from './features/demo/index.js'
import { createPiiCheck } from './features/orgs/index.js'
import { DEFAULT_BANK_DIR, publishOnStart } from './features/bank/index.js'

/** A start that cannot go on (a missing or wrong data key): one sentence for the operator. */
export class StartError extends Error {}

/** The configured database, migrated (for the CLI's commands; `serve` does more under the start lock). */
export function openMigrated (config: Config): Promise<Db> {
  return openConfigured(config)
}

/** The file that says a server is using a database: its process id, removed when it stops. */
export function pidFilePath (databasePath: string): string {
  return `${databasePath}.pid`
}

/** The process id of a live server using the database, if any (a file left by a crash does not count). */
export function servingPid (databasePath: string): number | null {
  let pid: number
  try {
    pid = Number(fs.readFileSync(pidFilePath(databasePath), 'utf8').trim())
  } catch {
    return null
  }
  if (!Number.isInteger(pid) || pid <= 0) return null
  try {
    process.kill(pid, 0)
    return pid
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null
  }
}

/**
 * The data key for personal data: from configuration or the key file. A new key
 * file is made only for a database without encrypted data; otherwise a missing or
 * different key stops the start, so data is never written under the wrong key.
 */
export async function openDataKey (config: Config, db: Db, log: Pick<Logger, 'info'>): Promise<Buffer> {
  const check = createPiiCheck(db)
  // PostgreSQL: the key is configured (config.ts requires it), there is no key file.
  if (!config.dataKey && !fs.existsSync(keyFilePath(config.databasePath)) && await check.holdsEncryptedData()) {
    throw new StartError(`The database holds encrypted personal data but the key file ${keyFilePath(config.databasePath)} is missing. Restore it from the backup made with this database (or set GUARDPASS_DATA_KEY).`)
  }
  const key = loadDataKey(config.databasePath, config.dataKey)
  if (key.created) log.info({ file: key.file }, 'Created the data key file. Back it up together with the database: without it, personal data cannot be read.')
  const problem = await check.check(key.key)
  if (problem) throw new StartError(problem)
  return key.key
}

export interface Server {
  app: Awaited<ReturnType<typeof buildApp>>
  log: Logger
  /** SQLite's (PostgreSQL checkpoints itself). */
  checkpointer: Checkpointer | undefined
}

/**
 * Opens and migrates the database, checks the data key, publishes the shipped bank
 * and seeds the demo when due, then listens. Every line goes through the JSON logger
 * but the demo accounts, which are for the person at the terminal.
 */
export async function startServer (config: Config, log: Logger = createLogger(config.logLevel)): Promise<Server> {
  let dataKey: Buffer | undefined
  // Migrated, then what a node does once before serving; on PostgreSQL all of it under the start
  // lock, so nodes starting together neither race on migrations nor publish or seed twice.
  const db = await openConfigured(config, async (db) => {
    dataKey = await openDataKey(config, db, log)
    // The bank first: the demo's mock attempts are assembled from it.
    await publishOnStart(db, DEFAULT_BANK_DIR, systemClock.now(), (line) => log.info(line))
    if (config.demo) {
      const accounts = await seedDemo(db, createPii(dataKey), systemClock.now(), config.timeZone)
      if (accounts) {
        const file = writeDemoAccounts(config.databasePath, accounts)
        log.info({ file }, 'Seeded the demo data; its accounts are printed below and written to the file')
        console.log(`\n${formatDemoAccounts(accounts)}(also written to ${file}; set GUARDPASS_DEMO=off for real use)\n`)
      }
    }
  }, (err) => { log.warn({ err }, 'an idle PostgreSQL connection failed; the pool opens another') })
  const sqlite = !isPostgres(db)
  try {
    const app = await buildApp(config, db, systemClock, { dataKey: dataKey!, logger: log })
    // Static files compressed before the first request, not while it waits.
    await app.warmStaticFiles()
    let checkpointer: Checkpointer | undefined
    if (sqlite) {
      const started = startCheckpointer(db, config.databasePath, log)
      checkpointer = started
      // onClose hooks run last-added first: the checkpointer stops before the app's hook closes the database.
      app.addHook('onClose', async () => { await started.stop() })
      // Restore and rekey refuse while this file names a live process.
      fs.writeFileSync(pidFilePath(config.databasePath), `${process.pid}\n`)
      app.addHook('onClose', async () => { fs.rmSync(pidFilePath(config.databasePath), { force: true }) })
    }
    await app.listen({ port: config.port, host: config.host })
    log.info({ url: config.publicUrl.href, host: config.host, port: config.port, engine: sqlite ? 'sqlite' : 'postgres' }, `GuardPass is serving ${config.publicUrl.href}`)
    return { app, log, checkpointer }
  } catch (err) {
    if (sqlite) fs.rmSync(pidFilePath(config.databasePath), { force: true })
    await closeDatabase(db)
    throw err
  }
}

/**
 * A clean stop: no new connections; requests under way finish (new ones on open
 * connections get 503); then the exam area writes answers still waiting for their
 * group commit, the checkpointer stops (alive or not) and the database closes.
 * Past `limitMs` the process exits with 1 and says why. Resolves to the exit code.
 */
export async function stopServer (server: Server, signal: string, limitMs = 10_000): Promise<number> {
  const { app, log } = server
  log.info({ signal }, 'shutting down')
  const timer = setTimeout(() => {
    log.error({ signal, limitMs }, `shutdown did not finish within ${limitMs / 1000} s; exiting`)
    log.flush?.()
    process.exit(1)
  }, limitMs)
  timer.unref()
  // Keep-alive connections are closed as their requests finish by the app itself (app.ts).
  try {
    await app.close()
    log.info({ signal }, 'stopped')
    return 0
  } catch (err) {
    log.error({ err, signal }, 'shutdown failed')
    return 1
  } finally {
    clearTimeout(timer)
  }
}

/** SIGTERM and SIGINT stop the server cleanly; a second signal during the stop exits at once. */
export function stopOnSignals (server: Server, limitMs = 10_000): void {
  let stopping = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      server.log.warn({ signal }, 'second signal during shutdown; exiting now')
      process.exit(1)
    }
    stopping = true
    stopServer(server, signal, limitMs).then((code) => process.exit(code), () => process.exit(1))
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}
