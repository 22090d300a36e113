import { describe, test, expect } from 'vitest'
import Fastify from 'fastify'
import { loadConfig } from '../../../src/config.js'
import Database from 'better-sqlite3'
import { errorPlugin } from '../../../src/http/error-handler.js'

// The error handler alone, on a bare Fastify app: what a database refusal becomes.
describe('error handler', () => {
  test('a unique-key refusal (two requests racing to create the same thing) is a 409 with a message, not a 500', async () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE names (name TEXT NOT NULL UNIQUE)')
    const app = Fastify()
    app.decorate('config', loadConfig({ DEFAULT_LANGUAGE: 'en' }))
    await app.register(errorPlugin)
    app.post('/api/names', async () => {
      db.prepare('INSERT INTO names (name) VALUES (?)').run('Night shift')
      return { ok: true }
    })
    app.post('/api/broken', async () => {
      db.prepare('INSERT INTO names (name) VALUES (?)').run(null)
      return { ok: true }
    })
    expect((await app.inject({ method: 'POST', url: '/api/names' })).statusCode).toBe(200)
    const again = await app.inject({ method: 'POST', url: '/api/names' })
    expect(again.statusCode).toBe(409)
    expect(again.json()).toMatchObject({ error: 'errors.conflict' })
    // Other constraint failures are still server errors: they are bugs, not races.
    expect((await app.inject({ method: 'POST', url: '/api/broken' })).statusCode).toBe(500)
    await app.close()
    db.close()
  })
})
