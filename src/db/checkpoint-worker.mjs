// The WAL checkpointer's thread (see checkpointer.ts): its own connection copies
// committed pages from the write-ahead log into the database file, so the
// serving thread never stops to do it. Plain JavaScript: a worker loads it as is.
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const db = new Database(workerData.file)
db.pragma('busy_timeout = 1000')
db.pragma('synchronous = FULL')
db.pragma('wal_autocheckpoint = 0')

const timer = setInterval(() => {
  try {
    // PASSIVE: copies what it can without waiting for, or blocking, readers and writers.
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch (err) {
    parentPort.postMessage({ error: String(err) })
  }
}, workerData.intervalMs)

parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer)
    try { db.pragma('wal_checkpoint(PASSIVE)') } finally { db.close() }
    parentPort.close()
  }
})
