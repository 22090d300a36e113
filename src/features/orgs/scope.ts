/**
 * Who may see whose people data: one function per role. Every read of people
 * data takes the Scope these build; routes never filter people by hand.
 * Pure: the caller passes the facts (the actor's trainee id, enterprise,
 * jurisdiction and the jurisdiction tree).
 */
export type Scope =
  | { kind: 'self', traineeId: number }
  | { kind: 'enterprise', enterpriseId: number }
  | { kind: 'jurisdictions', jurisdictionIds: number[] }
  | { kind: 'all' }
  | { kind: 'none' }

export interface TreeNode { id: number, parentId: number | null }

/** A trainee sees themself only. */
export function traineeScope (traineeId: number | undefined): Scope {
  return traineeId ? { kind: 'self', traineeId } : { kind: 'none' }
}

/** A trainer sees the people currently employed by their enterprise. */
export function trainerScope (enterpriseId: number | null): Scope {
  return enterpriseId ? { kind: 'enterprise', enterpriseId } : { kind: 'none' }
}

/** A police officer sees people employed by enterprises in their jurisdiction's subtree. */
export function policeScope (jurisdictionId: number | null, tree: readonly TreeNode[]): Scope {
  if (!jurisdictionId || !tree.some((n) => n.id === jurisdictionId)) return { kind: 'none' }
  return { kind: 'jurisdictions', jurisdictionIds: subtree(tree, jurisdictionId) }
}

/** An administrator sees everyone. */
export function adminScope (): Scope {
  return { kind: 'all' }
}

/** The ids of a node and all its descendants, breadth first. */
export function subtree (tree: readonly TreeNode[], rootId: number): number[] {
  const children = new Map<number, number[]>()
  for (const n of tree) {
    if (n.parentId === null) continue
    const list = children.get(n.parentId) ?? []
    list.push(n.id)
    children.set(n.parentId, list)
  }
  const out: number[] = []
  const seen = new Set<number>()
  const queue = [rootId]
  while (queue.length > 0) {
    const id = queue.shift()!
    if (seen.has(id)) continue
    seen.add(id)
    out.push(id)
    queue.push(...(children.get(id) ?? []))
  }
  return out
}

/** A node and its ancestors up to the root, nearest first (a cycle in bad data stops the walk). */
export function ancestors (tree: readonly TreeNode[], id: number): number[] {
  const parent = new Map(tree.map((n) => [n.id, n.parentId]))
  const out: number[] = []
  let at: number | null | undefined = parent.has(id) ? id : undefined
  while (at != null && !out.includes(at)) { out.push(at); at = parent.get(at) }
  return out
}

/**
 * The jurisdictions whose exam sittings an actor sees: a trainer, their enterprise's jurisdiction
 * and its ancestors (a sitting of any of them is open to the enterprise); a police officer, their
 * subtree and their ancestors (a station sees the district's sittings its guards apply for, but
 * only its own guards' applications to them); anyone else none.
 */
export function sittingJurisdictions (f: { role: ScopeFacts['role'], enterpriseJurisdictionId: number | null, jurisdictionId: number | null, tree: readonly TreeNode[] }): number[] {
  if (f.role === 'trainer') return f.enterpriseJurisdictionId ? ancestors(f.tree, f.enterpriseJurisdictionId) : []
  if (f.role !== 'police' || !f.jurisdictionId) return []
  const own = policeScope(f.jurisdictionId, f.tree)
  return [...new Set([...(own.kind === 'jurisdictions' ? own.jurisdictionIds : []), ...ancestors(f.tree, f.jurisdictionId)])]
}

export interface ScopeFacts {
  role: 'trainee' | 'trainer' | 'police' | 'admin'
  traineeId?: number
  enterpriseId: number | null
  jurisdictionId: number | null
  tree: readonly TreeNode[]
}

export function scopeFor (f: ScopeFacts): Scope {
  switch (f.role) {
    case 'trainee': return traineeScope(f.traineeId)
    case 'trainer': return trainerScope(f.enterpriseId)
    case 'police': return policeScope(f.jurisdictionId, f.tree)
    case 'admin': return adminScope()
  }
}

// ---- managed sites: a station also sees what lies in its area ----

/** Where a site is: the station whose area it lies in, and the enterprise managing it (with that enterprise's registration). */
export interface SiteFacts { jurisdictionId: number, enterpriseId: number, enterpriseJurisdictionId: number }

/**
 * What an actor may do with a managed site: the managing enterprise's trainers manage it; police
 * read it when their subtree holds the site's area (a station sees the sites in its area whoever
 * manages them; a district its stations' sites) or the enterprise's registration; an
 * administrator reads every site. Anyone else: nothing (the route answers 404).
 */
export function siteAccess (scope: Scope, site: SiteFacts): 'manage' | 'read' | null {
  switch (scope.kind) {
    case 'enterprise': return scope.enterpriseId === site.enterpriseId ? 'manage' : null
    case 'jurisdictions': return scope.jurisdictionIds.includes(site.jurisdictionId) || scope.jurisdictionIds.includes(site.enterpriseJurisdictionId) ? 'read' : null
    case 'all': return 'read'
    default: return null
  }
}

/** A person's current employment as the scope rule needs it (null: not employed now); siteJurisdictionId: the area of the site they are posted at. */
export interface EmploymentFacts { enterpriseId: number, enterpriseJurisdictionId: number, siteJurisdictionId: number | null }

/**
 * Whether a scope holds a person (the rule scopeCondition in queries.ts writes in SQL): the trainee
 * themself; the employer's trainers; police whose subtree holds the employer's registration, or the
 * area of the site the guard is posted at (read-only: police never change people); the administrator.
 */
export function personVisible (scope: Scope, person: { traineeId: number, employment: EmploymentFacts | null }): boolean {
  const e = person.employment
  switch (scope.kind) {
    case 'self': return scope.traineeId === person.traineeId
    case 'enterprise': return e !== null && e.enterpriseId === scope.enterpriseId
    case 'jurisdictions': return e !== null && (scope.jurisdictionIds.includes(e.enterpriseJurisdictionId) || (e.siteJurisdictionId !== null && scope.jurisdictionIds.includes(e.siteJurisdictionId)))
    case 'all': return true
    case 'none': return false
  }
}
