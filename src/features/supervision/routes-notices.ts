import type { FastifyInstance, FastifyRequest } from 'fastify'
import { NotFound } from '../../http/errors.js'
import { auditFrom, idParam, parseId, queryId, queryText } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { readForm } from '../../lib/form.js'
import { localDate } from '../../lib/time.js'
import { translator } from '../../i18n/index.js'
import { supervisionHelpers } from './helpers.js'
import { loadScope, findJurisdiction } from '../orgs/index.js'
import { addDays, deadlineProblem, isOverdue, mayEscalate, DEFAULT_DEADLINE_DAYS, ESCALATION_BASES } from './rules.js'
import { readFormWithPhotos, text } from './uploads.js'
import { writePhotoFile, removePhotoFiles, type StoredPhoto } from './photos.js'
import { findInspectionInScope, inspectionItemsOf, photosOf } from './queries.js'
import { caseOfNotice } from './cases.js'
import { issueNotice, pageNotices, NOTICE_KEY, findNoticeInScope, itemsOfNotice, respondToItem, reviewItem, escalateNotice, type NoticeFilter, type ChangeOutcome } from './notices.js'

const POLICE = { access: ['police'] as const }
const TRAINER = { access: ['trainer'] as const }
const READERS = { access: ['trainer', 'police', 'admin'] as const }
const FILTERS: readonly NoticeFilter[] = ['open', 'overdue', 'waiting', 'closed', 'escalated', 'all']

