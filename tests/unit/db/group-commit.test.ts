import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, test, expect, beforeEach, afterEach } from 'vitest'
import { openDatabase, type Db } from '../../../src/db/connection.js'
import { transaction } from '../../../src/db/engine.js'
import { groupCommit, flushGroupCommit, pendingWrites, writeOne, kept, refused, setLogSync, syncFile, type BatchWriter, type ItemOutcome } from '../../../src/db/group-commit.js'

/** A batch writer from synchronous test code (a body that runs its statements on the SQLite connection itself). */
function sync<T, R> (write: (d: Db, items: readonly T[]) => Array<ItemOutcome<R>>): BatchWriter<T, R> {
  return function * (d, items) { return write(d, items) }
}

let db: Db
beforeEach(() => {
  db = openDatabase(':memory:')
  db.$client.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE); CREATE TABLE tags (id INTEGER PRIMARY KEY, tag TEXT NOT NULL)')
})
afterEach(() => { flushGroupCommit(db); db.$client.close() })

const notes = () => (db.$client.prepare('SELECT text FROM notes ORDER BY id').all() as Array<{ text: string }>).map((r) => r.text)
const tags = () => (db.$client.prepare('SELECT tag FROM tags ORDER BY id').all() as Array<{ tag: string }>).map((r) => r.tag)
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

/** Keeps a note unless its text is taken (by the database, so by an earlier note of the same batch too); "boom" throws after writing. */
function noteWriter () {
  const batches: string[][] = []
  const writer: BatchWriter<string, number> = sync((d, items) => {
    batches.push([...items])
    expect(d.$client.inTransaction).toBe(true)
    return items.map((text) => {
      if (d.$client.prepare('SELECT 1 FROM notes WHERE text = ?').get(text)) return refused(new Error(`taken: ${text}`))
      const id = Number(d.$client.prepare('INSERT INTO notes (text) VALUES (?)').run(text).lastInsertRowid)
      if (text === 'boom') throw new Error('the disk is full')
      return kept(id)
    })
  })
  return { writer, batches }
}

