import type { FastifyInstance, FastifyRequest } from 'fastify'
import { auditFrom, idParam, parseId, queryId } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { supervisionHelpers } from './helpers.js'
import { loadScope, listPeople, listSites, findSiteInScope } from '../orgs/index.js'
import { complianceScore, inspectionDateProblem, percentOf } from './rules.js'
import { readFormWithPhotos, text, type CheckedPhoto } from './uploads.js'
import { writePhotoFile, readPhotoFile, removePhotoFiles, type StoredPhoto } from './photos.js'
import {
  listChecklist, insertInspection, pageInspections, INSPECTION_KEY, findInspectionInScope, inspectionItemsOf, inspectionGuardsOf, photosOf, findPhoto, CHECK_RESULTS, type CheckResult, type ChecklistItem
} from './queries.js'

const POLICE = { access: ['police'] as const }
const READERS = { access: ['trainer', 'police', 'admin'] as const }
const GUARD_CHOICES = ['absent', 'present', 'uncertified'] as const

/** Inspections of managed sites against the checklist, with photos; trainers read their sites' inspections. */
export async function inspectionRoutes (app: FastifyInstance) {
  const { now, today, dir, denied } = supervisionHelpers(app)

  app.get('/supervision/inspections', { config: READERS }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const page = await app.exec(pageInspections, scope, keysetRequest(req, INSPECTION_KEY))
    return reply.page('supervision/inspections', {
      title: 'inspection.list-title', rows: page.rows.map((r) => ({ ...r, percent: percentOf(r.compliant, r.applicable) })),
      pager: pager('/supervision/inspections', {}, page), canRecord: req.actor!.role === 'police'
    })
  })

  const formPage = async (req: FastifyRequest, siteId: number | null, extra: Record<string, unknown> = {}) => {
    const scope = await app.exec(loadScope, req.actor!)
    const site = siteId ? await app.exec(findSiteInScope, scope, siteId) : undefined
    return {
      title: 'inspection.new-title',
      sites: (await app.exec(listSites, scope, { limit: 1000, offset: 0 })).rows,
      site,
      guards: site ? await app.exec(listPeople, scope, { siteId: site.id, limit: 500 }) : [],
      checklist: await app.exec(listChecklist, { activeOnly: true }),
      values: { inspectedOn: today(), officers: req.actor!.displayName } as Record<string, string>,
      errors: {} as Record<string, string>,
      today: today(),
      ...extra
    }
  }

  app.get('/supervision/inspections/new', { config: POLICE }, async (req, reply) => {
    const siteId = queryId(req, 'site') ?? null
    if (siteId && !await app.exec(findSiteInScope, await app.exec(loadScope, req.actor!), siteId)) return await denied(req, 'site', siteId)
    return reply.page('supervision/inspection-form', await formPage(req, siteId))
  })

  app.post('/supervision/inspections', { config: POLICE }, async (req, reply) => {
    const read = await readFormWithPhotos(req)
    const f = read.fields
    const siteId = parseId(f.site) ?? null
    const page = await formPage(req, siteId)
    const errors: Record<string, string> = {}
    const again = (status: number, upload?: { key: string, params?: Record<string, string | number> }) =>
      reply.code(status).page('supervision/inspection-form', { ...page, values: { ...page.values, ...f }, errors, upload })
    if (!page.site) errors.site = 'inspection.site-required'
    const dateProblem = inspectionDateProblem(f.inspectedOn ?? '', today())
    if (dateProblem) errors.inspectedOn = dateProblem
    const officers = text(f.officers, 200)
    if (!officers.ok) errors.officers = officers.error
    const items = page.checklist.map((item) => {
      const result = f[`result-${item.id}`] as CheckResult
      const note = text(f[`note-${item.id}`], 1000, true)
      if (!(CHECK_RESULTS as readonly string[]).includes(result)) errors[`result-${item.id}`] = 'inspection.result-required'
      else if (!note.ok && note.error !== 'form.required') errors[`note-${item.id}`] = note.error
      else if (result === 'not-compliant' && !note.ok) errors[`note-${item.id}`] = 'inspection.note-required'
      return { item, result, note: note.ok ? note.value : '' }
    })
    const guards = page.guards.flatMap((g) => {
      const v = f[`guard-${g.id}`] ?? 'absent'
      if (!(GUARD_CHOICES as readonly string[]).includes(v)) errors[`guard-${g.id}`] = 'form.invalid'
      return v === 'present' || v === 'uncertified' ? [{ traineeId: g.id, fullName: g.fullName, withoutCertificate: v === 'uncertified' }] : []
    })
    if (!read.ok) return again(422, read.error)
    const known = new Set(page.checklist.map((i) => `photos-${i.id}`))
    if (read.photos.some((p) => !known.has(p.field))) return again(422, { key: 'photo.unexpected' })
    if (Object.keys(errors).length > 0) return again(422)

    const site = page.site!
    const stored = await storePhotos(read.photos)
    try {
      const score = complianceScore(items.map((i) => i.result))
      const id = await app.transaction(insertInspection, {
        siteId: site.id, enterpriseId: site.enterpriseId, jurisdictionId: req.actor!.jurisdictionId!, inspectedOn: f.inspectedOn!, officers: officers.ok ? officers.value : '', recordedBy: req.actor!.id,
        items: items.map((i: { item: ChecklistItem, result: CheckResult, note: string }) => ({ ...i, photos: stored.filter((p) => p.field === `photos-${i.item.id}`) })),
        guards, compliant: score.compliant, applicable: score.applicable
      }, auditFrom(req, 'inspection.recorded'), now())
      return reply.seeOther(`/supervision/inspections/${id}`, 'flash.inspection-recorded')
    } catch (err) {
      await removePhotoFiles(dir, stored.map((p) => p.fileName))
      throw err
    }
  })

  /** Writes the checked photos' files (nothing of a refused form reaches the disk). */
  const storePhotos = async (list: readonly CheckedPhoto[]): Promise<Array<StoredPhoto & { field: string, contentType: string }>> => {
    const out: Array<StoredPhoto & { field: string, contentType: string }> = []
    try {
      for (const p of list) out.push({ ...(await writePhotoFile(dir, p.bytes, app.pii)), field: p.field, contentType: p.type })
    } catch (err) {
      await removePhotoFiles(dir, out.map((p) => p.fileName))
      throw err
    }
    return out
  }

  app.get('/supervision/inspections/:id', { config: READERS }, async (req, reply) => {
    const id = idParam(req)
    const inspection = await app.exec(findInspectionInScope, await app.exec(loadScope, req.actor!), id)
    if (!inspection) return await denied(req, 'inspection', id)
    const items = await app.exec(inspectionItemsOf, id)
    const pics = await app.exec(photosOf, 'inspection-item', items.map((i) => i.id))
    return reply.page('supervision/inspection', {
      title: 'inspection.title', inspection, percent: percentOf(inspection.compliant, inspection.applicable),
      items: items.map((i) => ({ ...i, photos: pics.get(i.id) ?? [] })), guards: await app.exec(inspectionGuardsOf, id),
      canIssue: req.actor!.role === 'police' && items.some((i) => i.result === 'not-compliant')
    })
  })

  app.get('/supervision/photos/:id', { config: READERS }, async (req, reply) => {
    const id = idParam(req)
    const photo = await app.exec(findPhoto, id)
    if (!photo || !await app.exec(findSiteInScope, await app.exec(loadScope, req.actor!), photo.siteId)) return await denied(req, 'photo', id)
    const bytes = await readPhotoFile(dir, photo, app.pii)
    return reply.type(photo.contentType).header('Cache-Control', 'private, max-age=3600').header('Content-Disposition', 'inline').send(bytes)
  })
}
