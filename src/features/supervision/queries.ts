import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import type { Db, DbOrTx } from '../../db/connection.js'
import { recordAudit, type AuditEntry } from '../audit/index.js'
import {
  checklistItems, inspections, inspectionItems, inspectionGuards, photos, sites, enterprises, jurisdictions, users,
  type CheckResult, type PhotoOwner
} from '../../db/schema.js'
import { siteScopeCondition, readSetting, writeSetting, type Scope } from '../orgs/index.js'
import type { StoredPhoto } from './photos.js'

export { CHECK_RESULTS, type CheckResult } from '../../db/schema.js'

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>

export type ChecklistItem = typeof checklistItems.$inferSelect

// ---- the checklist ----

export function listChecklist (db: DbOrTx, opts: { activeOnly?: boolean } = {}): ChecklistItem[] {
  return db.select().from(checklistItems).where(opts.activeOnly ? eq(checklistItems.active, true) : undefined).orderBy(asc(checklistItems.position), asc(checklistItems.id)).all()
}

export interface ChecklistInput { titleZh: string, titleEn: string, basis: string, position: number, active: boolean }

export function insertChecklistItem (db: Db, item: ChecklistInput, audit: ChangeAudit, now: Date): number {
  return db.transaction((tx) => {
    const id = tx.insert(checklistItems).values({ ...item, updatedAt: now }).returning({ id: checklistItems.id }).get().id
    recordAudit(tx, { ...audit, subjectType: 'checklist-item', subjectId: id, details: { ...item } }, now)
    return id
  }, { behavior: 'immediate' })
}

export function updateChecklistItem (db: Db, id: number, item: ChecklistInput, audit: ChangeAudit, now: Date): boolean {
  return db.transaction((tx) => {
    const before = tx.select().from(checklistItems).where(eq(checklistItems.id, id)).get()
    if (!before) return false
    tx.update(checklistItems).set({ ...item, updatedAt: now }).where(eq(checklistItems.id, id)).run()
    recordAudit(tx, { ...audit, subjectType: 'checklist-item', subjectId: id, details: { before: { titleZh: before.titleZh, titleEn: before.titleEn, basis: before.basis, position: before.position, active: before.active }, after: { ...item } } }, now)
    return true
  }, { behavior: 'immediate' })
}

// ---- inspections ----

export interface NewInspection {
  siteId: number
  enterpriseId: number
  jurisdictionId: number
  inspectedOn: string
  officers: string
  recordedBy: number
  items: Array<{ item: ChecklistItem, result: CheckResult, note: string, photos: Array<StoredPhoto & { contentType: string }> }>
  guards: Array<{ traineeId: number, fullName: string, withoutCertificate: boolean }>
  compliant: number
  applicable: number
}

/** Records an inspection, its items, the guards present and the photos' rows, with its audit entry, in one transaction. */
export function insertInspection (db: Db, n: NewInspection, audit: ChangeAudit, now: Date): number {
  return db.transaction((tx) => {
    const id = tx.insert(inspections).values({
      siteId: n.siteId, enterpriseId: n.enterpriseId, jurisdictionId: n.jurisdictionId, inspectedOn: n.inspectedOn, officers: n.officers,
      compliant: n.compliant, applicable: n.applicable, recordedBy: n.recordedBy, createdAt: now
    }).returning({ id: inspections.id }).get().id
    n.items.forEach((it, i) => {
      const itemId = tx.insert(inspectionItems).values({
        inspectionId: id, checklistItemId: it.item.id, position: i + 1, titleZh: it.item.titleZh, titleEn: it.item.titleEn, basis: it.item.basis, result: it.result, note: it.note
      }).returning({ id: inspectionItems.id }).get().id
      for (const p of it.photos) insertPhotoRow(tx, 'inspection-item', itemId, p, n.recordedBy, now)
    })
    for (const g of n.guards) tx.insert(inspectionGuards).values({ inspectionId: id, ...g }).run()
    recordAudit(tx, {
      ...audit, subjectType: 'inspection', subjectId: id,
      details: { siteId: n.siteId, enterpriseId: n.enterpriseId, inspectedOn: n.inspectedOn, compliant: n.compliant, applicable: n.applicable, failed: n.items.filter((i) => i.result === 'not-compliant').length, guards: n.guards.length, withoutCertificate: n.guards.filter((g) => g.withoutCertificate).length, photos: n.items.reduce((s, i) => s + i.photos.length, 0) }
    }, now)
    return id
  }, { behavior: 'immediate' })
}

export function insertPhotoRow (tx: DbOrTx, ownerKind: PhotoOwner, ownerId: number, p: StoredPhoto & { contentType: string }, by: number, now: Date): void {
  tx.insert(photos).values({ fileName: p.fileName, contentType: p.contentType, size: p.size, keyEnc: p.keyEnc, ownerKind, ownerId, uploadedBy: by, createdAt: now }).run()
}