describe('group commit', () => {
  test('writes queued in one turn share one transaction after the turn; each resolves once committed', async () => {
    const { writer, batches } = noteWriter()
    const acks: string[] = []
    const all = ['a', 'b', 'c'].map((text) => groupCommit(db, writer, text).then((id) => {
      // Acknowledged only after the commit: the row is there and no transaction is open.
      expect(db.$client.inTransaction).toBe(false)
      expect(notes()).toContain(text)
      acks.push(text)
      return id
    }))
    expect(pendingWrites(db)).toBe(3)
    expect(notes()).toEqual([])
    const ids = await Promise.all(all)
    expect(batches).toEqual([['a', 'b', 'c']])
    expect(ids).toEqual([1, 2, 3])
    expect(acks).toEqual(['a', 'b', 'c'])
    // A write of a later turn is the next batch.
    await groupCommit(db, writer, 'd')
    expect(batches).toEqual([['a', 'b', 'c'], ['d']])
    expect(pendingWrites(db)).toBe(0)
  })

  test('a refused write fails alone; each write sees the ones before it in the batch', async () => {
    const { writer, batches } = noteWriter()
    await groupCommit(db, writer, 'old')
    const results = await Promise.allSettled(['x', 'old', 'y', 'x'].map((text) => groupCommit(db, writer, text)))
    expect(batches).toHaveLength(2)
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('taken: old')
    expect((results[3] as PromiseRejectedResult).reason.message).toBe('taken: x')
    expect(notes()).toEqual(['old', 'x', 'y'])
  })

  test('a writer that throws fails the whole batch, every kind of write in it, and nothing of it is kept', async () => {
    const { writer } = noteWriter()
    const tagWriter: BatchWriter<string, void> = sync((d, items) => items.map((tag) => {
      d.$client.prepare('INSERT INTO tags (tag) VALUES (?)').run(tag)
      return kept(undefined)
    }))
    const results = await Promise.allSettled([
      groupCommit(db, tagWriter, 't1'), groupCommit(db, writer, 'a'), groupCommit(db, writer, 'boom'), groupCommit(db, writer, 'b'), groupCommit(db, tagWriter, 't2')
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected'])
    for (const r of results) expect((r as PromiseRejectedResult).reason.message).toBe('the disk is full')
    // One transaction for both writers: the tags written before the throw are rolled back with the notes.
    expect(notes()).toEqual([])
    expect(tags()).toEqual([])
    // The connection is usable again: the next batch goes in.
    await Promise.all([groupCommit(db, tagWriter, 't3'), groupCommit(db, writer, 'c')])
    expect(notes()).toEqual(['c'])
    expect(tags()).toEqual(['t3'])
  })

  test('writers of different kinds in one batch each get their own items, in arrival order', async () => {
    const seen: string[] = []
    const a: BatchWriter<string, string> = sync((_d, items) => { seen.push(`a:${items.join(',')}`); return items.map((i) => kept(i.toUpperCase())) })
    const b: BatchWriter<number, number> = sync((_d, items) => { seen.push(`b:${items.join(',')}`); return items.map((i) => kept(i * 2)) })
    const out = await Promise.all([groupCommit(db, a, 'x'), groupCommit(db, b, 1), groupCommit(db, a, 'y'), groupCommit(db, b, 2)])
    expect(out).toEqual(['X', 2, 'Y', 4])
    expect(seen).toEqual(['a:x,y', 'b:1,2'])
  })

  test('a writer giving the wrong number of outcomes fails its batch', async () => {
    const short: BatchWriter<string, void> = sync(() => [kept(undefined)])
    const results = await Promise.allSettled([groupCommit(db, short, 'a'), groupCommit(db, short, 'b')])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
  })

  test('flush writes what is waiting at once (the shutdown), and the turn\'s own flush then finds nothing', async () => {
    const { writer, batches } = noteWriter()
    const p = groupCommit(db, writer, 'late')
    flushGroupCommit(db)
    expect(notes()).toEqual(['late'])
    expect(pendingWrites(db)).toBe(0)
    await expect(p).resolves.toBe(1)
    await nextTurn()
    expect(batches).toEqual([['late']])
    // Nothing waiting: a flush is a no-op.
    flushGroupCommit(db)
    expect(batches).toHaveLength(1)
  })

  test('queues are per connection', async () => {
    const other = openDatabase(':memory:')
    other.$client.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)')
    const { writer, batches } = noteWriter()
    const both = Promise.all([groupCommit(db, writer, 'mine'), groupCommit(other, writer, 'theirs')])
    expect(pendingWrites(db)).toBe(1)
    expect(pendingWrites(other)).toBe(1)
    await both
    expect(batches).toEqual([['mine'], ['theirs']])
    expect(notes()).toEqual(['mine'])
    other.$client.close()
  })

  test('writeOne writes one item in the caller\'s transaction and throws its refusal, rolling that transaction back', async () => {
    const { writer } = noteWriter()
    expect(await transaction(db, writeOne, writer, 'now')).toBe(1)
    await expect(transaction(db, writeOne, writer, 'now')).rejects.toThrow('taken: now')
    await expect(transaction(db, writeOne, writer, 'boom')).rejects.toThrow('the disk is full')
    expect(notes()).toEqual(['now'])
    expect(pendingWrites(db)).toBe(0)
  })
})

describe('group commit on a WAL file at FULL: the log is synced off the thread', () => {
  let dir: string
  let fileDb: Db
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-gc-'))
    fileDb = openDatabase(path.join(dir, 'g.db'))
    fileDb.$client.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)')
  })
  afterEach(async () => {
    await flushGroupCommit(fileDb)
    fileDb.$client.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  const fileNotes = () => (fileDb.$client.prepare('SELECT text FROM notes ORDER BY id').all() as Array<{ text: string }>).map((r) => r.text)
  const level = () => fileDb.$client.pragma('synchronous', { simple: true })

  /** A log sync the test lets return (or fail) when it wants, one per call, in order. */
  function heldSync () {
    const calls: Array<{ file: string, done: () => void, fail: (err: Error) => void }> = []
    setLogSync(fileDb, (file) => new Promise<void>((resolve, reject) => { calls.push({ file, done: resolve, fail: reject }) }))
    return calls
  }
  /** Tracks whether a promise has settled yet. */
  const tracked = <T>(p: Promise<T>) => {
    const s = { settled: false, p: p.finally(() => { s.settled = true }) }
    return s
  }
  /** Keeps a note unless taken, saying what the connection's level was inside the transaction. */
  const levels: number[] = []
  const writer: BatchWriter<string, number> = sync((d, items) => items.map((text) => {
    levels.push(d.$client.pragma('synchronous', { simple: true }) as number)
    if (d.$client.prepare('SELECT 1 FROM notes WHERE text = ?').get(text)) return refused(new Error(`taken: ${text}`))
    return kept(Number(d.$client.prepare('INSERT INTO notes (text) VALUES (?)').run(text).lastInsertRowid))
  }))

  test('a batch commits without syncing on the thread and is acknowledged only once its log is synced', async () => {
    levels.length = 0
    const syncs = heldSync()
    expect(level()).toBe(2)
    const a = tracked(groupCommit(fileDb, writer, 'a'))
    const b = tracked(groupCommit(fileDb, writer, 'b'))
    await nextTurn()
    // Committed (other readers see the rows), synced by one call on the log file, not yet acknowledged.
    expect(fileNotes()).toEqual(['a', 'b'])
    expect(fileDb.$client.inTransaction).toBe(false)
    expect(syncs.map((s) => s.file)).toEqual([`${fileDb.$client.name}-wal`])
    await nextTurn()
    expect(a.settled || b.settled).toBe(false)
    // NORMAL inside the batch's transaction, FULL again after it.
    expect(levels).toEqual([1, 1])
    expect(level()).toBe(2)
    syncs[0]!.done()
    await expect(a.p).resolves.toBe(1)
    await expect(b.p).resolves.toBe(2)
  })

  test('batches committed while a sync runs wait for the next sync, which covers them together', async () => {
    const syncs = heldSync()
    const a = tracked(groupCommit(fileDb, writer, 'a'))
    await nextTurn()
    const b = tracked(groupCommit(fileDb, writer, 'b'))
    await nextTurn()
    const c = tracked(groupCommit(fileDb, writer, 'c'))
    await nextTurn()
    // Three batches committed, one sync running (begun before b and c were written).
    expect(fileNotes()).toEqual(['a', 'b', 'c'])
    expect(syncs).toHaveLength(1)
    syncs[0]!.done()
    await a.p
    await nextTurn()
    expect(b.settled || c.settled).toBe(false)
    expect(syncs).toHaveLength(2)
    syncs[1]!.done()
    await expect(Promise.all([b.p, c.p])).resolves.toEqual([2, 3])
    expect(syncs).toHaveLength(2)
  })

  test('a failed sync fails the kept writes of the batches it covered; a refusal keeps its own reason; the next sync is tried anew', async () => {
    const syncs = heldSync()
    await Promise.all([groupCommit(fileDb, writer, 'old'), nextTurn().then(() => syncs[0]!.done())])
    const results = Promise.allSettled(['x', 'old'].map((text) => groupCommit(fileDb, writer, text)))
    await nextTurn()
    syncs[1]!.fail(new Error('EIO: the disk failed'))
    const [x, old] = await results
    expect((x as PromiseRejectedResult).reason.message).toBe('EIO: the disk failed')
    expect((old as PromiseRejectedResult).reason.message).toBe('taken: old')
    const y = groupCommit(fileDb, writer, 'y')
    await nextTurn()
    syncs[2]!.done()
    await expect(y).resolves.toBe(3)
  })

  test('flush (the shutdown) writes at once and resolves once every batch so far is synced and settled', async () => {
    const syncs = heldSync()
    const early = tracked(groupCommit(fileDb, writer, 'early'))
    await nextTurn()
    const late = tracked(groupCommit(fileDb, writer, 'late'))
    const flushed = tracked(flushGroupCommit(fileDb))
    expect(fileNotes()).toEqual(['early', 'late'])
    syncs[0]!.done()
    await early.p
    await nextTurn()
    expect(flushed.settled).toBe(false)
    syncs[1]!.done()
    await flushed.p
    expect(late.settled).toBe(true)
  })

  test('the real sync: fsync of the log file; a missing file fails', async () => {
    await expect(Promise.all([groupCommit(fileDb, writer, 'a'), groupCommit(fileDb, writer, 'b')])).resolves.toEqual([1, 2])
    expect(fs.existsSync(`${fileDb.$client.name}-wal`)).toBe(true)
    await expect(syncFile(path.join(dir, 'nothing-wal'))).rejects.toThrow(/ENOENT/)
  })

  test('below FULL the connection syncs nothing at a commit, and neither does a batch: it settles at its commit', async () => {
    const syncs = heldSync()
    fileDb.$client.pragma('synchronous = OFF')
    await expect(groupCommit(fileDb, writer, 'a')).resolves.toBe(1)
    expect(syncs).toHaveLength(0)
    expect(level()).toBe(0)
  })
})
