import { and, asc, count, eq, inArray } from 'drizzle-orm'
import { keysetQuery } from '../../db/keyset.js'
import { toPage, type Key, type KeysetPage, type KeysetRequest } from '../../lib/keyset.js'
import type { Db } from '../../db/connection.js'
import { all, one, run, type Q } from '../../db/engine.js'
import { writeAudit, type AuditEntry } from '../audit/index.js'
import {
  checklistItems, inspections, inspectionItems, inspectionGuards, photos, sites, enterprises, jurisdictions, users, noticeItems, rectificationNotices,
  type CheckResult, type PhotoOwner
} from '../../db/schema.js'
import { siteScopeCondition, readSetting, writeSetting, type Scope } from '../orgs/index.js'
import type { StoredPhoto } from './photos.js'

export { CHECK_RESULTS, type CheckResult } from '../../db/schema.js'

// Query functions for both engines (ARCHITECTURE, "The data layer on two engines"): each yields
// its statements; the caller runs it with exec() or transaction(), or yield*s it inside one. The
// audit log and the organisations' scope and settings have not moved yet: they are called
// synchronously with the same handle (SQLite only, the bridge of the move).

type ChangeAudit = Omit<AuditEntry, 'subjectId' | 'subjectType'>

export type ChecklistItem = typeof checklistItems.$inferSelect

// ---- the checklist ----

export function * listChecklist (db: Db, opts: { activeOnly?: boolean } = {}): Q<ChecklistItem[]> {
  return yield * all(db.select().from(checklistItems).where(opts.activeOnly ? eq(checklistItems.active, true) : undefined).orderBy(asc(checklistItems.position), asc(checklistItems.id)))
}

export interface ChecklistInput { titleZh: string, titleEn: string, basis: string, position: number, active: boolean }

/** A new checklist item with its audit entry (run it in one transaction). */
export function * insertChecklistItem (db: Db, item: ChecklistInput, audit: ChangeAudit, now: Date): Q<number> {
  const id = (yield * one(db.insert(checklistItems).values({ ...item, updatedAt: now }).returning({ id: checklistItems.id })))!.id
  yield * writeAudit(db, { ...audit, subjectType: 'checklist-item', subjectId: id, details: { ...item } }, now)
  return id
}

