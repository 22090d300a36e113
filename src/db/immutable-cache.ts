import { databaseOf, type Q } from './engine.js'

/**
 * A cache of what never changes once written (a published release's blueprints, pool and
 * catalogue; a question or blueprint version's body): each value is read once per database and
 * key, and kept for the process's life. Keyed by the database the handle reaches (engine.ts
 * `databaseOf`: SQLite's connection, PostgreSQL's pool), so two databases in one process (the
 * tests, the bench) never see each other's rows, and a closed one's values go with it. Safe with
 * several app nodes: what it keeps can never change. The one way the areas cache immutable data.
 */
export interface ImmutableCache<K, V> {
  /** The value for this key, read by `read` the first time on this database (synchronous readers: the SQLite bridge). */
  get: (db: object, key: K, read: () => V) => V
  /** The same for a query function: `yield * cache.load(db, key, () => readIt(db, key))`. */
  load: (db: object, key: K, read: () => Q<V>) => Q<V>
  /** The value if it was read already on this database. */
  peek: (db: object, key: K) => V | undefined
  /** Keeps a value read some other way (a batch read of several keys). */
  set: (db: object, key: K, value: V) => void
}

export function immutableCache<K, V> (): ImmutableCache<K, V> {
  const byDatabase = new WeakMap<object, Map<K, V>>()
  const mapOf = (db: object): Map<K, V> | undefined => {
    const owner = databaseOf(db)
    if (!owner) return undefined
    let m = byDatabase.get(owner)
    if (!m) { m = new Map(); byDatabase.set(owner, m) }
    return m
  }
  return {
    get: (db, key, read) => {
      const m = mapOf(db)
      if (m?.has(key)) return m.get(key)!
      const value = read()
      m?.set(key, value)
      return value
    },
    load: function * (db, key, read) {
      const m = mapOf(db)
      if (m?.has(key)) return m.get(key)!
      const value = yield * read()
      m?.set(key, value)
      return value
    },
    peek: (db, key) => {
      const owner = databaseOf(db)
      return owner ? byDatabase.get(owner)?.get(key) : undefined
    },
    set: (db, key, value) => { mapOf(db)?.set(key, value) }
  }
}
