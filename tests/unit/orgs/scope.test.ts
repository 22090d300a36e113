import { describe, test, expect } from 'vitest'
import { traineeScope, trainerScope, policeScope, adminScope, scopeFor, subtree, ancestors, sittingJurisdictions, type TreeNode } from '../../../src/features/orgs/scope.js'

//   1 city
//   ├── 2 district ── 4 station, 5 station
//   └── 3 district ── 6 station
const TREE: TreeNode[] = [
  { id: 1, parentId: null }, { id: 2, parentId: 1 }, { id: 3, parentId: 1 },
  { id: 4, parentId: 2 }, { id: 5, parentId: 2 }, { id: 6, parentId: 3 }
]

describe('scoping functions', () => {
  test('a trainee sees themself, or nothing without a person record', () => {
    expect(traineeScope(7)).toEqual({ kind: 'self', traineeId: 7 })
    expect(traineeScope(undefined)).toEqual({ kind: 'none' })
  })

  test('a trainer sees their enterprise, or nothing without one', () => {
    expect(trainerScope(3)).toEqual({ kind: 'enterprise', enterpriseId: 3 })
    expect(trainerScope(null)).toEqual({ kind: 'none' })
  })

  test('a station officer sees the station; a district officer every station below; a city officer all', () => {
    expect(policeScope(4, TREE)).toEqual({ kind: 'jurisdictions', jurisdictionIds: [4] })
    expect(policeScope(2, TREE)).toEqual({ kind: 'jurisdictions', jurisdictionIds: [2, 4, 5] })
    expect(policeScope(1, TREE)).toEqual({ kind: 'jurisdictions', jurisdictionIds: [1, 2, 3, 4, 5, 6] })
  })

  test('an officer without a jurisdiction, or with an unknown one, sees nothing', () => {
    expect(policeScope(null, TREE)).toEqual({ kind: 'none' })
    expect(policeScope(99, TREE)).toEqual({ kind: 'none' })
  })

  test('an administrator sees everyone', () => {
    expect(adminScope()).toEqual({ kind: 'all' })
  })

  test('scopeFor dispatches on the role and ignores facts of other roles', () => {
    expect(scopeFor({ role: 'trainer', enterpriseId: 5, jurisdictionId: 2, tree: TREE })).toEqual({ kind: 'enterprise', enterpriseId: 5 })
    expect(scopeFor({ role: 'police', enterpriseId: 5, jurisdictionId: 3, tree: TREE })).toEqual({ kind: 'jurisdictions', jurisdictionIds: [3, 6] })
    expect(scopeFor({ role: 'trainee', traineeId: 9, enterpriseId: 5, jurisdictionId: null, tree: [] })).toEqual({ kind: 'self', traineeId: 9 })
    expect(scopeFor({ role: 'admin', enterpriseId: null, jurisdictionId: null, tree: [] })).toEqual({ kind: 'all' })
  })

  test('a cycle in the tree does not loop forever', () => {
    expect(subtree([{ id: 1, parentId: 2 }, { id: 2, parentId: 1 }], 1).sort()).toEqual([1, 2])
  })
})

describe('the jurisdictions whose sittings an actor sees', () => {
  // 1 city > 2, 3 districts > 4 (of 2), 5 (of 3) stations.
  const tree: TreeNode[] = [{ id: 1, parentId: null }, { id: 2, parentId: 1 }, { id: 3, parentId: 1 }, { id: 4, parentId: 2 }, { id: 5, parentId: 3 }]
  test('ancestors: the node and every one above it, nearest first; an unknown node has none; a cycle stops', () => {
    expect(ancestors(tree, 4)).toEqual([4, 2, 1])
    expect(ancestors(tree, 9)).toEqual([])
    expect(ancestors([{ id: 1, parentId: 2 }, { id: 2, parentId: 1 }], 1)).toEqual([1, 2])
  })
  test('a trainer sees the sittings of their enterprise\'s station and above; police their subtree and above; others none', () => {
    expect(sittingJurisdictions({ role: 'trainer', enterpriseJurisdictionId: 4, jurisdictionId: null, tree })).toEqual([4, 2, 1])
    expect(sittingJurisdictions({ role: 'trainer', enterpriseJurisdictionId: null, jurisdictionId: null, tree })).toEqual([])
    expect(sittingJurisdictions({ role: 'police', enterpriseJurisdictionId: null, jurisdictionId: 2, tree }).sort()).toEqual([1, 2, 4])
    expect(sittingJurisdictions({ role: 'police', enterpriseJurisdictionId: null, jurisdictionId: 5, tree }).sort()).toEqual([1, 3, 5])
    expect(sittingJurisdictions({ role: 'police', enterpriseJurisdictionId: null, jurisdictionId: 99, tree })).toEqual([])
    expect(sittingJurisdictions({ role: 'admin', enterpriseJurisdictionId: null, jurisdictionId: null, tree })).toEqual([])
    expect(sittingJurisdictions({ role: 'trainee', enterpriseJurisdictionId: 4, jurisdictionId: null, tree })).toEqual([])
  })
})