/** Rectification notices: issued from an inspection's failed items, answered item by item by the enterprise, decided by the police. */
export async function noticeRoutes (app: FastifyInstance) {
  const { now, today, dir, denied } = supervisionHelpers(app)

  const noticeFor = async (req: FastifyRequest) => {
    const id = idParam(req)
    const notice = await app.exec(findNoticeInScope, await app.exec(loadScope, req.actor!), id)
    return notice ?? await denied(req, 'notice', id)
  }
  const levelOf = async (req: FastifyRequest) => req.actor!.jurisdictionId ? (await app.exec(findJurisdiction, req.actor!.jurisdictionId))?.level : undefined

  app.get('/supervision/notices', { config: READERS }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const asked = queryText(req, 'filter', 20) as NoticeFilter
    const filter = FILTERS.includes(asked) ? asked : 'open'
    const page = await app.exec(pageNotices, scope, { filter, today: today() }, keysetRequest(req, NOTICE_KEY))
    return reply.page('supervision/notices', {
      title: 'notice.list-title', filter, filters: FILTERS, rows: page.rows.map((r) => ({ ...r, overdue: isOverdue(r, today()) })),
      pager: pager('/supervision/notices', { filter }, page)
    })
  })

  // ---- issuing, from an inspection's failed items ----

  const inspectionFor = async (req: FastifyRequest, id: number) => {
    const inspection = await app.exec(findInspectionInScope, await app.exec(loadScope, req.actor!), id)
    return inspection ?? await denied(req, 'inspection', id)
  }
  const issuePage = async (inspectionId: number, req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const inspection = await inspectionFor(req, inspectionId)
    const failed = (await app.exec(inspectionItemsOf, inspection.id)).filter((i) => i.result === 'not-compliant')
    const values: Record<string, string> = { deadline: addDays(today(), DEFAULT_DEADLINE_DAYS) }
    for (const i of failed) { values[`item-${i.id}`] = 'on'; values[`requirement-${i.id}`] = i.note }
    return { title: 'notice.new-title', inspection, failed, values, errors: {} as Record<string, string>, today: today(), ...extra }
  }

  app.get('/supervision/notices/new', { config: POLICE }, async (req, reply) => {
    const id = queryId(req, 'inspection')
    if (id === undefined) throw new NotFound()
    return reply.page('supervision/notice-form', await issuePage(id, req))
  })

  app.post('/supervision/notices', { config: POLICE }, async (req, reply) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>
    const inspectionId = parseId(body.inspection)
    if (inspectionId === undefined) throw new NotFound()
    const page = await issuePage(inspectionId, req)
    const errors: Record<string, string> = {}
    const values: Record<string, string> = { deadline: typeof body.deadline === 'string' ? body.deadline.trim() : '' }
    const chosen = page.failed.filter((i) => body[`item-${i.id}`] === 'on').map((i) => {
      values[`item-${i.id}`] = 'on'
      const r = readForm(body, { [`requirement-${i.id}`]: { required: true, max: 1000, multiline: true } })
      values[`requirement-${i.id}`] = r.values[`requirement-${i.id}`]!
      Object.assign(errors, r.errors)
      return { inspectionItemId: i.id, requirement: r.values[`requirement-${i.id}`]! }
    })
    for (const i of page.failed) if (!values[`item-${i.id}`]) values[`requirement-${i.id}`] = typeof body[`requirement-${i.id}`] === 'string' ? String(body[`requirement-${i.id}`]) : ''
    if (chosen.length === 0) errors._ = 'notice.no-items'
    const dl = deadlineProblem(values.deadline!, today())
    if (dl) errors.deadline = dl
    if (Object.keys(errors).length > 0) return reply.code(422).page('supervision/notice-form', { ...page, values, errors })
    const inspection = page.inspection
    const notice = await app.transaction(issueNotice, {
      unitId: req.actor!.jurisdictionId!, year: Number(today().slice(0, 4)), inspectionId: inspection.id, siteId: inspection.siteId,
      enterpriseId: inspection.enterpriseId, deadline: values.deadline!, issuedBy: req.actor!.id, items: chosen
    }, auditFrom(req, 'notice.issued'), now())
    return reply.seeOther(`/supervision/notices/${notice.id}`, 'flash.notice-issued', { number: notice.number })
  })

  // ---- the notice: responses, decisions, escalation ----

  const noticePage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const notice = await noticeFor(req)
    const items = await app.exec(itemsOfNotice, notice.id)
    const pics = await app.exec(photosOf, 'notice-item', items.map((i) => i.id))
    const role = req.actor!.role
    const overdue = isOverdue(notice, today())
    const level = role === 'police' ? await levelOf(req) : undefined
    return {
      title: 'notice.title', notice, overdue, items: items.map((i) => ({ ...i, photos: pics.get(i.id) ?? [] })),
      canRespond: role === 'trainer' && notice.status !== 'closed',
      canReview: role === 'police' && notice.status !== 'closed',
      canEscalate: role === 'police' && notice.status === 'open' && overdue && level !== undefined && mayEscalate(level),
      // The case it was escalated to: police follow it there (a case is police work, not shown to the enterprise).
      caseId: role === 'police' || role === 'admin' ? (await app.exec(caseOfNotice, notice.id))?.id ?? null : null,
      bases: ESCALATION_BASES, errors: {} as Record<string, string>, values: {} as Record<string, string>, ...extra
    }
  }

  app.get('/supervision/notices/:id', { config: READERS }, async (req, reply) => reply.page('supervision/notice', await noticePage(req)))

  app.get('/supervision/notices/:id/print', { config: READERS }, async (req, reply) => {
    const notice = await noticeFor(req)
    const inspection = await app.exec(findInspectionInScope, await app.exec(loadScope, req.actor!), notice.inspectionId)
    return reply.page('supervision/notice-print', {
      title: 'notice.print-title', notice, items: await app.exec(itemsOfNotice, notice.id), focus: true, zh: translator('zh'),
      inspectedOn: inspection?.inspectedOn ?? '', issuedOn: localDate(notice.issuedAt, app.config.timeZone)
    })
  })

  /** The item :item (its position on the notice) of the notice :id, or 404. */
  const itemIndex = (req: FastifyRequest, items: number): number => {
    const position = idParam(req, 'item')
    if (position > items) throw new NotFound()
    return position - 1
  }
  const refusedChange = async (req: FastifyRequest, outcome: Exclude<ChangeOutcome, { ok: true }>, extra: Record<string, unknown> = {}) =>
    ({ status: 409, data: await noticePage(req, { errors: { _: outcome.reason }, ...extra }) })

  app.post('/supervision/notices/:id/items/:item/response', { config: TRAINER }, async (req, reply) => {
    const notice = await noticeFor(req)
    const index = itemIndex(req, notice.items)
    const read = await readFormWithPhotos(req)
    const response = text(read.fields.response, 2000, true)
    const key = `response-${index + 1}`
    if (!read.ok || !response.ok || read.photos.some((p) => p.field !== 'photos')) {
      const errors = { [key]: !read.ok ? read.error.key : !response.ok ? response.error : 'photo.unexpected' }
      return reply.code(422).page('supervision/notice', await noticePage(req, { errors, errorParams: read.ok ? undefined : read.error.params, values: { [key]: read.fields.response ?? '' } }))
    }
    const stored: Array<StoredPhoto & { contentType: string }> = []
    try {
      for (const p of read.photos) stored.push({ ...(await writePhotoFile(dir, p.bytes, app.pii)), contentType: p.type })
      const outcome = await app.transaction(respondToItem, notice.id, index, response.value, stored, req.actor!.id, today(), auditFrom(req, 'notice.responded'), now())
      if (!outcome.ok) {
        await removePhotoFiles(dir, stored.map((p) => p.fileName))
        const r = await refusedChange(req, outcome, { values: { [key]: response.value } })
        return reply.code(r.status).page('supervision/notice', r.data)
      }
    } catch (err) {
      await removePhotoFiles(dir, stored.map((p) => p.fileName))
      throw err
    }
    return reply.seeOther(`/supervision/notices/${notice.id}`, 'flash.notice-responded')
  })

  app.post('/supervision/notices/:id/items/:item/review', { config: POLICE }, async (req, reply) => {
    const notice = await noticeFor(req)
    const index = itemIndex(req, notice.items)
    const form = readForm(req.body, { decision: { required: true, max: 10 }, reason: { max: 500, multiline: true } })
    const decision = form.values.decision
    const key = `reason-${index + 1}`
    const problem = !form.ok ? (form.errors.reason ?? 'form.invalid') : decision !== 'accept' && decision !== 'return' ? 'form.invalid' : decision === 'return' && !form.values.reason ? 'notice.reason-required' : null
    if (problem) return reply.code(422).page('supervision/notice', await noticePage(req, { errors: { [key]: problem }, values: { [key]: form.values.reason } }))
    const outcome = await app.transaction(reviewItem, notice.id, index, decision as 'accept' | 'return', form.values.reason, req.actor!.id, today(), auditFrom(req, decision === 'accept' ? 'notice.accepted' : 'notice.returned'), now())
    if (!outcome.ok) { const r = await refusedChange(req, outcome); return reply.code(r.status).page('supervision/notice', r.data) }
    return reply.seeOther(`/supervision/notices/${notice.id}`, outcome.status === 'closed' ? 'flash.notice-closed' : decision === 'accept' ? 'flash.notice-item-accepted' : 'flash.notice-item-returned')
  })

  app.post('/supervision/notices/:id/escalate', { config: POLICE }, async (req, reply) => {
    const notice = await noticeFor(req)
    const form = readForm(req.body, { basis: { required: true, max: 40 }, note: { required: true, max: 1000, multiline: true } })
    const errors: Record<string, string> = { ...form.errors }
    if (!errors.basis && !(ESCALATION_BASES as readonly string[]).includes(form.values.basis)) errors.basis = 'form.invalid'
    if (Object.keys(errors).length > 0) return reply.code(422).page('supervision/notice', await noticePage(req, { errors, values: form.values }))
    const level = await levelOf(req)
    const outcome = await app.transaction(escalateNotice, notice.id, { basis: form.values.basis, note: form.values.note, by: req.actor!.id, unitId: req.actor!.jurisdictionId! }, { today: today(), level }, auditFrom(req, 'notice.escalated'), now())
    if (!outcome.ok) { const r = await refusedChange(req, outcome, { values: form.values }); return reply.code(outcome.reason === 'notice.escalate-level' ? 403 : r.status).page('supervision/notice', r.data) }
    return reply.seeOther(`/supervision/cases/${outcome.caseId}`, 'flash.notice-escalated')
  })
}