/** Rewords, moves or retires an item, with its audit entry (before and after); false when it is gone (run it in one transaction). */
export function * updateChecklistItem (db: Db, id: number, item: ChecklistInput, audit: ChangeAudit, now: Date): Q<boolean> {
  const before = yield * one(db.select().from(checklistItems).where(eq(checklistItems.id, id)))
  if (!before) return false
  yield * run(db.update(checklistItems).set({ ...item, updatedAt: now }).where(eq(checklistItems.id, id)))
  yield * writeAudit(db, { ...audit, subjectType: 'checklist-item', subjectId: id, details: { before: { titleZh: before.titleZh, titleEn: before.titleEn, basis: before.basis, position: before.position, active: before.active }, after: { ...item } } }, now)
  return true
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

/** Records an inspection, its items, the guards present and the photos' rows, with its audit entry (run it in one transaction). */
export function * insertInspection (db: Db, n: NewInspection, audit: ChangeAudit, now: Date): Q<number> {
  const id = (yield * one(db.insert(inspections).values({
    siteId: n.siteId, enterpriseId: n.enterpriseId, jurisdictionId: n.jurisdictionId, inspectedOn: n.inspectedOn, officers: n.officers,
    compliant: n.compliant, applicable: n.applicable, recordedBy: n.recordedBy, createdAt: now
  }).returning({ id: inspections.id })))!.id
  for (const [i, it] of n.items.entries()) {
    const itemId = (yield * one(db.insert(inspectionItems).values({
      inspectionId: id, checklistItemId: it.item.id, position: i + 1, titleZh: it.item.titleZh, titleEn: it.item.titleEn, basis: it.item.basis, result: it.result, note: it.note
    }).returning({ id: inspectionItems.id })))!.id
    for (const p of it.photos) yield * insertPhotoRow(db, 'inspection-item', itemId, p, n.recordedBy, now)
  }
  for (const g of n.guards) yield * run(db.insert(inspectionGuards).values({ inspectionId: id, ...g }))
  yield * writeAudit(db, {
    ...audit, subjectType: 'inspection', subjectId: id,
    details: { siteId: n.siteId, enterpriseId: n.enterpriseId, inspectedOn: n.inspectedOn, compliant: n.compliant, applicable: n.applicable, failed: n.items.filter((i) => i.result === 'not-compliant').length, guards: n.guards.length, withoutCertificate: n.guards.filter((g) => g.withoutCertificate).length, photos: n.items.reduce((s, i) => s + i.photos.length, 0) }
  }, now)
  return id
}

/** The row of a photo already written to disk (the file stays on disk; only its row is in the database). */
export function * insertPhotoRow (db: Db, ownerKind: PhotoOwner, ownerId: number, p: StoredPhoto & { contentType: string }, by: number, now: Date): Q<void> {
  yield * run(db.insert(photos).values({ fileName: p.fileName, contentType: p.contentType, size: p.size, keyEnc: p.keyEnc, ownerKind, ownerId, uploadedBy: by, createdAt: now }))
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

function inspectionQuery (db: Db) {
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
export function * pageInspections (db: Db, scope: Scope, page: KeysetRequest, siteId?: number): Q<KeysetPage<InspectionRow>> {
  const where = and(siteScopeCondition(scope), siteId ? eq(inspections.siteId, siteId) : undefined)
  const total = (yield * one(db.select({ n: count() }).from(inspections).innerJoin(sites, eq(sites.id, inspections.siteId)).innerJoin(enterprises, eq(enterprises.id, inspections.enterpriseId)).where(where)))?.n ?? 0
  const k = keysetQuery([inspections.inspectedOn, inspections.id], page, true)
  return toPage(yield * all(inspectionQuery(db).where(and(where, k.where)).orderBy(...k.orderBy).limit(k.limit)), page, total, inspectionKey)
}

/** An inspection of a site the scope sees, else undefined (404). */
export function * findInspectionInScope (db: Db, scope: Scope, id: number): Q<InspectionRow | undefined> {
  return yield * one(inspectionQuery(db).where(and(eq(inspections.id, id), siteScopeCondition(scope))))
}

export type InspectionItem = typeof inspectionItems.$inferSelect

export function * inspectionItemsOf (db: Db, inspectionId: number): Q<InspectionItem[]> {
  return yield * all(db.select().from(inspectionItems).where(eq(inspectionItems.inspectionId, inspectionId)).orderBy(asc(inspectionItems.position)))
}

export function * inspectionGuardsOf (db: Db, inspectionId: number): Q<Array<typeof inspectionGuards.$inferSelect>> {
  return yield * all(db.select().from(inspectionGuards).where(eq(inspectionGuards.inspectionId, inspectionId)).orderBy(asc(inspectionGuards.fullName)))
}

/** The photos of some owners, by owner id. */
export function * photosOf (db: Db, ownerKind: PhotoOwner, ownerIds: readonly number[]): Q<Map<number, Array<{ id: number }>>> {
  const out = new Map<number, Array<{ id: number }>>()
  if (ownerIds.length === 0) return out
  for (const p of yield * all(db.select({ id: photos.id, ownerId: photos.ownerId }).from(photos).where(and(eq(photos.ownerKind, ownerKind), inArray(photos.ownerId, [...ownerIds]))).orderBy(asc(photos.id)))) {
    out.set(p.ownerId, [...(out.get(p.ownerId) ?? []), { id: p.id }])
  }
  return out
}

/** A photo and the site it was taken about (through its inspection item or notice item), for the scope check. */
export function * findPhoto (db: Db, id: number): Q<(typeof photos.$inferSelect & { siteId: number }) | undefined> {
  const p = yield * one(db.select().from(photos).where(eq(photos.id, id)))
  if (!p) return undefined
  const site = p.ownerKind === 'inspection-item'
    ? yield * one(db.select({ siteId: inspections.siteId }).from(inspectionItems).innerJoin(inspections, eq(inspections.id, inspectionItems.inspectionId)).where(eq(inspectionItems.id, p.ownerId)))
    : yield * one(db.select({ siteId: rectificationNotices.siteId }).from(noticeItems).innerJoin(rectificationNotices, eq(rectificationNotices.id, noticeItems.noticeId)).where(eq(noticeItems.id, p.ownerId)))
  return site ? { ...p, siteId: site.siteId } : undefined
}

const UNINSPECTED_DAYS = 'supervision_uninspected_days'

/** After how many days without an inspection an enterprise is listed as not inspected (180 unless set). */
export function * uninspectedDays (db: Db): Q<number> {
  return Number((yield * readSetting(db, UNINSPECTED_DAYS)) ?? 180)
}

/** The "not inspected in N days" setting, with its audit entry (run it in one transaction). */
export function * saveUninspectedDays (db: Db, days: number, audit: ChangeAudit, now: Date): Q<void> {
  yield * writeSetting(db, UNINSPECTED_DAYS, String(days))
  yield * writeAudit(db, { ...audit, subjectType: 'setting', subjectId: UNINSPECTED_DAYS, details: { days } }, now)
}
