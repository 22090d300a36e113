import Database from 'better-sqlite3'
import pg from 'pg'
import { count, eq, gt, asc, sql, getTableColumns, Param, Placeholder, type SQL, type DriverValueEncoder } from 'drizzle-orm'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { getTableConfig as sqliteTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { getTableConfig as pgTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core'
import * as sqliteSchema from './sqlite-schema.js'
import * as pgSchema from './pg-schema.js'
import { MIGRATIONS_DIR } from '../paths.js'
import type { Db } from './connection.js'

/**
 * The data move of `guardpass migrate-to-postgres` (issue 19): every table of a SQLite
 * deployment copied into a migrated, empty PostgreSQL database in one transaction, through each
 * dialect's Drizzle tables (so dates, booleans, JSON and bytes convert as the schemas say), in
 * keyset chunks by key (bounded memory on a province's tens of millions of rows), in foreign-key
 * order derived from the schema. What the operator's side needs (the data key, the messages) is
 * in operations.ts; the SQL is here.
 */

/** The move must not go ahead, and nothing was changed (exit code 2). */
export class MoveRefused extends Error {}

/** The source: a read-only connection, typed as the app's. */
export type SourceDb = Db

/** One table to copy: its SQLite and PostgreSQL Drizzle tables and the columns it is paged by. */
export interface CopyTable {
  name: string
  sqlite: SQLiteTable
  pg: PgTable
  /** Property names (as Drizzle rows carry them) of the key, in paging order. */
  key: string[]
}

const sqliteTables = (): Record<string, SQLiteTable> =>
  Object.fromEntries(Object.entries(sqliteSchema as Record<string, unknown>).filter((e): e is [string, SQLiteTable] => e[1] instanceof SQLiteTable))

/** A Drizzle column's property name in its table (what rows are keyed by). */
function propertyOf (table: SQLiteTable, column: SQLiteColumn): string {
  const entry = Object.entries(table).find(([, c]) => c === column)
  if (!entry) throw new Error(`column ${column.name} is not a property of its table`)
  return entry[0]
}

/**
 * The columns a table is paged by: its primary key, or else the first unique index over columns
 * that are never null (the two link tables keyed that way).
 */
function keyOf (table: SQLiteTable): SQLiteColumn[] {
  const config = sqliteTableConfig(table)
  const own = config.columns.filter((c) => c.primary)
  if (own.length > 0) return own
  if (config.primaryKeys[0]) return config.primaryKeys[0].columns
  for (const index of config.indexes) {
    const cols = index.config.columns as unknown[]
    if (index.config.unique && !index.config.where && cols.every((c) => config.columns.includes(c as SQLiteColumn) && (c as SQLiteColumn).notNull)) return cols as SQLiteColumn[]
  }
  throw new Error(`the table ${config.name} has no key to copy it by`)
}

/**
 * Orders tables so that every table comes after the tables its foreign keys name (a reference to
 * itself aside: those rows go in key order, and a parent is always older than its children).
 * Ties keep the given order. Throws on a cycle.
 */
export function foreignKeyOrder<T> (tables: readonly T[], references: (t: T) => T[]): T[] {
  const done = new Set<T>()
  const visiting = new Set<T>()
  const ordered: T[] = []
  const visit = (t: T, path: T[]) => {
    if (done.has(t)) return
    if (visiting.has(t)) throw new Error(`the foreign keys form a cycle: ${[...path, t].map(String).join(' -> ')}`)
    visiting.add(t)
    for (const r of references(t)) if (r !== t) visit(r, [...path, t])
    visiting.delete(t)
    done.add(t)
    ordered.push(t)
  }
  for (const t of tables) visit(t, [])
  return ordered
}

/** Every table of the schema, paired with its PostgreSQL twin, in foreign-key order. */
export function copyPlan (): CopyTable[] {
  const byName = new Map<string, { sqlite: SQLiteTable, pg: PgTable, exportName: string }>()
  for (const [exportName, table] of Object.entries(sqliteTables())) {
    const twin = (pgSchema as Record<string, unknown>)[exportName]
    const name = sqliteTableConfig(table).name
    if (!(twin instanceof PgTable) || pgTableConfig(twin).name !== name) throw new Error(`the PostgreSQL schema has no table ${name} (export ${exportName})`)
    byName.set(name, { sqlite: table, pg: twin, exportName })
  }
  const names = [...byName.keys()].sort()
  const refs = (name: string) => sqliteTableConfig(byName.get(name)!.sqlite).foreignKeys
    .map((fk) => sqliteTableConfig(fk.reference().foreignTable).name)
  return foreignKeyOrder(names, refs).map((name) => {
    const { sqlite, pg: pgTable } = byName.get(name)!
    return { name, sqlite, pg: pgTable, key: keyOf(sqlite).map((c) => propertyOf(sqlite, c)) }
  })
}

// ---- the source ----

/**
 * Opens the SQLite database read-only and checks that it is a GuardPass database with every
 * migration this version knows applied, and none it does not know.
 */
export function openSource (file: string): SourceDb {
  let client: Database.Database
  try {
    client = new Database(file, { readonly: true, fileMustExist: true })
  } catch (err) {
    throw new MoveRefused(`${file} cannot be opened as a SQLite database (${(err as Error).message}).`)
  }
  try {
    const has = (name: string) => client.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
    let applied: { created_at: number | string }[]
    try {
      applied = has('__drizzle_migrations') ? client.prepare('SELECT created_at FROM __drizzle_migrations').all() as typeof applied : []
    } catch (err) {
      throw new MoveRefused(`${file} is not a SQLite database (${(err as Error).message}).`)
    }
    if (applied.length === 0 || !has('audit_totals')) throw new MoveRefused(`${file} is not a GuardPass database.`)
    const known = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR })
    const last = Math.max(...applied.map((r) => Number(r.created_at)))
    const newest = known[known.length - 1]!.folderMillis
    if (last > newest) throw new MoveRefused(`${file} was migrated by a newer GuardPass than this one: move it with that version.`)
    const pending = known.filter((m) => m.folderMillis > last).length
    if (pending > 0) throw new MoveRefused(`${file} is not fully migrated (${pending} migration${pending === 1 ? '' : 's'} to apply): run \`guardpass migrate\` with DATABASE_PATH=${file} first.`)
    return drizzleSqlite(client, { schema: sqliteSchema }) as SourceDb
  } catch (err) {
    client.close()
    throw err
  }
}

