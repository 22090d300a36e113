import { describe, test, expect } from 'vitest'
import { readForm } from '../../../src/lib/form.js'
import { loadConfig, ConfigError } from '../../../src/config.js'
import { safeLocalPath } from '../../../src/http/render.js'
import { isSameOriginRequest } from '../../../src/http/security.js'
import { localDate } from '../../../src/lib/time.js'

describe('readForm', () => {
  const spec = { name: { required: true, max: 5 }, note: { max: 3 }, pw: { max: 10, raw: true } }
  test('trims, checks required and length (in characters, not bytes)', () => {
    const r = readForm({ name: '  张三丰  ', note: '', pw: ' a b ' }, spec)
    expect(r.ok).toBe(true)
    expect(r.values).toEqual({ name: '张三丰', note: '', pw: ' a b ' })
  })
  test('reports every problem at once', () => {
    const r = readForm({ name: '', note: 'toolong', pw: ['x'] }, spec)
    expect(r.errors).toEqual({ name: 'form.required', note: 'form.too-long', pw: 'form.invalid' })
  })
  test('a body that is not an object gives required errors, not a crash', () => {
    expect(readForm(null, spec).errors).toEqual({ name: 'form.required' })
    expect(readForm('text', spec).errors).toEqual({ name: 'form.required' })
  })
})

