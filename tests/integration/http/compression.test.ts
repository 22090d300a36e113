import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { describe, test, expect, beforeAll, afterAll } from 'vitest'
import { buildTestApp, createUser, sessionOf, type TestApp } from '../../helpers/app.js'
import { preferredEncoding } from '../../../src/http/compression.js'
import { STATIC_DIR } from '../../../src/paths.js'

let t: TestApp
let cookie: string
beforeAll(async () => {
  t = await buildTestApp()
  cookie = (await sessionOf(t, (await createUser(t.db, 'zip-admin', 'admin')).id))
})
afterAll(async () => { await t.close() })

const PICO = '/static/vendor/pico-2.1.1.min.css'
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers })

describe('static files go out compressed', () => {
  test('brotli when accepted, else gzip, else as they are; the same bytes once decoded', async () => {
    const raw = fs.readFileSync(path.join(STATIC_DIR, 'vendor/pico-2.1.1.min.css'))
    const br = await get(PICO, { 'accept-encoding': 'gzip, deflate, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.headers.vary).toContain('Accept-Encoding')
    expect(br.headers['cache-control']).toContain('immutable')
    expect(br.rawPayload.length).toBeLessThan(raw.length / 6)
    expect(zlib.brotliDecompressSync(br.rawPayload).equals(raw)).toBe(true)
    const gz = await get(PICO, { 'accept-encoding': 'gzip' })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gz.rawPayload).equals(raw)).toBe(true)
    const plain = await get(PICO)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.rawPayload.equals(raw)).toBe(true)
    expect((await get(PICO, { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip')
  })

  test('each encoding has its own ETag, and a matching If-None-Match gets 304', async () => {
    const br = await get('/static/app.css', { 'accept-encoding': 'br' })
    const etag = br.headers.etag as string
    expect(etag).toMatch(/-br"$/)
    expect((await get('/static/app.css', { 'accept-encoding': 'br', 'if-none-match': etag })).statusCode).toBe(304)
    expect((await get('/static/app.css', { 'accept-encoding': 'gzip', 'if-none-match': etag })).statusCode).toBe(200)
  })

  test('only files of the folder: no way out of it, and unknown files are 404', async () => {
    for (const url of ['/static/../package.json', '/static/%2e%2e/package.json', '/static/vendor/../../package.json', '/static/nope.css', '/static/vendor/app.css']) {
      expect((await get(url)).statusCode, url).toBe(404)
    }
  })
})

describe('pages go out compressed', () => {
  test('a page over 1 kB is compressed for a browser that accepts it', async () => {
    const res = await get('/admin/bank', { cookie, 'accept-encoding': 'br, gzip' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers.vary).toMatch(/HX-Request/)
    expect(res.headers.vary).toMatch(/Accept-Encoding/)
    expect(zlib.brotliDecompressSync(res.rawPayload).toString()).toContain('<html')
    const gz = await get('/login', { 'accept-encoding': 'gzip' })
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toContain('<html')
  })

  test('a small answer is sent as it is', async () => {
    const small = await get('/healthz', { 'accept-encoding': 'br' })
    expect(small.headers['content-encoding']).toBeUndefined()
  })

  test.each([
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip;q=0.5', 'gzip'],
    ['*', 'br'],
    ['identity', null],
    ['', null],
    [undefined, null]
  ])('Accept-Encoding %j -> %s', (header, expected) => {
    expect(preferredEncoding(header)).toBe(expected)
  })
})
