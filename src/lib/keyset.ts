/**
 * Keyset pagination, pure: a page is "the rows after (or before) this key in
 * the list's order", never "skip N rows", so a page costs the same deep in a
 * list of 300,000 as at its start, and rows added or removed meanwhile neither
 * repeat nor vanish between pages. A key is the sort columns of a row, last of
 * them a unique id; in the URL it travels as base64url JSON (?after= / ?before=).
 */

export type KeyPart = string | number
export type Key = readonly KeyPart[]

/** What a request asks for: the first page, the page after a key, or the page before one. */
export interface KeysetRequest { size: number, after?: Key, before?: Key }

/** One page: its rows in list order, the keys of the neighbouring pages (null at either end), and the true total. */
export interface KeysetPage<T> {
  rows: T[]
  total: number
  size: number
  /** The key to ask `after` for the next page; null on the last page. */
  next: Key | null
  /** The key to ask `before` for the previous page; null on the first page. */
  prev: Key | null
}

/** The page sizes a list offers. */
export const PAGE_SIZES = [50, 100] as const

export function encodeKey (key: Key): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/**
 * A key typed into a URL, checked against the list's key shape ('s' text, 'n' integer);
 * undefined when it is not one (the list then starts at its beginning).
 */
export function decodeKey (text: string, shape: ReadonlyArray<'s' | 'n'>): Key | undefined {
  if (!text || text.length > 600 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined
  let v: unknown
  try { v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) } catch { return undefined }
  if (!Array.isArray(v) || v.length !== shape.length) return undefined
  const ok = v.every((x, i) => shape[i] === 's' ? typeof x === 'string' && x.length <= 200 : Number.isSafeInteger(x))
  return ok ? v as Key : undefined
}

/**
 * Turns the rows a query fetched (at most size + 1, in list order after `after`, or in
 * reverse order before `before`) into a page: which end is reached, and the neighbours' keys.
 */
export function toPage<T> (fetched: T[], req: KeysetRequest, total: number, keyOf: (row: T) => Key): KeysetPage<T> {
  const more = fetched.length > req.size
  const rows = fetched.slice(0, req.size)
  if (req.before) rows.reverse()
  const first = rows[0]
  const last = rows[rows.length - 1]
  const hasPrev = req.before ? more : req.after !== undefined
  const hasNext = req.before ? true : more
  return {
    rows,
    total,
    size: req.size,
    next: hasNext && last !== undefined ? keyOf(last) : null,
    prev: hasPrev && first !== undefined ? keyOf(first) : null
  }
}

/**
 * Every row of a keyset-ordered source, a bounded chunk at a time, giving the event loop
 * a turn between chunks: what CSV exports stream from, so a district's 300,000 rows never sit
 * in memory together and other requests are answered while it runs.
 */
export async function * keysetChunks<T> (fetch: (after: Key | undefined, size: number) => T[] | Promise<T[]>, keyOf: (row: T) => Key, size = 500): AsyncGenerator<T[]> {
  let after: Key | undefined
  for (;;) {
    const rows = await fetch(after, size)
    if (rows.length > 0) yield rows
    // A turn after every chunk, the last one too: an export that walks many small sources one
    // after another (a district's enterprises, each a chunk or two) never runs two back to back.
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (rows.length < size) return
    after = keyOf(rows[rows.length - 1]!)
  }
}

/**
 * A keyset page of rows already in memory and sorted by `compare` over their keys: for lists
 * ordered by values worked out per row (a trainee's progress), not stored in a column.
 */
export function pageSorted<T> (sorted: readonly T[], req: KeysetRequest, keyOf: (row: T) => Key, compare: (a: Key, b: Key) => number): KeysetPage<T> {
  let fetched: T[]
  if (req.before) {
    const before = req.before
    let end = 0
    while (end < sorted.length && compare(keyOf(sorted[end]!), before) < 0) end++
    fetched = sorted.slice(Math.max(0, end - req.size - 1), end).reverse()
  } else {
    const after = req.after
    let start = 0
    if (after) while (start < sorted.length && compare(keyOf(sorted[start]!), after) <= 0) start++
    fetched = sorted.slice(start, start + req.size + 1)
  }
  return toPage(fetched, req, sorted.length, keyOf)
}

/** Each chunk of a chunked source turned into other rows (a page of stored rows into table rows), as the chunks arrive. */
export async function * mapChunks<T, U> (source: AsyncIterable<T[]>, map: (rows: T[]) => U[] | Promise<U[]>): AsyncGenerator<U[]> {
  for await (const rows of source) yield await map(rows)
}