/** The number of rows of every table of the plan in the source. */
export function countSource (source: SourceDb, plan: CopyTable[]): Map<string, number> {
  return new Map(plan.map((t) => [t.name, source.select({ n: count() }).from(t.sqlite).get()!.n]))
}

/**
 * Reads a table in chunks in key order, each chunk the rows after the last one's key: a page
 * costs the same at the end of a table of millions as at its start, and only one is in memory.
 */
export function * sourceChunks (source: SourceDb, table: CopyTable, size: number): Generator<Record<string, unknown>[]> {
  const cols = table.key.map((k) => (table.sqlite as unknown as Record<string, SQLiteColumn>)[k]!)
  let after: unknown[] | undefined
  for (;;) {
    let where: SQL | undefined
    if (after && cols.length === 1) where = gt(cols[0]!, after[0])
    else if (after) where = sql`(${sql.join(cols.map((c) => sql`${c}`), sql`, `)}) > (${sql.join(after.map((v, i) => sql.param(v, cols[i]!)), sql`, `)})`
    const rows = source.select().from(table.sqlite).where(where).orderBy(...cols.map((c) => asc(c))).limit(size).all() as Record<string, unknown>[]
    if (rows.length === 0) return
    yield rows
    if (rows.length < size) return
    const lastRow = rows[rows.length - 1]!
    after = table.key.map((k) => lastRow[k])
  }
}

/** The highest value an AUTOINCREMENT table has handed out (SQLite keeps it past deleted rows). */
function sqliteSequences (source: SourceDb): Map<string, number> {
  const has = source.$client.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get()
  if (!has) return new Map()
  const rows = source.$client.prepare('SELECT name, seq FROM sqlite_sequence').all() as { name: string, seq: number }[]
  return new Map(rows.map((r) => [r.name, Number(r.seq)]))
}

// ---- the target ----

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * Why the target is not empty, or null when it is: any table in its public schema, or a Drizzle
 * migrations table with rows (a GuardPass database, even an empty one, has both).
 */
export async function targetNotEmpty (pool: pg.Pool): Promise<string | null> {
  const tables = await pool.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
  if (tables.rows.length > 0) {
    const names = tables.rows.slice(0, 3).map((r) => r.name).join(', ')
    return `it has ${tables.rows.length} table${tables.rows.length === 1 ? '' : 's'} (${names}${tables.rows.length > 3 ? ', …' : ''})`
  }
  const migrations = await pool.query<{ n: string }>("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS n")
  if (migrations.rows[0]!.n) {
    const applied = await pool.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')
    if (Number(applied.rows[0]!.n) > 0) return `it has ${applied.rows[0]!.n} migrations applied`
  }
  return null
}

