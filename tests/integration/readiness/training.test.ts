import { describe, test, expect } from 'vitest'
import { dom, postForm, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { makeEligible } from '../../helpers/readiness.js'
import { curricula, assignments } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const checklist = async (traineeId: number) => {
  const res = await t.app.inject({ method: 'GET', url: `/readiness/people/${traineeId}`, headers: { cookie: w.cookie('trainerA') } })
  expect(res.statusCode).toBe(200)
  return dom(res.body)
}

// The readiness rule "every assigned mandatory curriculum complete", read from the learning area's real assignments.
describe('assigned training and readiness', () => {
  test('an open mandatory curriculum makes an otherwise eligible guard "not yet", naming it; an optional one does not count', async () => {
    const p = await w.addPerson(w.ids.entA, 'Trainee In Training')
    await makeEligible(t, p.traineeId, w.users.trainerA)
    expect((await checklist(p.traineeId)).querySelector('.readiness-status')!.text.trim()).toBe('Eligible')

    const made = await postForm(t, '/curricula', w.cookie('trainerA'), { title: 'Night patrol basics', course: 'law' })
    expect(made.statusCode).toBe(303)
    const curriculumId = (await t.db.select().from(curricula)).find((c) => c.title === 'Night patrol basics')!.id

    const optional = await postForm(t, `/curricula/${curriculumId}/assignments`, w.cookie('trainerA'), { trainee: String(p.traineeId), mandatory: 'no', dueOn: '2026-12-20' })
    expect(optional.statusCode).toBe(303)
    expect((await checklist(p.traineeId)).querySelector('.readiness-status')!.text.trim()).toBe('Eligible')

    const mandatory = await postForm(t, `/curricula/${curriculumId}/assignments`, w.cookie('trainerA'), { trainee: String(p.traineeId), mandatory: 'yes', dueOn: '2026-12-20' })
    expect(mandatory.statusCode).toBe(303)
    const page = await checklist(p.traineeId)
    expect(page.querySelector('.readiness-status')!.text.trim()).toBe('Not yet')
    expect(page.querySelector('main')!.text).toContain('Night patrol basics')
    // A statement is refused while it is open.
    expect((await postForm(t, `/readiness/people/${p.traineeId}/statements`, w.cookie('trainerA'), {})).statusCode).toBe(422)

    // Withdrawn, the guard is eligible again.
    for (const a of (await t.db.select().from(assignments)).filter((x) => x.traineeId === p.traineeId && x.mandatory)) {
      expect((await postForm(t, `/assignments/${a.id}/delete`, w.cookie('trainerA'), {})).statusCode).toBe(303)
    }
    expect((await checklist(p.traineeId)).querySelector('.readiness-status')!.text.trim()).toBe('Eligible')
  })
})
