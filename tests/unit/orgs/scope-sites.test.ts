import { describe, test, expect } from 'vitest'
import { siteAccess, personVisible, policeScope, trainerScope, traineeScope, adminScope, type TreeNode } from '../../../src/features/orgs/scope.js'

//   1 city
//   ├── 2 district ── 4 station, 5 station
//   └── 3 district ── 6 station
const TREE: TreeNode[] = [
  { id: 1, parentId: null }, { id: 2, parentId: 1 }, { id: 3, parentId: 1 },
  { id: 4, parentId: 2 }, { id: 5, parentId: 2 }, { id: 6, parentId: 3 }
]
// Enterprise 10 is registered with station 4 and manages a site in station 6's area.
const away = { jurisdictionId: 6, enterpriseId: 10, enterpriseJurisdictionId: 4 }
const home = { jurisdictionId: 4, enterpriseId: 10, enterpriseJurisdictionId: 4 }

describe('managed sites in the scoping rules', () => {
  test('the station of the site\'s area reads it although the enterprise is registered elsewhere; so do its district and the city', () => {
    expect(siteAccess(policeScope(6, TREE), away)).toBe('read')
    expect(siteAccess(policeScope(3, TREE), away)).toBe('read')
    expect(siteAccess(policeScope(1, TREE), away)).toBe('read')
  })

  test('the station of the enterprise\'s registration reads all its sites; an unrelated station reads none', () => {
    expect(siteAccess(policeScope(4, TREE), away)).toBe('read')
    expect(siteAccess(policeScope(5, TREE), away)).toBeNull()
    expect(siteAccess(policeScope(6, TREE), home)).toBeNull()
  })

  test('the managing enterprise\'s trainers manage it; another\'s, a trainee and nobody see nothing; the administrator reads', () => {
    expect(siteAccess(trainerScope(10), away)).toBe('manage')
    expect(siteAccess(trainerScope(11), away)).toBeNull()
    expect(siteAccess(traineeScope(7), away)).toBeNull()
    expect(siteAccess({ kind: 'none' }, away)).toBeNull()
    expect(siteAccess(adminScope(), away)).toBe('read')
  })

  test('a guard posted at a site is seen by the station of its area, and by nobody else it does not already see', () => {
    const posted = { traineeId: 7, employment: { enterpriseId: 10, enterpriseJurisdictionId: 4, siteJurisdictionId: 6 } }
    const notPosted = { traineeId: 8, employment: { enterpriseId: 10, enterpriseJurisdictionId: 4, siteJurisdictionId: null } }
    expect(personVisible(policeScope(6, TREE), posted)).toBe(true)
    expect(personVisible(policeScope(6, TREE), notPosted)).toBe(false)
    expect(personVisible(policeScope(4, TREE), posted)).toBe(true)
    expect(personVisible(policeScope(5, TREE), posted)).toBe(false)
    expect(personVisible(trainerScope(10), posted)).toBe(true)
    expect(personVisible(trainerScope(11), posted)).toBe(false)
    expect(personVisible(traineeScope(7), posted)).toBe(true)
    expect(personVisible(traineeScope(8), posted)).toBe(false)
    expect(personVisible(policeScope(1, TREE), { traineeId: 9, employment: null })).toBe(false)
    expect(personVisible(adminScope(), { traineeId: 9, employment: null })).toBe(true)
  })
})