/** A setting's value read from PostgreSQL through the pg schema (the data key's fingerprint). */
export async function readTargetSetting (tx: NodePgDatabase, key: string): Promise<string | undefined> {
  const [row] = await tx.select().from(pgSchema.appSettings).where(eq(pgSchema.appSettings.key, key)).limit(1)
  return row?.value
}

/** One person's encrypted ID number and its look-up hash, read from PostgreSQL (to try the key on). */
export async function sampleTargetIdNumber (tx: NodePgDatabase): Promise<{ enc: string, hmac: string } | undefined> {
  const [row] = await tx.select({ enc: pgSchema.trainees.idNumberEnc, hmac: pgSchema.trainees.idNumberHmac }).from(pgSchema.trainees).orderBy(asc(pgSchema.trainees.id)).limit(1)
  return row
}

export interface MoveOptions {
  /** Rows per INSERT (fewer for wide tables: PostgreSQL takes at most 65,535 parameters a statement). */
  chunkRows?: number
  out: (line: string) => void
  /**
   * Checks run on the copied rows inside the transaction before it commits (the data key): a
   * sentence says what is wrong and rolls everything back.
   */
  verify?: (tx: NodePgDatabase) => Promise<string | null>
}

export interface MoveResult {
  tables: { name: string, source: number, target: number }[]
  rows: number
  ms: number
}

/** The move failed its checks and was rolled back (exit code 1). */
export class MoveFailed extends Error {}

/** A PostgreSQL error in a sentence: its message and detail, never the statement and its values. */
export function describePgError (err: unknown): string {
  const e = err as { message?: string, detail?: string, cause?: unknown }
  if (e.cause && typeof e.cause === 'object' && 'code' in e.cause) return describePgError(e.cause)
  return [e.message, e.detail].filter(Boolean).join(': ')
}

interface InsertStatement {
  name?: string
  text: string
  /** The chunk's rows as the statement's parameters, each value encoded by its PostgreSQL column. */
  encode(rows: Record<string, unknown>[]): unknown[]
}

/**
 * A multi-row INSERT of `rows` rows into a table, as Drizzle renders it for the PostgreSQL table,
 * with a placeholder per value; each chunk's values are then encoded by the same columns
 * (`mapToDriverValue`: a Date to its ISO text, JSON to text) as Drizzle's own inserts encode them.
 * Rendering a 1,000-row insert through Drizzle's builder costs about a tenth of a millisecond a
 * row, more than PostgreSQL takes to insert it: rendered once per table and run as a named
 * prepared statement, PostgreSQL also parses it once.
 */
function renderInsert (tx: NodePgDatabase, table: CopyTable, rows: number, name?: string): InsertStatement {
  const columns = getTableColumns(table.pg) as Record<string, PgColumn>
  const props = Object.keys(columns)
  const placeholders = Array.from({ length: rows }, (_, i) => Object.fromEntries(props.map((p) => [p, sql.placeholder(`${i}:${p}`)])))
  const query = tx.insert(table.pg).values(placeholders as never).toSQL()
  // Drizzle hands back each value as a parameter holding its placeholder and its column as the encoder.
  const slots = query.params.map((param) => {
    if (!(param instanceof Param) || !(param.value instanceof Placeholder)) throw new Error(`an insert into ${table.name} has a value that is not a placeholder`)
    const name = param.value.name
    const at = name.indexOf(':')
    return { row: Number(name.slice(0, at)), prop: name.slice(at + 1), encoder: param.encoder as DriverValueEncoder<unknown, unknown> }
  })
  return {
    name,
    text: query.sql,
    encode: (chunk) => slots.map(({ row, prop, encoder }) => {
      const value = chunk[row]![prop]
      return value === null || value === undefined ? null : encoder.mapToDriverValue(value)
    })
  }
}

const PG_MAX_PARAMS = 65_535

/**
 * Copies every table of the (already migrated, otherwise empty) target in one transaction: the
 * rows its migrations seed are removed first, so the source's stand alone; user triggers are
 * off during the copy (the audit total is copied, not counted again); each identity then
 * continues past the highest id the source handed out; and every table's count is compared.
 * Any difference or error rolls back, leaving the target without data.
 */
