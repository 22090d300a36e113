import { describe, test, expect } from 'vitest'
import { dom, postForm, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

describe('a refused form comes back with what was typed', () => {
  test('renaming a jurisdiction to a name with an invisible character: the row shows the name typed (without it), not the old one', async () => {
    const res = await postForm(t, `/admin/jurisdictions/${w.ids.s1}`, w.cookie('admin'), { name: '东城派出所\u200B' })
    expect(res.statusCode).toBe(422)
    const input = dom(res.body).querySelector(`form[action="/admin/jurisdictions/${w.ids.s1}"] input[name=name]`)!
    expect(input.getAttribute('value')).toBe('东城派出所')
  })

  test('declarations with one answer that is not yes or no: the answers given are still chosen', async () => {
    const res = await postForm(t, `/people/${w.ids.personA}/declarations`, w.cookie('trainerA'), { healthy: 'yes', 'good-conduct': 'no', 'intentional-crime': 'perhaps' })
    expect(res.statusCode).toBe(422)
    const page = dom(res.body)
    expect(page.querySelector('input[name=healthy][value=yes]')!.getAttribute('checked')).not.toBeUndefined()
    expect(page.querySelector('input[name=good-conduct][value=no]')!.getAttribute('checked')).not.toBeUndefined()
    expect(page.querySelector('input[name=healthy][value=no]')!.getAttribute('checked')).toBeUndefined()
  })
})
