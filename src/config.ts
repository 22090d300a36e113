import path from 'node:path'
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from './i18n/index.js'

export interface Config {
  readonly port: number
  readonly host: string
  readonly databasePath: string
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
  const databasePath = path.resolve(cwd, env.DATABASE_PATH?.trim() || './data/guardpass.db')

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
  return Object.freeze({ port, host, databasePath, publicUrl, trustProxy, cookieSecure, demo, dataKey, timeZone, defaultLanguage: defaultLanguage as Locale, viewCache, practiceBookExit, logLevel })
}
