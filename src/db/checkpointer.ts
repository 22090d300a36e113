import { Worker } from 'node:worker_threads'
import type { Db } from './connection.js'
import { CHECKPOINT_WORKER } from '../paths.js'

/** Where the checkpointer reports: the app's JSON logger (pino's call shape). */
export interface CheckpointLog {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface Checkpointer {
  /** False once the worker has exited, whether asked to or not. */
  readonly alive: boolean
  /** The thread itself (the shutdown test ends it early). */
  readonly worker: Worker
  /**
   * Asks the worker for a last checkpoint and waits for it to exit; at once if it has
   * already exited, and after `limitMs` it is terminated instead.
   */
  stop(limitMs?: number): Promise<void>
}

/**
 * Moves WAL checkpoints off the serving thread. SQLite checkpoints on the
 * commit that crosses wal_autocheckpoint pages, and that commit (and the whole
 * event loop with it) then waits while pages are copied and the file synced:
 * under a class's autosaves that was the slowest 1% of saves, and reads slow
 * down while the log is long. A worker thread with its own connection
 * checkpoints every `intervalMs` instead; the serving connection keeps a far
 * higher threshold only as a safety net, and goes back to SQLite's own
 * threshold should the worker stop.
 */
export function startCheckpointer (db: Db, file: string, log: CheckpointLog, intervalMs = 250): Checkpointer {
  db.$client.pragma('wal_autocheckpoint = 20000')
  const worker = new Worker(CHECKPOINT_WORKER, { workerData: { file, intervalMs } })
  worker.unref()
  let alive = true
  let stopping = false
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      alive = false
      if (!stopping) {
        log.error({ code }, 'WAL checkpointer exited; the serving connection checkpoints by itself again')
        if (db.$client.open) db.$client.pragma('wal_autocheckpoint = 1000')
      }
      resolve()
    })
  })
  worker.on('message', (m: { error?: string }) => { if (m.error) log.warn({ error: m.error }, 'WAL checkpoint failed') })
  worker.on('error', (err) => { log.error({ err }, 'WAL checkpointer failed') })
  return {
    get alive () { return alive },
    worker,
    async stop (limitMs = 5000) {
      stopping = true
      if (!alive) return
      worker.postMessage('stop')
      let timer: NodeJS.Timeout | undefined
      const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), limitMs) })
      if (await Promise.race([exited, late]) === 'late') {
        log.warn({ limitMs }, 'WAL checkpointer did not stop in time; terminating it')
        await worker.terminate()
      }
      clearTimeout(timer)
    }
  }
}
