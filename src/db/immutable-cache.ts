import { awaitRead, databaseOf, type Q } from './engine.js'

/**
 * A cache of what never changes once written (a published release's blueprints, pool and
 * catalogue; a question or blueprint version's body): each value is read once per database and
 * key, and kept for the process's life. Keyed by the database the handle reaches (engine.ts
 * `databaseOf`: SQLite's connection, PostgreSQL's pool), so two databases in one process (the
 * tests, the bench) never see each other's rows, and a closed one's values go with it. Safe with
 * several app nodes: what it keeps can never change. The one way the areas cache immutable data.
 *
 * A read under way is shared (`load`): requests that miss the same key while it is being read on
 * PostgreSQL wait for it (engine.ts `awaitRead`) instead of each reading it again. A thousand
 * synchronized starts on a node that had not yet read the release's pool read it a thousand times.
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
  const byDatabase = new WeakMap<object, { values: Map<K, V>, reading: Map<K, Promise<V | undefined>> }>()
  const of = (db: object) => {
    const owner = databaseOf(db)
    if (!owner) return undefined
    let c = byDatabase.get(owner)
    if (!c) { c = { values: new Map(), reading: new Map() }; byDatabase.set(owner, c) }
    return c
  }
  return {
    get: (db, key, read) => {
      const m = of(db)?.values
      if (m?.has(key)) return m.get(key)!
      const value = read()
      m?.set(key, value)
      return value
    },
    load: function * (db, key, read) {
      const c = of(db)
      if (!c) return yield * read()
      if (c.values.has(key)) return c.values.get(key)!
      const underWay = c.reading.get(key)
      if (underWay) {
        // Undefined when this body may not wait, or when that read failed: read it here.
        const value = yield * awaitRead(underWay)
        if (value !== undefined) return value
        if (c.values.has(key)) return c.values.get(key)!
      }
      let settle!: (value: V | undefined) => void
      const mine = new Promise<V | undefined>((resolve) => { settle = resolve })
      if (!underWay) c.reading.set(key, mine)
      let value: V | undefined
      try {
        value = yield * read()
        c.values.set(key, value)
        return value
      } finally {
        // Settled however the read ends (a failed statement, a transaction run again): a waiter
        // given undefined reads the value itself.
        settle(value)
        if (c.reading.get(key) === mine) c.reading.delete(key)
      }
    },
    peek: (db, key) => {
      const owner = databaseOf(db)
      return owner ? byDatabase.get(owner)?.values.get(key) : undefined
    },
    set: (db, key, value) => { of(db)?.values.set(key, value) }
  }
}
