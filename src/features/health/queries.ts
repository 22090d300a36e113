import type { Db } from '../../db/connection.js'
import { appliedMigrations, type Q } from '../../db/engine.js'
import { latestRelease, type Release } from '../bank/index.js'

/** What /healthz reports: the schema version (migrations applied) and the newest bank release. */
export function * readHealth (db: Db): Q<{ schemaVersion: number, release: Release | undefined }> {
  return { schemaVersion: yield * appliedMigrations(db), release: yield * latestRelease(db) }
}
