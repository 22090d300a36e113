import { describe, test, expect } from 'vitest'
import { dom, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const get = (url: string, cookie: string) => t.app.inject({ method: 'GET', url, headers: { cookie } })

describe('the readiness roster', () => {
  test('a guard with a valid certificate shows as certified with the number, not as "not yet"; eligibility is unchanged', async () => {
    const p = await w.addPerson(w.ids.entA, '持证者', { certificate: true, duty: 'on-duty' })
    const res = await get('/readiness/roster', w.cookie('trainerA'))
    expect(res.statusCode).toBe(200)
    const row = dom(res.body).querySelectorAll('tbody tr').find((r) => r.querySelector(`a[href="/readiness/people/${p.traineeId}"]`))!
    const cells = row.querySelectorAll('td')
    expect(cells[3]!.querySelector('.badge')!.text).toBe('Certified')
    expect(cells[3]!.text).toMatch(/No exam application needed/)
    expect(cells[2]!.querySelector('.certificate-no')!.text).toMatch(/^CERT\d+$/)
    // An uncertified person of the same roster still shows their readiness and its first reason.
    const other = dom(res.body).querySelectorAll('tbody tr').find((r) => r.querySelector(`a[href="/readiness/people/${w.ids.personA}"]`))!
    expect(other.querySelectorAll('td')[3]!.querySelector('.badge')!.text).toBe('Not yet')
    expect(dom(res.body).querySelector('hgroup p')!.text).toMatch(/1 already hold a valid certificate/)
    // The person page says so too, while the checklist keeps the eligibility.
    const page = dom((await get(`/readiness/people/${p.traineeId}`, w.cookie('trainerA'))).body)
    expect(page.querySelector('.certified')!.text).toMatch(/Certified\s+Holds certificate CERT\d+/)
    expect(page.querySelector('.readiness-status')!.text).toMatch(/Not yet/)
  })
})
