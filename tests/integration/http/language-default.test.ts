import { describe, test, expect, afterAll } from 'vitest'
import { buildTestApp, dom, type TestApp } from '../../helpers/app.js'

// These apps keep the deployment's own default (the test helper sets English for the other tests).
const apps: TestApp[] = []
afterAll(async () => { for (const a of apps) await a.close() })
const build = async (env: Record<string, string> = {}) => { const a = await buildTestApp({ DEFAULT_LANGUAGE: '', ...env }); apps.push(a); return a }

describe('the interface language when the browser does not ask for ours', () => {
  test('a browser that sends no Accept-Language gets Chinese', async () => {
    const t = await build()
    const page = await t.app.inject('/login')
    expect(dom(page.body).querySelector('html')!.getAttribute('lang')).toBe('zh-CN')
    expect(dom(page.body).querySelector('h1')!.text).toBe('登录')
  })

  test('a browser that asks only for languages we do not have gets Chinese; one that asks for English gets English', async () => {
    const t = await build()
    expect(dom((await t.app.inject({ url: '/login', headers: { 'accept-language': 'fr-FR,de;q=0.8' } })).body).querySelector('h1')!.text).toBe('登录')
    expect(dom((await t.app.inject({ url: '/login', headers: { 'accept-language': 'en-GB,en;q=0.9' } })).body).querySelector('h1')!.text).toBe('Sign in')
  })

  test('an error page made before the language is read (a cross-site form refused) is Chinese too', async () => {
    const t = await build()
    const res = await t.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }, payload: 'username=x&password=y' })
    expect(res.statusCode).toBe(403)
    expect(dom(res.body).querySelector('html')!.getAttribute('lang')).toBe('zh-CN')
  })

  test('DEFAULT_LANGUAGE=en makes English the deployment default; Accept-Language still wins', async () => {
    const t = await build({ DEFAULT_LANGUAGE: 'en' })
    expect(dom((await t.app.inject('/login')).body).querySelector('h1')!.text).toBe('Sign in')
    expect(dom((await t.app.inject({ url: '/login', headers: { 'accept-language': 'zh-CN' } })).body).querySelector('h1')!.text).toBe('登录')
  })
})
