import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'
import { is, SQL, getTableName, type Column, type Table } from 'drizzle-orm'
import { SQLiteTable, SQLiteSyncDialect, getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core'
import { PgTable, PgDialect, getTableConfig as pgConfig } from 'drizzle-orm/pg-core'
import * as S from '../../../src/db/sqlite-schema.js'
import * as P from '../../../src/db/pg-schema.js'

// The PostgreSQL schema (src/db/pg-schema/) is the SQLite one (src/db/schema/) in PostgreSQL's
// native types: the same files, exports, tables, columns, keys, indexes and constraints. Compared
// as Drizzle objects, no database. A difference is reported as `table.column: what differs`.

const ROOT = path.resolve(import.meta.dirname, '../../..')

/** SQLite column kind (and mode) -> the PostgreSQL type it becomes. */
const TYPE_MAP: Record<string, string> = {
  SQLiteInteger: 'integer',
  'SQLiteTimestamp:timestamp_ms': 'timestamp (3) with time zone',
  SQLiteBoolean: 'boolean',
  SQLiteText: 'text',
  SQLiteTextJson: 'jsonb',
  SQLiteReal: 'double precision',
  SQLiteBlobBuffer: 'bytea',
  // A custom type keeps its SQL type and its toDriver/fromDriver (checked below).
  'SQLiteCustomColumn:text': 'text'
}

/** Integer columns whose values can pass 2^31-1 at province size: bigint on PostgreSQL. */
const BIGINT: Record<string, string> = {
  'audit_events.id': 'every audited act of half a million guards and their staff, kept for years',
  'audit_scopes.event_id': 'an audit_events id',
  'audit_totals.events': 'the number of audit_events',
  'attempt_items.id': 'about a hundred per mock attempt, millions of attempts a year',
  'attempt_steps.attempt_item_id': 'an attempt_items id',
  'practice_answers.id': 'every practice answer, the largest table',
  'photos.size': 'bytes',
  'message_attachments.size': 'bytes'
}

/** Integer keys SQLite fills itself as the rowid without AUTOINCREMENT: an identity on PostgreSQL too. */
const ROWID_FILLED = new Set(['practice_answers.id'])

/**
 * Text columns lists sort or page by, in the "C" collation on PostgreSQL (pg-columns.ts
 * codePointText), so both engines order them by code point whatever the database's locale.
 */
const CODE_POINT_ORDER: Record<string, string> = {
  'jurisdictions.code': 'the jurisdictions and stations lists',
  'enterprises.name': 'the enterprise lists (keyset on name, id) and the dashboard',
  'sites.name': 'the sites list (keyset on enterprise name, site name, id)',
  'trainees.full_name': 'the roster and people lists (keyset on full name, id)',
  'trainee_learning.full_name': "the trainer's learning table (keyset on full name, id)",
  'inspection_guards.full_name': "an inspection's guards",
  'cohorts.name': 'the cohorts list',
  'curricula.title': 'the curricula list',
  'question_versions.question_key': "the bank's question list",
  'lesson_versions.lesson_key': "the bank's lessons",
  'blueprint_versions.blueprint_key': "the bank's blueprints"
}

const sqliteDialect = new SQLiteSyncDialect({ casing: 'snake_case' })
const pgDialect = new PgDialect({ casing: 'snake_case' })

/** SQL text as both dialects would agree on it: no quotes, no table prefixes, one space, lower case. */
function sqlText (value: SQL, dialect: SQLiteSyncDialect | PgDialect): string {
  const q = dialect.sqlToQuery(value)
  return (q.sql + (q.params.length > 0 ? ` ${JSON.stringify(q.params)}` : ''))
    .replace(/["`]/g, '').replace(/\b[a-z_]+\.(?=[a-z_])/g, '').replace(/\s+/g, ' ').trim().toLowerCase()
}

function tablesOf<T extends Table> (mod: Record<string, unknown>, kind: typeof SQLiteTable | typeof PgTable): Map<string, T> {
  return new Map(Object.entries(mod).filter(([, v]) => is(v, kind)) as [string, T][])
}
const sqliteTables = tablesOf<SQLiteTable>(S, SQLiteTable)
const pgTables = tablesOf<PgTable>(P, PgTable)

/** Each table in both dialects, by its export name. */
function pairs (): Array<{ key: string, name: string, s: ReturnType<typeof sqliteConfig>, p: ReturnType<typeof pgConfig> }> {
  return [...sqliteTables].filter(([key]) => pgTables.has(key)).map(([key, t]) => ({ key, name: getTableName(t), s: sqliteConfig(t), p: pgConfig(pgTables.get(key)!) }))
}

const names = (cols: Column[]) => cols.map((c) => c.name).join(',')
const defaultText = (value: unknown, dialect: SQLiteSyncDialect | PgDialect) =>
  is(value, SQL) ? `sql ${sqlText(value, dialect)}` : JSON.stringify(value)

describe('the PostgreSQL schema mirrors the SQLite one', () => {
  test('the same files, and each pair exports the same names', async () => {
    const files = (dir: string) => fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.ts')).sort()
    expect(files('src/db/pg-schema')).toEqual(files('src/db/schema'))
    const diffs: string[] = []
    for (const f of files('src/db/schema')) {
      const s = Object.keys(await import(path.join(ROOT, 'src/db/schema', f))).sort()
      const p = Object.keys(await import(path.join(ROOT, 'src/db/pg-schema', f))).sort()
      for (const k of s.filter((x) => !p.includes(x))) diffs.push(`${f}: ${k} missing from pg-schema`)
      for (const k of p.filter((x) => !s.includes(x))) diffs.push(`${f}: ${k} only in pg-schema`)
    }
    expect(diffs).toEqual([])
    expect(Object.keys(P).sort()).toEqual(Object.keys(S).sort())
  })

  test('the same tables under the same export names', () => {
    expect(sqliteTables.size).toBeGreaterThan(50)
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort())
    const diffs = pairs().filter(({ name, p }) => p.name !== name).map(({ key, name, p }) => `${key}: ${name} on SQLite, ${p.name} on PostgreSQL`)
    expect(diffs).toEqual([])
  })

  test('the same columns: names, types by the mapping, nullability, keys, defaults, uniqueness, enum values', () => {
    const diffs: string[] = []
    for (const { key, name, s, p } of pairs()) {
      const sCols = new Map(Object.entries(sqliteTables.get(key)!).filter(([, c]) => s.columns.includes(c as never)) as [string, Column][])
      const pCols = new Map(Object.entries(pgTables.get(key)!).filter(([, c]) => p.columns.includes(c as never)) as [string, Column][])
      for (const prop of [...sCols.keys()].filter((k) => !pCols.has(k))) diffs.push(`${name}.${sCols.get(prop)!.name}: missing on PostgreSQL`)
      for (const prop of [...pCols.keys()].filter((k) => !sCols.has(k))) diffs.push(`${name}.${pCols.get(prop)!.name}: only on PostgreSQL`)
      for (const [prop, sc] of sCols) {
        const pc = pCols.get(prop)
        if (pc === undefined) continue
        const at = `${name}.${sc.name}`
        const differ = (what: string, a: unknown, b: unknown) => { if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${at}: ${what} ${JSON.stringify(a)} on SQLite, ${JSON.stringify(b)} on PostgreSQL`) }
        differ('name', sc.name, pc.name)
        const kind = sc.columnType === 'SQLiteTimestamp'
          ? `SQLiteTimestamp:${(sc as unknown as { mode: string }).mode}`
          : sc.columnType === 'SQLiteCustomColumn' ? `SQLiteCustomColumn:${sc.getSQLType()}` : sc.columnType
        const mapped = TYPE_MAP[kind]
        if (mapped === undefined) diffs.push(`${at}: no PostgreSQL type for SQLite's ${kind} in TYPE_MAP`)
        const expected = at in BIGINT ? 'bigint' : at in CODE_POINT_ORDER ? 'text COLLATE "C"' : mapped
        if (at in CODE_POINT_ORDER && kind !== 'SQLiteText') diffs.push(`${at}: listed in CODE_POINT_ORDER but is ${kind} on SQLite`)
        if (at in BIGINT && kind !== 'SQLiteInteger') diffs.push(`${at}: listed in BIGINT but is ${kind} on SQLite`)
        if (expected !== undefined && pc.getSQLType() !== expected) diffs.push(`${at}: ${pc.getSQLType()} on PostgreSQL, expected ${expected} for SQLite's ${kind}`)
        if (kind.startsWith('SQLiteCustomColumn')) {
          type Custom = { mapTo?: unknown, mapFrom?: unknown }
          if (pc.columnType !== 'PgCustomColumn' || (sc as unknown as Custom).mapTo !== (pc as unknown as Custom).mapTo || (sc as unknown as Custom).mapFrom !== (pc as unknown as Custom).mapFrom) {
            diffs.push(`${at}: a custom type on PostgreSQL too, with the same toDriver and fromDriver functions`)
          }
        }
        differ('not null', sc.notNull, pc.notNull)
        differ('primary key', sc.primary, pc.primary)
        differ('unique', [sc.isUnique, sc.isUnique ? sc.uniqueName : null], [pc.isUnique, pc.isUnique ? pc.uniqueName : null])
        differ('enum values', sc.enumValues ?? null, pc.enumValues ?? null)
        differ('default', defaultText(sc.default, sqliteDialect), defaultText(pc.default, pgDialect))
        differ('default function', sc.defaultFn !== undefined, pc.defaultFn !== undefined)
        differ('generated', sc.generated !== undefined, pc.generated !== undefined)
        // SQLite fills an integer primary key by itself; PostgreSQL does it where the SQLite key is an
        // AUTOINCREMENT or a rowid the code leaves to it, by an identity (BY DEFAULT, so a data move can copy ids).
        const identity = (sc as unknown as { autoIncrement?: boolean }).autoIncrement === true || ROWID_FILLED.has(at)
        differ('identity', identity ? 'byDefault' : null, pc.generatedIdentity?.type ?? null)
        const rowidKey = sc.primary && sc.columnType === 'SQLiteInteger'
        differ('has a default', rowidKey ? identity : sc.hasDefault, pc.hasDefault)
      }
    }
    expect(diffs).toEqual([])
  })

  test('the same composite primary keys', () => {
    const diffs: string[] = []
    for (const { name, s, p } of pairs()) {
      const a = s.primaryKeys.map((k) => names(k.columns)).sort()
      const b = p.primaryKeys.map((k) => names(k.columns)).sort()
      if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${name}: primary key (${a.join(' | ')}) on SQLite, (${b.join(' | ')}) on PostgreSQL`)
    }
    expect(diffs).toEqual([])
  })

  test('the same indexes: names, columns, uniqueness and partial conditions', () => {
    const diffs: string[] = []
    for (const { name, s, p } of pairs()) {
      const describeIndex = (cfg: { name?: string, unique: boolean, columns: unknown[], where?: SQL }, dialect: SQLiteSyncDialect | PgDialect) =>
        `${cfg.unique ? 'unique ' : ''}(${cfg.columns.map((c) => is(c, SQL) ? sqlText(c, dialect) : (c as Column).name).join(',')})${cfg.where ? ` where ${sqlText(cfg.where, dialect)}` : ''}`
      const a = new Map(s.indexes.map((i) => [i.config.name, describeIndex(i.config, sqliteDialect)]))
      const b = new Map(p.indexes.map((i) => [i.config.name ?? '(unnamed)', describeIndex(i.config, pgDialect)]))
      for (const [n, d] of a) if (b.get(n) !== d) diffs.push(`${name}.${n}: ${d} on SQLite, ${b.get(n) ?? 'missing'} on PostgreSQL`)
      for (const n of b.keys()) if (!a.has(n)) diffs.push(`${name}.${n}: only on PostgreSQL`)
      const ua = s.uniqueConstraints.map((u) => `${u.name}(${names(u.columns)})`).sort()
      const ub = p.uniqueConstraints.map((u) => `${u.name}(${names(u.columns)})`).sort()
      if (JSON.stringify(ua) !== JSON.stringify(ub)) diffs.push(`${name}: unique constraints ${ua.join(' ')} on SQLite, ${ub.join(' ')} on PostgreSQL`)
    }
    expect(diffs).toEqual([])
  })

  test('the same foreign keys: columns, referenced table and columns, on delete and on update', () => {
    const diffs: string[] = []
    for (const { name, s, p } of pairs()) {
      const describeFks = (fks: Array<{ reference: () => { columns: Column[], foreignTable: Table, foreignColumns: Column[] }, onDelete?: string, onUpdate?: string }>) =>
        new Map(fks.map((fk) => {
          const r = fk.reference()
          return [names(r.columns), `${getTableName(r.foreignTable)}(${names(r.foreignColumns)}) on delete ${fk.onDelete ?? 'no action'} on update ${fk.onUpdate ?? 'no action'}`]
        }))
      const a = describeFks(s.foreignKeys)
      const b = describeFks(p.foreignKeys)
      for (const [cols, d] of a) if (b.get(cols) !== d) diffs.push(`${name}.${cols}: references ${d} on SQLite, ${b.get(cols) ?? 'nothing'} on PostgreSQL`)
      for (const cols of b.keys()) if (!a.has(cols)) diffs.push(`${name}.${cols}: a foreign key only on PostgreSQL`)
    }
    expect(diffs).toEqual([])
  })

  test('the same check constraints', () => {
    const diffs: string[] = []
    for (const { name, s, p } of pairs()) {
      const a = s.checks.map((c) => `${c.name}: ${sqlText(c.value, sqliteDialect)}`).sort()
      const b = p.checks.map((c) => `${c.name}: ${sqlText(c.value, pgDialect)}`).sort()
      if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push(`${name}: checks [${a.join('; ')}] on SQLite, [${b.join('; ')}] on PostgreSQL`)
    }
    expect(diffs).toEqual([])
  })
})

// ---- compile time: every table's row types are the same in both dialects (`npm run typecheck`) ----

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type Simplify<T> = { [K in keyof T]: T[K] }
type TableKeys<M> = { [K in keyof M]: M[K] extends Table ? K : never }[keyof M]
/**
 * Tables keyed by a plain integer primary key that is not filled by the database on PostgreSQL:
 * SQLite's rowid lets an insert leave it out, PostgreSQL does not (the code always gives it), so
 * the key is compared as required on both sides.
 */
interface GivenKeys { auditTotals: 'id', recentPapers: 'attemptId', traineeLearning: 'traineeId', traineeReadiness: 'traineeId', enterpriseCounts: 'enterpriseId' }
type Row<T extends Table, K, R extends '$inferSelect' | '$inferInsert'> = R extends '$inferInsert'
  ? K extends keyof GivenKeys ? Simplify<Omit<T[R], GivenKeys[K]> & Required<Pick<T[R], GivenKeys[K] & keyof T[R]>>> : T[R]
  : T[R]
type Mismatched<R extends '$inferSelect' | '$inferInsert'> = {
  [K in TableKeys<typeof S>]: K extends keyof typeof P
    ? (typeof S)[K] extends Table ? (typeof P)[K] extends Table
        ? Equal<Row<(typeof S)[K], K, R>, Row<(typeof P)[K], K, R>> extends true ? never : K
        : K : K
    : K
}[TableKeys<typeof S>]
// An empty object is a record of the tables whose rows differ only when there are none; otherwise tsc
// says which properties (the tables' export names) it is missing.
export const selectedRowsMatch: Record<Mismatched<'$inferSelect'>, 'rows differ'> = {}
export const insertedRowsMatch: Record<Mismatched<'$inferInsert'>, 'rows differ'> = {}
