import type Database from 'better-sqlite3'
import type { Db } from './connection.js'

/**
 * A cache of what never changes once written (a published release's blueprints, pool and
 * catalogue; a question or blueprint version's body): each value is read once per database
 * connection and key, and kept for the connection's life. Keyed by the connection, so two
 * databases in one process (the tests, the bench) never see each other's rows, and a closed
 * connection's values go with it. The one way the areas cache immutable data.
 */
export interface ImmutableCache<K, V> {
  /** The value for this key, read by `read` the first time on this connection. */
  get: (db: Db, key: K, read: () => V) => V
  /** The value if it was read already on this connection. */
  peek: (db: Db, key: K) => V | undefined
  /** Keeps a value read some other way (a batch read of several keys). */
  set: (db: Db, key: K, value: V) => void
}

export function immutableCache<K, V> (): ImmutableCache<K, V> {
  const byConnection = new WeakMap<Database.Database, Map<K, V>>()
  const mapOf = (db: Db): Map<K, V> => {
    let m = byConnection.get(db.$client)
    if (!m) { m = new Map(); byConnection.set(db.$client, m) }
    return m
  }
  return {
    get: (db, key, read) => {
      const m = mapOf(db)
      if (m.has(key)) return m.get(key)!
      const value = read()
      m.set(key, value)
      return value
    },
    peek: (db, key) => byConnection.get(db.$client)?.get(key),
    set: (db, key, value) => { mapOf(db).set(key, value) }
  }
}
