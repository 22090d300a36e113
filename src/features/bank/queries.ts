import { desc } from 'drizzle-orm'
import type { DbOrTx } from '../../db/connection.js'
import { bankReleases } from './schema.js'

export function latestRelease (db: DbOrTx) {
  return db.select().from(bankReleases).orderBy(desc(bankReleases.publishedAt), desc(bankReleases.id)).limit(1).get()
}
