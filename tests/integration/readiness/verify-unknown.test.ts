import { describe, test, expect } from 'vitest'
import { dom, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const zh = { 'accept-language': 'zh-CN' }

describe('an unknown verification code', () => {
  test('the public page says the code was not found and what to check, with status 404 and the form to try again', async () => {
    const res = await t.app.inject({ url: '/verify/2222-3333-4444', headers: zh })
    expect(res.statusCode).toBe(404)
    const page = dom(res.body)
    expect(page.querySelector('h2')!.text).toBe('未找到该核验码')
    expect(res.body).not.toContain('页面不存在')
    const checks = page.querySelectorAll('#verify-not-found li').map((li) => li.text)
    expect(checks[0]).toContain('12 位')
    expect(checks[1]).toContain('过期')
    expect(page.querySelector('input[name=code]')!.getAttribute('value')).toBe('2222-3333-4444')
    // The JSON answer stays a plain 404.
    const api = await t.app.inject({ url: '/api/verify/2222-3333-4444' })
    expect(api.statusCode).toBe(404)
    expect(api.json()).toMatchObject({ error: 'verify.unknown' })
  })

  test('a police officer verifying in the app gets the same explanation', async () => {
    const res = await t.app.inject({ url: '/jurisdiction/verify?code=2222-3333-4444', headers: { cookie: w.cookie('policeS1'), ...zh } })
    expect(res.statusCode).toBe(404)
    expect(dom(res.body).querySelector('#verify-not-found h2')!.text).toBe('未找到该核验码')
  })
})
