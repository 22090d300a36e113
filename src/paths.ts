import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Where the running code is: src/ when it runs as TypeScript (npm run dev, the tests),
 * dist/ once built (npm start, the bin). This file sits at the top of either, so the
 * package root, which holds the assets, is one folder up from both.
 */
export const CODE_DIR = path.dirname(fileURLToPath(import.meta.url))

/** The folder of package.json: migrations/, views/, static/ and question-bank/ are found here, never beside a module. */
export const PACKAGE_ROOT = path.dirname(CODE_DIR)

export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'migrations')
/** PostgreSQL's migrations (drizzle.pg.config.ts), generated from src/db/pg-schema.ts. */
export const MIGRATIONS_PG_DIR = path.join(PACKAGE_ROOT, 'migrations-pg')
export const VIEWS_DIR = path.join(PACKAGE_ROOT, 'views')
export const STATIC_DIR = path.join(PACKAGE_ROOT, 'static')
export const BANK_DIR = path.join(PACKAGE_ROOT, 'question-bank')

/** The WAL checkpointer's thread: plain JavaScript, beside the compiled code (the build copies it into dist/db/). */
export const CHECKPOINT_WORKER = path.join(CODE_DIR, 'db', 'checkpoint-worker.mjs')