export async function copyToPostgres (source: SourceDb, client: pg.PoolClient, options: MoveOptions): Promise<MoveResult> {
  const started = performance.now()
  const plan = copyPlan()
  const tx = drizzlePg(client)
  const { out } = options
  const tableList = plan.map((t) => quote(t.name)).join(', ')
  await client.query('BEGIN')
  try {
    // Nothing else may write these tables meanwhile; the seeded rows (audit total, checklist) go.
    await client.query(`LOCK TABLE ${tableList} IN ACCESS EXCLUSIVE MODE`)
    await client.query(`TRUNCATE ${tableList}`)
    for (const t of plan) await client.query(`ALTER TABLE ${quote(t.name)} DISABLE TRIGGER USER`)
    let total = 0
    for (const t of plan) {
      const columns = pgTableConfig(t.pg).columns.length
      const size = Math.max(1, Math.min(options.chunkRows ?? 1000, Math.floor(PG_MAX_PARAMS / columns)))
      let copied = 0
      let lastReport = performance.now()
      let full: InsertStatement | undefined // rendered once the first full chunk comes
      // One INSERT in flight while the next chunk is read from SQLite (the reading is synchronous).
      let inFlight: Promise<unknown> | undefined
      for (const rows of sourceChunks(source, t, size)) {
        if (inFlight) await inFlight
        const statement = rows.length === size ? (full ??= renderInsert(tx, t, size, `move_${t.name}`)) : renderInsert(tx, t, rows.length)
        inFlight = client.query({ name: statement.name, text: statement.text, values: statement.encode(rows) })
          .catch((err: unknown) => { throw new MoveFailed(`copying ${t.name}: ${describePgError(err)}`) })
        // Handled by the await above or below; this keeps a failure from counting as unhandled if reading SQLite throws first.
        inFlight.catch(() => {})
        copied += rows.length
        if (performance.now() - lastReport > 5000) {
          out(`  ${t.name}: ${copied} rows so far`)
          lastReport = performance.now()
        }
      }
      if (inFlight) await inFlight
      total += copied
      out(`  ${t.name}: ${copied} row${copied === 1 ? '' : 's'}`)
    }
    for (const t of plan) await client.query(`ALTER TABLE ${quote(t.name)} ENABLE TRIGGER USER`)
    await setSequences(client, sqliteSequences(source))

    const sourceCounts = countSource(source, plan)
    const tables: MoveResult['tables'] = []
    for (const t of plan) {
      const [row] = await tx.select({ n: count() }).from(t.pg)
      tables.push({ name: t.name, source: sourceCounts.get(t.name)!, target: Number(row!.n) })
    }
    const differ = tables.filter((t) => t.source !== t.target)
    if (differ.length > 0) throw new MoveFailed(`row counts differ: ${differ.map((d) => `${d.name} ${d.source} in SQLite, ${d.target} in PostgreSQL`).join('; ')}`)
    // The totals' rows summed: PostgreSQL's trigger adds to shards of them (migrations-pg 0001).
    const srcTotal = source.select().from(sqliteSchema.auditTotals).all().reduce((n, r) => n + r.events, 0)
    const pgTotal = (await tx.select().from(pgSchema.auditTotals)).reduce((n, r) => n + Number(r.events), 0)
    if (srcTotal !== pgTotal) throw new MoveFailed(`the audit total differs: ${srcTotal} in SQLite, ${pgTotal} in PostgreSQL`)
    const problem = options.verify ? await options.verify(tx) : null
    if (problem) throw new MoveFailed(problem)
    await client.query('COMMIT')
    return { tables, rows: total, ms: performance.now() - started }
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
}

/**
 * Moves every identity sequence past the highest id in its table (or, for a SQLite AUTOINCREMENT
 * table, past the highest it ever handed out), so new rows do not clash with copied ones.
 */
async function setSequences (client: pg.PoolClient, handedOut: Map<string, number>): Promise<void> {
  const identities = await client.query<{ table: string, column: string }>(
    "SELECT table_name AS table, column_name AS column FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES' ORDER BY table_name")
  for (const { table, column } of identities.rows) {
    const max = await client.query<{ n: string | null }>(`SELECT max(${quote(column)}) AS n FROM ${quote(table)}`)
    const highest = Math.max(Number(max.rows[0]!.n ?? 0), handedOut.get(table) ?? 0)
    // setval(seq, n, true): the next value is n + 1; setval(seq, 1, false): the next is 1.
    await client.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)', [quote(table), column, Math.max(highest, 1), highest > 0])
  }
}
