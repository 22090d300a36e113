// The operator's commands on a database and its files: backup, restore, rekey (README, "Operations").
import fs from 'node:fs'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Config } from './config.js'
import { openDatabase, migrateDatabase, type Db } from './db/connection.js'
import { KEY_FILE_NAME, keyFilePath, keyFingerprint, loadDataKey } from './lib/data-key.js'
import { systemClock } from './lib/clock.js'
import { checkDataKey, holdsEncryptedData, rotateDataKey, storedKeyFingerprint, dataKeyProblem, DATA_KEY_SETTING } from './features/orgs/index.js'
import { exec, transaction } from './db/engine.js'
import { createPii } from './lib/pii.js'
import { openPool, migratePostgres } from './db/postgres.js'
import { openSource, targetNotEmpty, copyToPostgres, readTargetSetting, sampleTargetIdNumber, describePgError, MoveRefused } from './db/move-to-postgres.js'
import { demoAccountsFile } from './features/demo/index.js'
import { photoDir } from './features/supervision/index.js'
import { servingPid } from './server.js'

/** A command that must not go ahead (a server is running, a file would be overwritten, a key does not fit). */
export class Refusal extends Error {
  /** The exit code: 1, or 2 where the command promises that nothing was changed (migrate-to-postgres). */
  constructor (message: string, readonly exitCode = 1) { super(message) }
}

const BACKUP_DB = 'guardpass.db'
const DEMO_ACCOUNTS = 'demo-accounts.txt'
const BACKUP_PHOTOS = 'photos'

type Out = (line: string) => void

const stampNow = () => new Date().toISOString().replace(/[:.]/g, '-')

