import { schemaVersion, type Db } from '../../db/connection.js'
import { runSync } from '../../db/engine.js'
import { latestRelease } from '../bank/index.js'

/** What /healthz reports: the schema version (migrations applied) and the newest bank release. */
export function readHealth (db: Db) {
  return { schemaVersion: schemaVersion(db), release: runSync(latestRelease(db)) }
}
