import type { FastifyInstance } from 'fastify'
import { auditFrom, idParam } from '../../http/params.js'
import { NotFound } from '../../http/errors.js'
import { readForm } from '../../lib/form.js'
import { listChecklist, insertChecklistItem, updateChecklistItem, uninspectedDays, saveUninspectedDays, type ChecklistInput } from './queries.js'

const ADMIN = { access: ['admin'] as const }

/** The inspection checklist, kept as data: the administrator adds, rewords, reorders and retires items (past inspections keep their wording). */
export async function checklistRoutes (app: FastifyInstance) {
  const now = () => app.clock.now()

  const read = (body: unknown): { input: ChecklistInput, values: Record<string, string>, errors: Record<string, string> } => {
    const form = readForm(body, { titleZh: { required: true, max: 200 }, titleEn: { required: true, max: 300 }, basis: { max: 300 }, position: { required: true, max: 4 }, active: { max: 3 } })
    const errors = { ...form.errors }
    const position = Number(form.values.position)
    if (!errors.position && !(Number.isInteger(position) && position >= 1 && position <= 999)) errors.position = 'checklist.position-invalid'
    return { input: { titleZh: form.values.titleZh, titleEn: form.values.titleEn, basis: form.values.basis, position, active: form.values.active === 'on' }, values: form.values, errors }
  }
  const page = async (extra: Record<string, unknown> = {}) => {
    const items = await app.exec(listChecklist)
    return { title: 'checklist.title', items, errors: {}, editing: null, days: String(await app.exec(uninspectedDays)), values: { titleZh: '', titleEn: '', basis: '', position: String(items.length + 1), active: 'on' }, ...extra }
  }

  app.get('/admin/checklist', { config: ADMIN }, async (_req, reply) => reply.page('supervision/checklist', await page()))

  app.post('/admin/checklist', { config: ADMIN }, async (req, reply) => {
    const r = read(req.body)
    if (Object.keys(r.errors).length > 0) return reply.code(422).page('supervision/checklist', await page({ values: r.values, errors: r.errors }))
    await app.transaction(insertChecklistItem, r.input, auditFrom(req, 'checklist.added'), now())
    return reply.seeOther('/admin/checklist', 'flash.checklist-saved')
  })

  app.post('/admin/supervision-settings', { config: ADMIN }, async (req, reply) => {
    const form = readForm(req.body, { uninspectedDays: { required: true, max: 4 } })
    const n = Number(form.values.uninspectedDays)
    if (!form.ok || !Number.isInteger(n) || n < 7 || n > 3650) return reply.code(422).page('supervision/checklist', await page({ days: form.values.uninspectedDays, errors: { uninspectedDays: 'dashboard.days-invalid' } }))
    await app.transaction(saveUninspectedDays, n, auditFrom(req, 'settings.supervision'), now())
    return reply.seeOther('/admin/checklist', 'flash.settings-saved')
  })

  app.post('/admin/checklist/:id', { config: ADMIN }, async (req, reply) => {
    const id = idParam(req)
    if (!(await app.exec(listChecklist)).some((i) => i.id === id)) throw new NotFound()
    const r = read(req.body)
    if (Object.keys(r.errors).length > 0) return reply.code(422).page('supervision/checklist', await page({ editing: id, editValues: r.values, errors: r.errors }))
    await app.transaction(updateChecklistItem, id, r.input, auditFrom(req, 'checklist.changed'), now())
    return reply.seeOther('/admin/checklist', 'flash.checklist-saved')
  })
}
