import { schemaVersion, type Db } from '../../db/connection.js'
import { latestRelease } from '../bank/index.js'

/** What /healthz reports: the schema version (migrations applied) and the newest bank release. */
export function readHealth (db: Db) {
  return { schemaVersion: schemaVersion(db), release: latestRelease(db) }
}
