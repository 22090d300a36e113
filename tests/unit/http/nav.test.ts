import { describe, test, expect } from 'vitest'
import { NAV, HOME_LINKS, isCurrent } from '../../../src/http/nav.js'

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

describe('one menu per role', () => {
  test('the landing page has a card for every bar entry but home, plus the places the bar leaves out', () => {
    for (const role of ['trainee', 'trainer', 'police', 'admin'] as const) {
      const cards = HOME_LINKS[role].map((l) => l.href)
      expect(NAV[role].map((i) => i.href).filter((h) => h !== '/').every((h) => cards.includes(h))).toBe(true)
      expect(NAV[role].length).toBeLessThanOrEqual(7) // fits a phone's bar
    }
    expect(HOME_LINKS.trainer.map((l) => l.href).filter((h) => !NAV.trainer.some((i) => i.href === h))).toEqual(['/roster/import', '/curricula'])
    expect(HOME_LINKS.police.find((l) => l.href === '/jurisdiction/verify')?.label).toBe('verify.title')
    expect(NAV.police.find((l) => l.href === '/jurisdiction/verify')?.label).toBe('nav.verify')
  })
})

describe('what each role can reach from the navigation', () => {
  test('a trainer reaches cohorts (班组) directly', () => {
    expect(NAV.trainer.map((i) => i.href)).toContain('/cohorts')
    expect(current('trainer', '/cohorts/7')).toEqual(['/cohorts'])
  })
})
