/** A list in slices of at most `size`, for `IN (…)` queries that stay under SQLite's variable limit. */
export function * chunks<T> (list: readonly T[], size = 500): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size)
}
