import { describe, test, expect, vi } from 'vitest'
import { buildTestApp, createUser, sessionOf, type TestApp } from '../../helpers/app.js'

/** Renders a handful of pages and fragments as an admin and a visitor would ask for them. */
async function renderSome (t: TestApp, cookie: string) {
  for (const [url, headers] of [
    ['/login', {}],
    ['/verify', {}],
    ['/', { cookie }],
    ['/admin/accounts', { cookie }],
    ['/admin/accounts', { cookie, 'hx-request': 'true' }], // the fragment alone, no layout
    ['/admin/audit', { cookie }]
  ] as const) {
    const res = await t.app.inject({ method: 'GET', url, headers })
    expect(res.statusCode, url).toBe(200)
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(res.headers.vary).toContain('HX-Request')
  }
}

describe('rendering through @fastify/view', () => {
  test('in production a template is compiled once: rendering the same pages again compiles nothing', async () => {
    const t = await buildTestApp()
    try {
      const admin = await createUser(t.db, 'render.admin', 'admin')
      const cookie = await sessionOf(t, admin.id)
      const compile = vi.spyOn(t.app.views, 'compile')
      await renderSome(t, cookie)
      const first = compile.mock.calls.length
      expect(first).toBeGreaterThan(5) // pages, the layout and their includes, each once
      await renderSome(t, cookie)
      await renderSome(t, cookie)
      expect(compile.mock.calls.length).toBe(first)
      expect(t.app.views.config.cache).toBe(true) // @fastify/view's configure() at each render left it on
    } finally {
      await t.close()
    }
  })

  test('a page has the layout, an htmx request gets the template alone', async () => {
    const t = await buildTestApp()
    try {
      const full = await t.app.inject({ method: 'GET', url: '/login' })
      const part = await t.app.inject({ method: 'GET', url: '/login', headers: { 'hx-request': 'true' } })
      expect(full.body).toMatch(/^<!doctype html>/)
      expect(part.body).not.toContain('<html')
      expect(full.body).toContain(part.body.trim().slice(0, 60))
    } finally {
      await t.close()
    }
  })

  test('with GUARDPASS_DEV=on (npm run dev) templates are read and compiled at every render', async () => {
    const t = await buildTestApp({ GUARDPASS_DEV: 'on' })
    try {
      const compile = vi.spyOn(t.app.views, 'compile')
      await t.app.inject({ method: 'GET', url: '/login' })
      const first = compile.mock.calls.length
      await t.app.inject({ method: 'GET', url: '/login' })
      expect(compile.mock.calls.length).toBe(2 * first)
    } finally {
      await t.close()
    }
  })
})