export interface InspectionRow {
  id: number
  siteId: number
  siteName: string
  enterpriseId: number
  enterpriseName: string
  jurisdictionName: string
  inspectedOn: string
  officers: string
  compliant: number
  applicable: number
  recordedByName: string
  createdAt: Date
}

function inspectionQuery (db: DbOrTx) {
  return db.select({
    id: inspections.id, siteId: inspections.siteId, siteName: sites.name, enterpriseId: inspections.enterpriseId, enterpriseName: enterprises.name,
    jurisdictionName: jurisdictions.name, inspectedOn: inspections.inspectedOn, officers: inspections.officers, compliant: inspections.compliant,
    applicable: inspections.applicable, recordedByName: users.displayName, createdAt: inspections.createdAt
  }).from(inspections)
    .innerJoin(sites, eq(sites.id, inspections.siteId))
    .innerJoin(enterprises, eq(enterprises.id, inspections.enterpriseId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, inspections.jurisdictionId))
    .innerJoin(users, eq(users.id, inspections.recordedBy))
}

/** The order of the inspection list (newest inspection date first): its key. */
export const INSPECTION_KEY = ['s', 'n'] as const
const inspectionKey = (r: InspectionRow): Key => [r.inspectedOn, r.id]

/** One keyset page of the inspections of the sites a scope sees, newest first, with the true total. */
export function pageInspections (db: DbOrTx, scope: Scope, page: KeysetRequest, siteId?: number): KeysetPage<InspectionRow> {
  const where = and(siteScopeCondition(scope), siteId ? eq(inspections.siteId, siteId) : undefined)
  const total = db.select({ n: count() }).from(inspections).innerJoin(sites, eq(sites.id, inspections.siteId)).innerJoin(enterprises, eq(enterprises.id, inspections.enterpriseId)).where(where).get()?.n ?? 0
  const k = keysetQuery([inspections.inspectedOn, inspections.id], page, true)
  return toPage(inspectionQuery(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit).all(), page, total, inspectionKey)
}

/** An inspection of a site the scope sees, else undefined (404). */
export function findInspectionInScope (db: DbOrTx, scope: Scope, id: number): InspectionRow | undefined {
  return inspectionQuery(db).where(and(eq(inspections.id, id), siteScopeCondition(scope))).get()
}

export function inspectionItemsOf (db: DbOrTx, inspectionId: number) {
  return db.select().from(inspectionItems).where(eq(inspectionItems.inspectionId, inspectionId)).orderBy(asc(inspectionItems.position)).all()
}

export function inspectionGuardsOf (db: DbOrTx, inspectionId: number) {
  return db.select().from(inspectionGuards).where(eq(inspectionGuards.inspectionId, inspectionId)).orderBy(asc(inspectionGuards.fullName)).all()
}

/** The photos of some owners, by owner id. */
export function photosOf (db: DbOrTx, ownerKind: PhotoOwner, ownerIds: readonly number[]): Map<number, Array<{ id: number }>> {
  const out = new Map<number, Array<{ id: number }>>()
  if (ownerIds.length === 0) return out
  for (const p of db.select({ id: photos.id, ownerId: photos.ownerId }).from(photos).where(and(eq(photos.ownerKind, ownerKind), inArray(photos.ownerId, [...ownerIds]))).orderBy(asc(photos.id)).all()) {
    out.set(p.ownerId, [...(out.get(p.ownerId) ?? []), { id: p.id }])
  }
  return out
}

/** A photo and the site it was taken about (through its inspection item or notice item), for the scope check. */
export function findPhoto (db: DbOrTx, id: number): (typeof photos.$inferSelect & { siteId: number }) | undefined {
  const p = db.select().from(photos).where(eq(photos.id, id)).get()
  if (!p) return undefined
  const site = p.ownerKind === 'inspection-item'
    ? db.select({ siteId: inspections.siteId }).from(inspectionItems).innerJoin(inspections, eq(inspections.id, inspectionItems.inspectionId)).where(eq(inspectionItems.id, p.ownerId)).get()
    : db.get<{ siteId: number }>(sql`SELECT n.site_id AS siteId FROM notice_items i JOIN rectification_notices n ON n.id = i.notice_id WHERE i.id = ${p.ownerId}`)
  return site ? { ...p, siteId: site.siteId } : undefined
}

const UNINSPECTED_DAYS = 'supervision_uninspected_days'

/** After how many days without an inspection an enterprise is listed as not inspected (180 unless set). */
export function uninspectedDays (db: DbOrTx): number {
  return Number(readSetting(db, UNINSPECTED_DAYS) ?? 180)
}

/** The "not inspected in N days" setting, with its audit entry. */
export function saveUninspectedDays (db: Db, days: number, audit: ChangeAudit, now: Date): void {
  db.transaction((tx) => {
    writeSetting(tx, UNINSPECTED_DAYS, String(days))
    recordAudit(tx, { ...audit, subjectType: 'setting', subjectId: UNINSPECTED_DAYS, details: { days } }, now)
  }, { behavior: 'immediate' })
}
