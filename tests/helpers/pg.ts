// A fresh, empty PostgreSQL database for one test, in the run's throw-away cluster
// (tests/helpers/pg-global-setup.ts), dropped again by drop().
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import pg from 'pg'

export interface PgDatabase { url: string, name: string, drop(): Promise<void> }

export function pgUrl (database: string): string {
  return `postgres://postgres@/${encodeURIComponent(database)}?host=${encodeURIComponent(inject('pgSocketDir'))}`
}

/** Runs one statement on the cluster's maintenance database. */
async function admin (text: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl('postgres') })
  await client.connect()
  try { await client.query(text) } finally { await client.end() }
}

/** An empty database, or with `migrated` a copy of the run's migrated template (the schema of migrations-pg/, seeded rows included). */
export async function freshPgDatabase (opts: { migrated?: boolean } = {}): Promise<PgDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`
  await admin(opts.migrated ? `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}` : `CREATE DATABASE ${name}`)
  return { url: pgUrl(name), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}