/** Writes a file and forces it to disk before it is renamed into place. */
function writeDurably (file: string, data: string, mode = 0o600): void {
  const fd = fs.openSync(file, 'wx', mode)
  try {
    fs.writeSync(fd, data)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

function syncDir (dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try { fs.fsyncSync(fd) } finally { fs.closeSync(fd) }
}

/** Backup, restore and rekey work on the SQLite file; a PostgreSQL deployment has its own tools (README). */
function refuseOnPostgres (config: Config, what: string): void {
  if (config.databaseUrl === undefined) return
  throw new Refusal(`${what} works on a SQLite database; this deployment uses PostgreSQL (DATABASE_URL): ${what === 'rekey'
    ? 'rotating the data key there is not supported yet'
    : 'back up and restore it with pg_dump and pg_restore, and keep the data key and FILES_DIR with it (README, "PostgreSQL")'}.`)
}

function refuseWhileServing (config: Config, what: string): void {
  const pid = servingPid(config.databasePath)
  if (pid) throw new Refusal(`a server (process ${pid}) is using ${config.databasePath}: stop it before ${what}.`)
}

function readKeyFile (file: string): Buffer {
  const hex = fs.readFileSync(file, 'utf8').trim()
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Refusal(`the key file ${file} is damaged: it must hold 64 hexadecimal characters.`)
  return Buffer.from(hex, 'hex')
}

/**
 * An online backup (safe while a server writes) into a new folder of its own,
 * guardpass-<time>/ under `dir`: the database, the data key file, the uploaded
 * photos and, on a demo installation, the demo accounts: every file the app keeps
 * beside the database. The photos are copied after the database, so every photo
 * the backed-up database names is in the copy (a photo is written before its row).
 * Each backup keeps its own key, so a later key rotation leaves it readable.
 */
export async function backup (config: Config, dir: string, out: Out): Promise<string> {
  refuseOnPostgres(config, 'backup')
  if (!fs.existsSync(config.databasePath)) throw new Refusal(`there is no database at ${config.databasePath}.`)
  const dest = path.resolve(dir, `guardpass-${stampNow()}`)
  fs.mkdirSync(dest, { recursive: true, mode: 0o700 })
  const db = openDatabase(config.databasePath)
  try {
    await db.$client.backup(path.join(dest, BACKUP_DB))
  } finally {
    db.$client.close()
  }
  out(`Database backed up to ${path.join(dest, BACKUP_DB)}`)
  const keyFile = keyFilePath(config.databasePath)
  if (config.dataKey) {
    out('The data key comes from GUARDPASS_DATA_KEY: keep a copy of it with this backup.')
  } else if (fs.existsSync(keyFile)) {
    fs.copyFileSync(keyFile, path.join(dest, KEY_FILE_NAME))
    fs.chmodSync(path.join(dest, KEY_FILE_NAME), 0o600)
    out(`Data key copied to ${path.join(dest, KEY_FILE_NAME)}: store it as carefully as the database.`)
  }
  const demo = demoAccountsFile(config.databasePath)
  if (fs.existsSync(demo)) {
    fs.copyFileSync(demo, path.join(dest, DEMO_ACCOUNTS))
    fs.chmodSync(path.join(dest, DEMO_ACCOUNTS), 0o600)
  }
  const photos = config.filesDir
  if (fs.existsSync(photos)) {
    fs.cpSync(photos, path.join(dest, BACKUP_PHOTOS), { recursive: true })
    out(`Photos copied to ${path.join(dest, BACKUP_PHOTOS)} (${fs.readdirSync(photos).length} files, encrypted).`)
  }
  return dest
}

/** Checks a candidate database file: a sound SQLite file, a GuardPass schema, and personal data the key opens. */
async function checkRestorable (file: string, key: Buffer): Promise<void> {
  let db: Db | undefined
  try {
    db = openDatabase(file)
    const integrity = db.$client.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') throw new Refusal(`the backup is damaged (integrity check: ${String(integrity)}).`)
    const migrated = db.$client.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = '__drizzle_migrations'").get() as { n: number }
    if (migrated.n === 0) throw new Refusal('the backup is not a GuardPass database.')
    const problem = await transaction(db, checkDataKey, key)
    if (problem) throw new Refusal(`the data key does not fit this backup: ${problem}`)
  } catch (err) {
    if (err instanceof Refusal) throw err
    throw new Refusal(`the backup cannot be opened as a database (${(err as Error).message}).`)
  } finally {
    if (db?.$client.open) db.$client.close()
  }
}

/**
 * Puts a backup folder (made by `backup`) in place of the configured database.
 * Refused while a server uses the database, when the database exists and `force`
 * is not given, and when the data key (the backup's key file, or GUARDPASS_DATA_KEY)
 * does not match the fingerprint stored in the backup. The files it replaces are
 * kept beside it as <name>.before-restore-<time>.
 */
export async function restore (config: Config, dir: string, force: boolean, out: Out): Promise<void> {
  refuseOnPostgres(config, 'restore')
  const from = path.resolve(dir)
  const backupDb = path.join(from, BACKUP_DB)
  if (!fs.existsSync(backupDb)) throw new Refusal(`${from} holds no ${BACKUP_DB}: name a folder made by backup (guardpass-<time>).`)
  refuseWhileServing(config, 'restoring')
  const target = config.databasePath
  if (fs.existsSync(target) && !force) {
    throw new Refusal(`${target} exists and restoring replaces it: add --force to go ahead (the current files are kept beside it as *.before-restore-<time>).`)
  }
  const backupKey = path.join(from, KEY_FILE_NAME)
  let key: Buffer
  if (config.dataKey) key = Buffer.from(config.dataKey, 'hex')
  else if (fs.existsSync(backupKey)) key = readKeyFile(backupKey)
  else throw new Refusal(`the backup has no ${KEY_FILE_NAME}; set GUARDPASS_DATA_KEY to the key it was made with.`)

  // Check a copy beside the target, then swap it in by renaming.
  fs.mkdirSync(path.dirname(target), { recursive: true })
  const incoming = `${target}.restoring`
  fs.rmSync(incoming, { force: true })
  fs.copyFileSync(backupDb, incoming)
  try {
    await checkRestorable(incoming, key)
    // WAL mode leaves no -wal or -shm once the last connection closes; make sure, so no old log meets the new file.
    for (const suffix of ['-wal', '-shm']) fs.rmSync(incoming + suffix, { force: true })
  } catch (err) {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(incoming + suffix, { force: true })
    throw err
  }
  const stamp = stampNow()
  const keep = (file: string) => { if (fs.existsSync(file)) fs.renameSync(file, `${file}.before-restore-${stamp}`) }
  if (fs.existsSync(target)) {
    // Fold the current database's log into it first, so the kept copy is whole in one file.
    const current = openDatabase(target)
    try { current.$client.pragma('wal_checkpoint(TRUNCATE)') } finally { current.$client.close() }
    keep(target)
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true })
  fs.renameSync(incoming, target)
  if (!config.dataKey) {
    const keyFile = keyFilePath(target)
    keep(keyFile)
    fs.copyFileSync(backupKey, keyFile)
    fs.chmodSync(keyFile, 0o600)
  }
  const demo = path.join(from, DEMO_ACCOUNTS)
  if (fs.existsSync(demo)) {
    keep(demoAccountsFile(target))
    fs.copyFileSync(demo, demoAccountsFile(target))
  }
  // The photos belong to the database they came with: the current ones are kept aside, the backup's put in place.
  const photos = config.filesDir
  keep(photos)
  if (fs.existsSync(path.join(from, BACKUP_PHOTOS))) fs.cpSync(path.join(from, BACKUP_PHOTOS), photos, { recursive: true })
  syncDir(path.dirname(target))
  out(`Restored ${target} from ${from}${config.dataKey ? ' (the data key stays GUARDPASS_DATA_KEY)' : ', with its data key'}.`)
}

/**
 * Rotates the data key: a new random key, every ID number re-encrypted and its
 * look-up hash recomputed in one transaction, then the new key file moved into
 * place. The new key is on disk (guardpass.key.new) before the transaction
 * commits, so no moment exists where the data is encrypted with a key nobody
 * holds; a rotation cut short after the commit is finished by running rekey again.
 */
export async function rekey (config: Config, out: Out): Promise<void> {
  refuseOnPostgres(config, 'rekey')
  if (config.dataKey) {
    throw new Refusal('the data key comes from GUARDPASS_DATA_KEY, which this command cannot change. Unset it so the key file is used (write the key into guardpass.key beside the database), rekey, then keep the new key file.')
  }
  refuseWhileServing(config, 'rotating the data key')
  if (!fs.existsSync(config.databasePath)) throw new Refusal(`there is no database at ${config.databasePath}.`)
  const keyFile = keyFilePath(config.databasePath)
  if (!fs.existsSync(keyFile)) throw new Refusal(`the key file ${keyFile} is missing; restore it from a backup first.`)
  const pending = `${keyFile}.new`
  const db = openDatabase(config.databasePath)
  migrateDatabase(db)
  try {
    const stored = await exec(db, storedKeyFingerprint)
    if (fs.existsSync(pending)) {
      if (stored === keyFingerprint(readKeyFile(pending))) {
        fs.renameSync(pending, keyFile)
        syncDir(path.dirname(keyFile))
        out(`Finished a rotation that was cut short: ${keyFile} now holds the key the data is encrypted with.`)
        return
      }
      fs.rmSync(pending) // left by a rotation that never committed: the data is still under the current key
    }
    const current = loadDataKey(config.databasePath, undefined).key
    const problem = await transaction(db, checkDataKey, current)
    if (problem) throw new Refusal(problem)
    const next = randomBytes(32)
    writeDurably(pending, next.toString('hex') + '\n')
    let people: number
    try {
      people = await transaction(db, rotateDataKey, current, next, systemClock.now())
    } catch (err) {
      fs.rmSync(pending, { force: true }) // rolled back: the data is still under the current key
      throw err
    }
    fs.renameSync(pending, keyFile)
    syncDir(path.dirname(keyFile))
    out(`Rotated the data key: ${people} ID number${people === 1 ? '' : 's'} re-encrypted, and ${keyFile} replaced. The old key no longer opens this database; back up now (older backups keep the key they were made with).`)
  } finally {
    db.$client.close()
  }
}

/** A PostgreSQL URL with its password, if any, blanked out: for messages. */
export function redactUrl (url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@/]*@/, '$1***@')
}

