import { describe, test, expect } from 'vitest'
import { dom, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, who: keyof World['users']) => t.app.inject({ url, headers: { cookie: w.cookie(who) } })

describe('waiting work is one tap away', () => {
  test('the police dashboard’s pending counts link to the list of those applications, which leads to each one', async () => {
    const applicationId = await w.application()
    const dashboard = dom((await get('/jurisdiction', 'policeD1')).body)
    const cell = dashboard.querySelector('tbody tr td[data-label="Applications waiting"] a')!
    expect(cell.text).toBe('1')
    const href = cell.getAttribute('href')!
    expect(href).toBe(`/sittings?enterprise=${w.ids.entA}#pending`)
    expect(dashboard.querySelector('tfoot a[href="/sittings#pending"]')!.text).toBe('1')

    const list = dom((await get(href.replace(/#.*/, ''), 'policeD1')).body)
    const pending = list.querySelector('#pending')!
    expect(pending.querySelector('h2')!.text).toContain('1')
    expect(pending.querySelectorAll(`a[href="/applications/${applicationId}"]`)).toHaveLength(1)
    expect(pending.querySelector('.pager')).toBeNull() // one page: no pages to turn
    // The sittings table says how many wait at each sitting, linking to its applications.
    expect(list.querySelector('table:not(#pending table) a.badge.warn')!.getAttribute('href')).toMatch(/^\/sittings\/\d+#applications$/)
    // The station below follows its guards' applications too; the other district sees none.
    expect(dom((await get('/sittings', 'policeS1')).body).querySelectorAll(`#pending a[href="/applications/${applicationId}"]`)).toHaveLength(1)
    const other = dom((await get('/sittings', 'policeS2')).body)
    expect(other.querySelector('#pending h2')!.text).toContain('0')
    expect(other.querySelectorAll(`a[href="/applications/${applicationId}"]`)).toHaveLength(0)
    // An enterprise outside the officer's subtree filters nothing in: the whole list, not B's.
    expect(dom((await get(`/sittings?enterprise=${w.ids.entB}`, 'policeD1')).body).querySelector('#pending h2')!.text).not.toContain('Enterprise B')
  })
})
