import path from 'node:path'
import { isPostgresUrl } from './db/database-url.js'
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './i18n/index.js'

export interface Config {
  readonly port: number
  readonly host: string
  /**
   * The SQLite file (the default engine). With PostgreSQL it is not a database but still places what
   * lives beside it by default on each node (the demo accounts' file).
   */
  readonly databasePath: string
  /** A postgres:// address when DATABASE_URL selects PostgreSQL; undefined for SQLite. */
  readonly databaseUrl: string | undefined
  /** Connections each app node keeps to PostgreSQL (DATABASE_POOL_SIZE). */
  readonly databasePoolSize: number
  /** Where uploaded files (inspection and notice photos, message attachments) are kept: one directory every node shares. */
  readonly filesDir: string
  readonly publicUrl: URL
  readonly trustProxy: boolean
  readonly cookieSecure: boolean
  readonly demo: boolean
  /** 64 hex characters; when absent the key file beside the database is used (created on first start). */
  readonly dataKey: string | undefined
  readonly timeZone: string
  /** The interface language when neither the user nor the browser asks for one of ours. */
  readonly defaultLanguage: Locale
  /** Template caching; off only for `npm run dev`. */
  readonly viewCache: boolean
  /** Right answers in a row that take a question out of the wrong-answer book (PRACTICE_BOOK_EXIT). */
  readonly practiceBookExit: number
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

type Env = Record<string, string | undefined>

/** Uploaded files' directory unless FILES_DIR says otherwise: beside the SQLite file, named after it (guardpass-photos). */
export function defaultFilesDir (databasePath: string): string {
  return path.join(path.dirname(databasePath), `${path.basename(databasePath, path.extname(databasePath))}-photos`)
}

const BOOL_TRUE = new Set(['1', 'true', 'on', 'yes'])
const BOOL_FALSE = new Set(['0', 'false', 'off', 'no'])
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * Reads the environment once into a frozen, typed configuration.
 * Every bad variable is reported together, so one start shows every problem.
 */
export function loadConfig (env: Env, cwd = process.cwd()): Config {
  const problems: string[] = []

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const v = raw.trim().toLowerCase()
    if (BOOL_TRUE.has(v)) return true
    if (BOOL_FALSE.has(v)) return false
    problems.push(`${name} must be on or off (got "${raw}")`)
    return fallback
  }

  const portRaw = env.PORT ?? '3000'
  const port = Number(portRaw)
  if (!/^\d+$/.test(portRaw) || port < 1 || port > 65535) problems.push(`PORT must be a port number from 1 to 65535 (got "${portRaw}")`)

  const host = env.HOST?.trim() || '127.0.0.1'
  // DATABASE_URL: a postgres:// address selects PostgreSQL; a file path (or nothing) selects SQLite,
  // as DATABASE_PATH, its older name, does.
  const url = env.DATABASE_URL?.trim() || undefined
  const pathRaw = env.DATABASE_PATH?.trim() || undefined
  let databaseUrl: string | undefined
  let fileRaw = pathRaw
  if (url !== undefined && isPostgresUrl(url)) {
    // node-postgres reads it (a socket directory in ?host= has no host part, which URL refuses); a
    // wrong address stops the start when the first connection fails, saying why.
    databaseUrl = url
  } else if (url !== undefined) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) problems.push(`DATABASE_URL must be a postgres:// address or a SQLite file path (got "${url.replace(/\/\/[^@/]*@/, '//…@')}")`)
    else if (pathRaw !== undefined && path.resolve(cwd, pathRaw) !== path.resolve(cwd, url)) problems.push('DATABASE_URL and DATABASE_PATH name different SQLite files: set one')
    else fileRaw = url
  }
  const databasePath = path.resolve(cwd, fileRaw || './data/guardpass.db')
  const poolRaw = env.DATABASE_POOL_SIZE?.trim() || '10'
  const databasePoolSize = Number(poolRaw)
  if (!/^\d{1,3}$/.test(poolRaw) || databasePoolSize < 1 || databasePoolSize > 200) problems.push(`DATABASE_POOL_SIZE must be a whole number from 1 to 200 (got "${poolRaw}")`)
  const filesDir = path.resolve(cwd, env.FILES_DIR?.trim() || defaultFilesDir(databasePath))

  const publicUrlRaw = env.PUBLIC_URL?.trim() || `http://localhost:${Number.isFinite(port) ? port : 3000}`
  let publicUrl = new URL('http://localhost:3000')
  try {
    publicUrl = new URL(publicUrlRaw)
    if (publicUrl.protocol !== 'http:' && publicUrl.protocol !== 'https:') {
      problems.push(`PUBLIC_URL must start with http:// or https:// (got "${publicUrlRaw}")`)
    }
  } catch {
    problems.push(`PUBLIC_URL must be an absolute address such as https://guardpass.example.cn (got "${publicUrlRaw}")`)
  }

  const trustProxy = bool('TRUST_PROXY', false)
  const cookieSecure = bool('COOKIE_SECURE', publicUrl.protocol === 'https:')
  const demo = bool('GUARDPASS_DEMO', true)

  const dataKey = env.GUARDPASS_DATA_KEY?.trim() || undefined
  if (dataKey !== undefined && !/^[0-9a-fA-F]{64}$/.test(dataKey)) {
    problems.push('GUARDPASS_DATA_KEY must be 64 hexadecimal characters (32 bytes)')
  }
  // Every node must encrypt with the same key: a key file made by each node beside its own
  // (non-existent) database file would give each node a different one.
  if (databaseUrl !== undefined && dataKey === undefined) problems.push('GUARDPASS_DATA_KEY is required with PostgreSQL: every app node must use the same data key (there is no database file to keep a key file beside)')

  const timeZone = env.TZ_DISPLAY?.trim() || 'Asia/Shanghai'
  try {
    new Intl.DateTimeFormat('en', { timeZone }).format(0)
  } catch {
    problems.push(`TZ_DISPLAY must be an IANA time zone such as Asia/Shanghai (got "${timeZone}")`)
  }

  const defaultLanguage = env.DEFAULT_LANGUAGE?.trim().toLowerCase() || DEFAULT_LOCALE
  if (!isLocale(defaultLanguage)) problems.push(`DEFAULT_LANGUAGE must be one of ${LOCALES.join(', ')} (got "${env.DEFAULT_LANGUAGE}")`)

  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env.LOG_LEVEL}")`)

  const viewCache = !bool('GUARDPASS_DEV', false)

  const bookExitRaw = env.PRACTICE_BOOK_EXIT?.trim() || '2'
  const practiceBookExit = Number(bookExitRaw)
  if (!/^\d{1,2}$/.test(bookExitRaw) || practiceBookExit < 1 || practiceBookExit > 10) problems.push(`PRACTICE_BOOK_EXIT must be a whole number from 1 to 10 (got "${bookExitRaw}")`)

  if (problems.length > 0) throw new ConfigError(problems)
  return Object.freeze({ port, host, databasePath, databaseUrl, databasePoolSize, filesDir, publicUrl, trustProxy, cookieSecure, demo, dataKey, timeZone, defaultLanguage: defaultLanguage as Locale, viewCache, practiceBookExit, logLevel })
}