/**
 * Copies a SQLite deployment into an empty PostgreSQL database (README, "Moving to
 * PostgreSQL"). Refused (exit code 2, nothing changed) while a server uses the source, when the
 * source is not a fully migrated GuardPass database, when the data key does not fit it, and when
 * the target holds anything. Then it migrates the target and copies every table in one
 * transaction, which commits only when every table's row count, the audit total and the data key
 * check agree on PostgreSQL's rows.
 */
export async function migrateToPostgres (config: Config, from: string, to: string, out: Out): Promise<void> {
  const file = path.resolve(from)
  if (!/^postgres(ql)?:\/\//.test(to)) throw new Refusal('--to must be a PostgreSQL URL (postgres://user:password@host:port/database).', 2)
  if (!fs.existsSync(file)) throw new Refusal(`there is no database at ${file}.`, 2)
  const pid = servingPid(file)
  if (pid) throw new Refusal(`a server (process ${pid}) is using ${file}: stop it before moving its data.`, 2)
  const keyFile = keyFilePath(file)
  let key: Buffer
  try {
    if (config.dataKey) key = Buffer.from(config.dataKey, 'hex')
    else if (fs.existsSync(keyFile)) key = readKeyFile(keyFile)
    else key = Buffer.alloc(0)
  } catch (err) {
    throw new Refusal((err as Error).message, 2)
  }
  let source: Db
  try {
    source = openSource(file)
  } catch (err) {
    if (err instanceof MoveRefused) throw new Refusal(err.message, 2)
    throw err
  }
  const pool = openPool(to, 1)
  try {
    const stored = await exec(source, storedKeyFingerprint)
    const holdsData = await exec(source, holdsEncryptedData)
    if (key.length === 0) {
      if (stored || holdsData) throw new Refusal(`the data key is missing: put the key file beside the database (${keyFile}) or set GUARDPASS_DATA_KEY.`, 2)
    } else {
      const problem = dataKeyProblem(stored, holdsData, key)
      if (problem) throw new Refusal(`the data key (${config.dataKey ? 'GUARDPASS_DATA_KEY' : keyFile}) does not fit ${file}: ${problem}`, 2)
    }
    let busy: string | null
    try {
      busy = await targetNotEmpty(pool)
    } catch (err) {
      throw new Refusal(`cannot reach ${redactUrl(to)}: ${describePgError(err)}`, 2)
    }
    if (busy) throw new Refusal(`the target database ${redactUrl(to)} is not empty (${busy}): move into a new, empty database.`, 2)

    out(`Moving ${file} to ${redactUrl(to)}.`)
    await migratePostgres(pool)
    out('PostgreSQL schema migrated; copying the tables in one transaction:')
    const pii = key.length > 0 ? createPii(key) : undefined
    const client = await pool.connect()
    let result
    try {
      result = await copyToPostgres(source, client, {
        out,
        verify: async (tx) => {
          if (!pii) return null
          const storedThere = await readTargetSetting(tx, DATA_KEY_SETTING)
          if (stored && storedThere !== stored) return 'the data key fingerprint was not copied intact'
          const sample = await sampleTargetIdNumber(tx)
          if (!sample) return null
          try {
            return pii.hash(pii.decrypt(sample.enc)) === sample.hmac ? null : 'the data key does not reproduce the ID number hash read from PostgreSQL'
          } catch {
            return 'the data key does not open the ID numbers read from PostgreSQL'
          }
        }
      })
    } catch (err) {
      throw new Refusal(`the move failed and was rolled back (${describePgError(err)}). ${redactUrl(to)} holds GuardPass's tables but none of the data: drop it, create it empty again, and run the move again.`, 1)
    } finally {
      client.release()
    }
    const width = Math.max(...result.tables.map((t) => t.name.length))
    out('')
    out(`${'table'.padEnd(width)}  ${'SQLite'.padStart(10)}  ${'PostgreSQL'.padStart(10)}`)
    for (const t of result.tables) out(`${t.name.padEnd(width)}  ${String(t.source).padStart(10)}  ${String(t.target).padStart(10)}`)
    const seconds = result.ms / 1000
    out('')
    out(`Moved ${result.rows} rows in ${result.tables.length} tables in ${seconds.toFixed(1)} s (${Math.round(result.rows / Math.max(seconds, 0.001))} rows/s); every count matches${pii ? ' and the data key opens the data on PostgreSQL' : ''}.`)
    if (key.length > 0) {
      out(config.dataKey
        ? 'The data key is not in PostgreSQL: give every app node the same GUARDPASS_DATA_KEY it has now.'
        : `The data key is not in PostgreSQL: give every app node GUARDPASS_DATA_KEY set to the 64 characters in ${keyFile}, and keep that file with your backups.`)
    }
    const photos = photoDir(file)
    if (fs.existsSync(photos)) out(`The photos and attachments are files, not rows: copy ${photos} (${fs.readdirSync(photos).length} files, encrypted) to the PostgreSQL deployment's upload folder.`)
  } finally {
    source.$client.close()
    await pool.end()
  }
}