describe('loadConfig', () => {
  test('defaults', () => {
    const c = loadConfig({}, '/srv/gp')
    expect(c.port).toBe(3000)
    expect(c.host).toBe('127.0.0.1')
    expect(c.databasePath).toBe('/srv/gp/data/guardpass.db')
    expect(c.databaseUrl).toBeUndefined()
    expect(c.filesDir).toBe('/srv/gp/data/guardpass-photos')
    expect(c.publicUrl.href).toBe('http://localhost:3000/')
    expect(c.trustProxy).toBe(false)
    expect(c.cookieSecure).toBe(false)
    expect(c.demo).toBe(true)
    expect(c.defaultLanguage).toBe('zh')
    expect(loadConfig({ DEFAULT_LANGUAGE: 'EN' }).defaultLanguage).toBe('en')
    expect(Object.isFrozen(c)).toBe(true)
  })
  test('https PUBLIC_URL turns secure cookies on unless told otherwise', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://gp.example.cn' }).cookieSecure).toBe(true)
    expect(loadConfig({ PUBLIC_URL: 'https://gp.example.cn', COOKIE_SECURE: 'off' }).cookieSecure).toBe(false)
  })
  test('DATABASE_URL: a postgres:// address selects PostgreSQL (and needs the data key); a file path selects SQLite', () => {
    const key = 'ab'.repeat(32)
    const pg = loadConfig({ DATABASE_URL: 'postgres://gp@db.example.cn/guardpass', GUARDPASS_DATA_KEY: key, FILES_DIR: '/mnt/shared/files' }, '/srv/gp')
    expect(pg.databaseUrl).toBe('postgres://gp@db.example.cn/guardpass')
    expect(pg.filesDir).toBe('/mnt/shared/files')
    expect(pg.databasePoolSize).toBe(10)
    expect(loadConfig({ DATABASE_URL: 'postgresql://gp@/guardpass?host=/run/pg', GUARDPASS_DATA_KEY: key, DATABASE_POOL_SIZE: '20' }).databasePoolSize).toBe(20)
    const file = loadConfig({ DATABASE_URL: './d/gp.db' }, '/srv/gp')
    expect(file.databaseUrl).toBeUndefined()
    expect(file.databasePath).toBe('/srv/gp/d/gp.db')
    expect(file.filesDir).toBe('/srv/gp/d/gp-photos')
    // The same file under both names is fine; two different ones, another scheme, or PostgreSQL without the key are not.
    expect(loadConfig({ DATABASE_URL: './d/gp.db', DATABASE_PATH: '/srv/gp/d/gp.db' }, '/srv/gp').databasePath).toBe('/srv/gp/d/gp.db')
    const problems = (env: Record<string, string>) => { try { loadConfig(env, '/srv/gp'); return '' } catch (err) { return (err as ConfigError).problems.join('\n') } }
    expect(problems({ DATABASE_URL: './a.db', DATABASE_PATH: './b.db' })).toContain('different SQLite files')
    expect(problems({ DATABASE_URL: 'mysql://gp:secret@db/gp' })).toMatch(/postgres:\/\/ address or a SQLite file path/)
    expect(problems({ DATABASE_URL: 'mysql://gp:secret@db/gp' })).not.toContain('secret')
    expect(problems({ DATABASE_URL: 'postgres://gp@db/gp' })).toContain('GUARDPASS_DATA_KEY is required with PostgreSQL')
    expect(problems({ DATABASE_URL: 'postgres://gp@db/gp', GUARDPASS_DATA_KEY: key, DATABASE_POOL_SIZE: '0' })).toContain('DATABASE_POOL_SIZE')
  })
  test('every bad variable is listed together', () => {
    try {
      loadConfig({ PORT: 'eighty', PUBLIC_URL: 'not a url', TRUST_PROXY: 'maybe', GUARDPASS_DEMO: '2', GUARDPASS_DATA_KEY: 'abc', TZ_DISPLAY: 'Mars/Base', DEFAULT_LANGUAGE: 'fr' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const problems = (err as ConfigError).problems.join('\n')
      for (const name of ['PORT', 'PUBLIC_URL', 'TRUST_PROXY', 'GUARDPASS_DEMO', 'GUARDPASS_DATA_KEY', 'TZ_DISPLAY', 'DEFAULT_LANGUAGE']) expect(problems).toContain(name)
    }
  })
})

describe('request helpers', () => {
  test.each([
    ['/exams/3?x=1', '/exams/3?x=1'],
    ['//evil.example', '/'],
    ['https://evil.example', '/'],
    ['/\\evil.example', '/'],
    ['/a\r\nSet-Cookie: x', '/'],
    [undefined, '/']
  ])('safeLocalPath(%j) = %j', (input, expected) => {
    expect(safeLocalPath(input)).toBe(expected)
  })

  const url = new URL('https://gp.example.cn')
  test.each([
    [{ 'sec-fetch-site': 'same-origin' }, true],
    [{ 'sec-fetch-site': 'same-site' }, false],
    [{ 'sec-fetch-site': 'none' }, false],
    [{ origin: 'https://gp.example.cn' }, true],
    [{ origin: 'https://gp.example.cn.evil.example' }, false],
    [{ origin: 'http://gp.example.cn' }, false],
    [{ origin: 'https://gp.example.cn:8443' }, false],
    [{ origin: 'https://gp.example.cn:443' }, true],
    [{ origin: 'garbage' }, false],
    [{}, false]
  ])('isSameOriginRequest(%j) = %s', (headers, expected) => {
    expect(isSameOriginRequest({ headers }, url)).toBe(expected)
  })

  test('local dates are counted in China Standard Time', () => {
    // 2026-03-01 17:30 UTC is already 2 March in Shanghai.
    expect(localDate(Date.UTC(2026, 2, 1, 17, 30), 'Asia/Shanghai')).toBe('2026-03-02')
    expect(localDate(Date.UTC(2026, 2, 1, 15, 59), 'Asia/Shanghai')).toBe('2026-03-01')
  })

  test('a local date asked again in the same second (it is remembered) is right across midnight, per zone', () => {
    const midnight = Date.UTC(2026, 2, 1, 16, 0, 0) // 00:00 on 2 March in Shanghai
    expect(localDate(midnight - 1, 'Asia/Shanghai')).toBe('2026-03-01')
    expect(localDate(midnight - 999, 'Asia/Shanghai')).toBe('2026-03-01')
    expect(localDate(midnight, 'Asia/Shanghai')).toBe('2026-03-02')
    expect(localDate(new Date(midnight + 999), 'Asia/Shanghai')).toBe('2026-03-02')
    // The same instant in another zone is its own answer, and does not disturb Shanghai's.
    expect(localDate(midnight, 'UTC')).toBe('2026-03-01')
    expect(localDate(midnight + 1, 'Asia/Shanghai')).toBe('2026-03-02')
    expect(localDate(midnight - 1, 'Asia/Shanghai')).toBe('2026-03-01')
    // Before 1970 (negative instants) the second is floored, not truncated towards zero.
    expect(localDate(Date.UTC(1969, 11, 31, 23, 59, 59, 500), 'UTC')).toBe('1969-12-31')
    expect(localDate(Date.UTC(1970, 0, 1, 0, 0, 0, 0), 'UTC')).toBe('1970-01-01')
    expect(() => localDate(Number.NaN, 'UTC')).toThrow()
  })
})
