import type { FastifyInstance, FastifyRequest } from 'fastify'
import { NotFound } from '../../http/errors.js'
import { auditFrom, idParam } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { readForm } from '../../lib/form.js'
import { renderMarkdown } from '../../lib/markdown.js'
import { supervisionHelpers } from './helpers.js'
import { loadScope } from '../orgs/index.js'
import { isLocalDate, inspectionDateProblem } from './rules.js'
import { readFormWithPhotos, text } from './uploads.js'
import { writePhotoFile, readPhotoFile, removePhotoFiles, type StoredPhoto } from './photos.js'
import { enterprisesInReach, sendMessage, pageMessages, MESSAGE_KEY, findMessageInScope, messageStatus, attachmentsOf, findAttachment, markRead, replyToMessage, recordBriefing, briefingsOf } from './messages.js'

const POLICE = { access: ['police'] as const }
const TRAINER = { access: ['trainer'] as const }
const READERS = { access: ['trainer', 'police', 'admin'] as const }

/** Notices and briefings from police to the enterprises of their subtree; enterprises read and reply. */
export async function messageRoutes (app: FastifyInstance) {
  const { now, today, dir, denied } = supervisionHelpers(app)
  const subtree = async (req: FastifyRequest) => { const s = await app.exec(loadScope, req.actor!); return s.kind === 'jurisdictions' ? s.jurisdictionIds : [] }

  const messageFor = async (req: FastifyRequest) => {
    const id = idParam(req)
    const m = await app.exec(findMessageInScope, await app.exec(loadScope, req.actor!), id)
    return m ?? await denied(req, 'message', id)
  }

  app.get('/supervision/messages', { config: READERS }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const page = await app.exec(pageMessages, scope, keysetRequest(req, scope.kind === 'enterprise' ? MESSAGE_KEY.trainer : MESSAGE_KEY.police))
    return reply.page('supervision/messages', { title: 'message.list-title', rows: page.rows, pager: pager('/supervision/messages', {}, page) })
  })

  // The recipients are chosen among every enterprise in the officer's reach (ids and names only,
  // at most a city's 2,000 and those managing a site in its area): the whole list is the choice,
  // and "all" sends to each of them.
  const newPage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => ({
    title: 'message.new-title', enterprises: await app.exec(enterprisesInReach, await subtree(req)), values: { target: 'all' } as Record<string, string>, chosen: [] as number[], errors: {} as Record<string, string>, ...extra
  })

  app.get('/supervision/messages/new', { config: POLICE }, async (req, reply) => reply.page('supervision/message-form', await newPage(req)))

  app.post('/supervision/messages', { config: POLICE }, async (req, reply) => {
    const read = await readFormWithPhotos(req, { pdf: true })
    const f = read.fields
    const page = await newPage(req)
    const errors: Record<string, string> = {}
    const title = text(f.title, 200)
    if (!title.ok) errors.title = title.error
    const body = text(f.body, 20_000, true)
    if (!body.ok) errors.body = body.error
    const replyBy = (f.replyBy ?? '').trim()
    if (replyBy && (!isLocalDate(replyBy) || replyBy <= today())) errors.replyBy = 'message.reply-by-invalid'
    const inSubtree = new Set(page.enterprises.map((e) => e.id))
    const chosen = (f.enterprises ?? '').split('\n').map(Number).filter((id) => inSubtree.has(id))
    const targets = f.target === 'chosen' ? chosen : [...inSubtree]
    if (targets.length === 0) errors.enterprises = 'message.no-targets'
    const again = (upload?: { key: string, params?: Record<string, string | number> }) => reply.code(422).page('supervision/message-form', { ...page, values: f, chosen, errors, upload })
    if (!read.ok) return again(read.error)
    if (read.photos.some((p) => p.field !== 'attachments')) return again({ key: 'photo.unexpected' })
    if (Object.keys(errors).length > 0) return again()
    const stored: Array<StoredPhoto & { name: string, contentType: string }> = []
    try {
      for (const p of read.photos) stored.push({ ...(await writePhotoFile(dir, p.bytes, app.pii)), name: p.name, contentType: p.type })
      const id = await app.transaction(sendMessage, { unitId: req.actor!.jurisdictionId!, title: title.ok ? title.value : '', body: body.ok ? body.value : '', replyBy: replyBy || null, sentBy: req.actor!.id, enterpriseIds: targets, attachments: stored }, auditFrom(req, 'message.sent'), now())
      return reply.seeOther(`/supervision/messages/${id}`, 'flash.message-sent', { count: targets.length })
    } catch (err) {
      await removePhotoFiles(dir, stored.map((s) => s.fileName))
      throw err
    }
  })

  const messagePage = async (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const m = await messageFor(req)
    const own = req.actor!.role === 'trainer' ? req.actor!.enterpriseId ?? undefined : undefined
    return {
      title: 'message.title', message: m, html: renderMarkdown(m.body), attachments: await app.exec(attachmentsOf, m.id),
      status: await app.exec(messageStatus, m.id, own), briefings: await app.exec(briefingsOf, m.id), today: today(),
      errors: {} as Record<string, string>, values: { heldOn: today() } as Record<string, string>, ...extra
    }
  }

  app.get('/supervision/messages/:id', { config: READERS }, async (req, reply) => reply.page('supervision/message', await messagePage(req)))

  app.post('/supervision/messages/:id/read', { config: TRAINER }, async (req, reply) => {
    const m = await messageFor(req)
    await app.transaction(markRead, m.id, req.actor!.enterpriseId!, req.actor!.id, auditFrom(req, 'message.read'), now())
    return reply.seeOther(`/supervision/messages/${m.id}`, 'flash.message-read')
  })

  app.post('/supervision/messages/:id/reply', { config: TRAINER }, async (req, reply) => {
    const m = await messageFor(req)
    const form = readForm(req.body, { reply: { required: true, max: 5000, multiline: true } })
    if (!form.ok) return reply.code(422).page('supervision/message', await messagePage(req, { errors: form.errors, values: { reply: form.values.reply } }))
    await app.transaction(replyToMessage, m.id, req.actor!.enterpriseId!, form.values.reply, req.actor!.id, auditFrom(req, 'message.replied'), now())
    return reply.seeOther(`/supervision/messages/${m.id}`, 'flash.message-replied')
  })

  app.post('/supervision/messages/:id/briefings', { config: POLICE }, async (req, reply) => {
    const m = await messageFor(req)
    const form = readForm(req.body, { heldOn: { required: true, max: 10 }, attendees: { required: true, max: 1000, multiline: true }, minutes: { required: true, max: 20_000, multiline: true } })
    const errors = { ...form.errors }
    if (!errors.heldOn) { const p = inspectionDateProblem(form.values.heldOn, today()); if (p) errors.heldOn = p }
    if (Object.keys(errors).length > 0) return reply.code(422).page('supervision/message', await messagePage(req, { errors, values: form.values }))
    await app.transaction(recordBriefing, m.id, form.values, req.actor!.id, auditFrom(req, 'briefing.recorded'), now())
    return reply.seeOther(`/supervision/messages/${m.id}`, 'flash.briefing-recorded')
  })

  app.get('/supervision/attachments/:id', { config: READERS }, async (req, reply) => {
    const id = idParam(req)
    const a = await app.exec(findAttachment, id)
    if (!a || !(await app.exec(findMessageInScope, await app.exec(loadScope, req.actor!), a.messageId))) throw new NotFound()
    const bytes = await readPhotoFile(dir, a, app.pii)
    return reply.type(a.contentType).header('Cache-Control', 'private, max-age=3600')
      .header('Content-Disposition', `attachment; filename="file"; filename*=UTF-8''${encodeURIComponent(a.name)}`).send(bytes)
  })
}
