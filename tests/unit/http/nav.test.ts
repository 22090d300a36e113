import { describe, test, expect } from 'vitest'
import { NAV, isCurrent } from '../../../src/http/nav.js'

const current = (role: keyof typeof NAV, path: string) => NAV[role].filter((i) => isCurrent(i.href, path, NAV[role])).map((i) => i.href)

describe('the current navigation entry', () => {
  test('only the most specific entry is current', () => {
    expect(current('police', '/jurisdiction/verify')).toEqual(['/jurisdiction/verify'])
    expect(current('police', '/jurisdiction/enterprises/3')).toEqual(['/jurisdiction'])
    expect(current('trainer', '/readiness/roster')).toEqual(['/readiness/roster'])
    expect(current('trainee', '/')).toEqual(['/'])
    expect(current('trainee', '/exams/attempts/4?page=2')).toEqual(['/exams'])
  })
})

describe('what each role can reach from the navigation', () => {
  test('a trainer reaches cohorts (班组) directly', () => {
    expect(NAV.trainer.map((i) => i.href)).toContain('/cohorts')
    expect(current('trainer', '/cohorts/7')).toEqual(['/cohorts'])
  })
})
