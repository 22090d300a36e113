// The integration projects' global setup: one throw-away PostgreSQL cluster for the whole run
// (starting one takes a second or two); each test that needs PostgreSQL makes its own database
// in it (tests/helpers/pg.ts), so tests stay independent. A migrated template database is made
// once, so a test's database is a copy of it (CREATE DATABASE … TEMPLATE) instead of a migration.
import type { TestProject } from 'vitest/node'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { startCluster } from './pg-cluster.js'
import { MIGRATIONS_PG_DIR } from '../../src/paths.js'

declare module 'vitest' {
  export interface ProvidedContext { pgSocketDir: string, pgTemplate: string }
}

export const PG_TEMPLATE = 'guardpass_template'

export default async function setup (project: TestProject): Promise<() => void> {
  const cluster = startCluster()
  try {
    const url = (database: string) => `postgres://postgres@/${database}?host=${encodeURIComponent(cluster.dir)}`
    const admin = new pg.Client({ connectionString: url('postgres') })
    await admin.connect()
    try { await admin.query(`CREATE DATABASE ${PG_TEMPLATE}`) } finally { await admin.end() }
    const client = new pg.Client({ connectionString: url(PG_TEMPLATE) })
    await client.connect()
    try { await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_PG_DIR }) } finally { await client.end() }
  } catch (err) {
    cluster.stop()
    throw err
  }
  project.provide('pgSocketDir', cluster.dir)
  project.provide('pgTemplate', PG_TEMPLATE)
  return () => cluster.stop()
}
