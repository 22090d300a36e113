import { Worker } from 'node:worker_threads'
import type { Db } from './connection.js'

/**
 * Moves WAL checkpoints off the serving thread. SQLite checkpoints on the
 * commit that crosses wal_autocheckpoint pages, and that commit (and the whole
 * event loop with it) then waits while pages are copied and the file synced:
 * under a class's autosaves that was the slowest 1% of saves, and reads slow
 * down while the log is long. A worker thread with its own connection
 * checkpoints every `intervalMs` instead; the serving connection keeps a far
 * higher threshold only as a safety net should the worker stop.
 */
export function startCheckpointer (db: Db, file: string, intervalMs = 250): { stop: () => Promise<void> } {
  db.$client.pragma('wal_autocheckpoint = 20000')
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), { workerData: { file, intervalMs } })
  worker.unref()
  worker.on('message', (m: { error?: string }) => { if (m.error) process.emitWarning(`WAL checkpoint: ${m.error}`) })
  worker.on('error', (err) => { process.emitWarning(`WAL checkpointer stopped: ${String(err)}`); db.$client.pragma('wal_autocheckpoint = 1000') })
  return {
    stop: () => new Promise((resolve) => {
      worker.once('exit', () => resolve())
      worker.postMessage('stop')
    })
  }
}
