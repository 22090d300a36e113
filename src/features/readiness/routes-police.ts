import type { FastifyInstance, FastifyRequest } from 'fastify'
import { idParam, auditFrom, queryText } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { readForm } from '../../lib/form.js'
import { sendCsvStream } from '../../http/csv-export.js'
import { parseIdNumber, maskIdNumber } from '../../lib/id-checksums.js'
import { writeAudit } from '../audit/index.js'
import { loadScope, policeSubtree, pageEnterprises, eachEnterprise, countEnterprises, sumEnterpriseCounts, ENTERPRISE_KEY, findEnterprise, findJurisdiction, listPeople, pagePeople, PEOPLE_KEY, findPersonInScope, personView, eachPeople, type EnterpriseRow, type PersonRow } from '../orgs/index.js'
import { supervisionSummary, uninspectedDays } from '../supervision/index.js'
import { normaliseCode } from './statements.js'
import { purposeProblem } from './lookup.js'
import { checklist, reasonsOf, statementView } from './view.js'
import { readinessHelpers } from './helpers.js'
import { pendingByEnterprise, countPending, currentStatements, findStatementByCode, listStatements, userNames } from './queries.js'
import { readinessOfPeople, statusOfPeople, countStale, type ReadinessShown } from './store.js'

const POLICE = { access: ['police'] as const }
/**
 * Enterprises per chunk of the district export: each is a row of enterprises joined to its counts
 * row by key, so a chunk costs well under a millisecond and the largest district (1,200
 * enterprises at province size) takes 120 short turns of the event loop.
 */
const EXPORT_ENTERPRISES = 10
/**
 * People per chunk of the district's guard list. Measured on the L province (the largest
 * district's 305,226 guards, the route's work per chunk: people, stored status, CSV lines with
 * the ID number decrypted and masked): ten small enterprises back to back held the event loop
 * 250 ms; with a turn after every chunk, 200 a chunk gave turns of 18 ms at p99 and 43 ms at
 * worst, 100 a chunk with the status read alone (not the rules' details) 12 ms and 18 ms.
 */
const PEOPLE_CHUNK = 100

/** The police officer's jurisdiction: readiness counts per enterprise, drill-down, look-up by ID number, verification. */
export async function policeReadinessRoutes (app: FastifyInstance) {
  const h = readinessHelpers(app)
  const subtreeOf = (req: FastifyRequest): Promise<number[]> => app.exec(policeSubtree, req.actor!)

  /** These enterprises (their head counts come with them, from enterprise_counts) with their pending applications. */
  const withPending = async (enterprises: EnterpriseRow[]): Promise<Array<EnterpriseRow & { pending: number }>> => {
    const pending = await app.exec(pendingByEnterprise, enterprises.map((e) => e.id))
    return enterprises.map((e) => ({ ...e, pending: pending.get(e.id) ?? 0 }))
  }

  /**
   * The dashboard: one keyset page of the subtree's enterprises by name with their counts, the
   * true number of enterprises, and the subtree's totals as one SUM over its enterprises' counts
   * rows plus one count of its pending applications: the cost follows the page shown (and the
   * subtree's enterprises for the sums), never the guards or their history.
   */
  app.get('/jurisdiction', { config: POLICE }, async (req, reply) => {
    const actor = req.actor!
    const ids = await subtreeOf(req)
    const page = await app.exec(pageEnterprises, ids, keysetRequest(req, ENTERPRISE_KEY))
    const sums = await app.exec(sumEnterpriseCounts, ids)
    return reply.page('police/jurisdiction', {
      title: 'jurisdiction.title',
      jurisdiction: actor.jurisdictionId ? await app.exec(findJurisdiction, actor.jurisdictionId) : undefined,
      enterprises: await withPending(page.rows),
      pager: pager('/jurisdiction', {}, page),
      recomputing: await app.exec(countStale),
      supervision: await app.exec(supervisionSummary, await app.exec(loadScope, actor), h.today(), await app.exec(uninspectedDays)),
      totals: { inTraining: sums.inTraining, onDuty: sums.onDuty, uncertified: sums.onDutyWithoutCertificate, eligible: sums.eligible, pending: await app.exec(countPending, ids) }
    })
  })

  /**
   * The district's export: every enterprise of the subtree with the dashboard's columns, a chunk
   * of enterprises at a time (their counts rows and pending applications), streamed with the
   * event loop free between chunks, so a district of 1,200 enterprises neither sits in memory nor
   * holds up other requests.
   */
  app.get('/jurisdiction/export.csv', { config: POLICE }, async (req, reply) => {
    const t = req.t
    const ids = await subtreeOf(req)
    async function * rows () {
      for await (const chunk of eachEnterprise(app.db, ids, EXPORT_ENTERPRISES)) yield await withPending(chunk)
    }
    await app.transaction(writeAudit, { ...auditFrom(req, 'jurisdiction.exported'), subjectType: 'jurisdiction', subjectId: req.actor!.jurisdictionId ?? '', details: { rows: await app.exec(countEnterprises, ids) } }, h.now())
    return sendCsvStream(reply, `jurisdiction-${h.today()}.csv`,
      [t('enterprises.name'), t('enterprises.credit-code'), t('enterprises.jurisdiction'), t('duty.in-training'), t('duty.on-duty'), t('jurisdiction.uncertified'), t('jurisdiction.eligible'), t('jurisdiction.pending')],
      rows(), (e) => [e.name, e.creditCode, e.jurisdictionName, e.inTraining, e.onDuty, e.onDutyWithoutCertificate, e.eligible, e.pending])
  })

  /**
   * Every guard of the subtree's enterprises (the district's list: about 300,000 rows for the
   * largest district of a province), enterprise by enterprise in name order, each enterprise's
   * people by name in keyset chunks with their stored readiness read by key per chunk: streamed,
   * with the event loop free between chunks, never the whole list in memory. ID numbers masked
   * (the full number is the audited look-up's). A guard holding a valid certificate shows as
 * certified, as the drill-down shows him.
   */
  app.get('/jurisdiction/people.csv', { config: POLICE }, async (req, reply) => {
    const t = req.t
    const ids = await subtreeOf(req)
    const scope = await app.exec(loadScope, req.actor!)
    async function * rows (): AsyncGenerator<Array<{ e: EnterpriseRow, p: PersonRow, r: Omit<ReadinessShown, 'rules'> }>> {
      for await (const enterprises of eachEnterprise(app.db, ids, EXPORT_ENTERPRISES)) {
        for (const e of enterprises) {
          for await (const people of eachPeople(app.db, scope, { enterpriseId: e.id }, PEOPLE_CHUNK)) {
            const shown = await app.exec(statusOfPeople, people.map((p) => p.id))
            yield people.map((p) => ({ e, p, r: shown.get(p.id)! }))
          }
        }
      }
    }
    await app.transaction(writeAudit, { ...auditFrom(req, 'jurisdiction.people-exported'), subjectType: 'jurisdiction', subjectId: req.actor!.jurisdictionId ?? '', details: { enterprises: await app.exec(countEnterprises, ids) } }, h.now())
    return sendCsvStream(reply, `jurisdiction-people-${h.today()}.csv`,
      [t('person.enterprise'), t('enterprises.jurisdiction'), t('person.full-name'), t('person.id-number'), t('person.site'), t('person.duty'), t('person.certificate-no'), t('person.certificate-status'), t('readiness.column')],
      rows(), ({ e, p, r }) => [
        e.name, e.jurisdictionName, p.fullName, maskIdNumber(app.pii.decrypt(p.idNumberEnc)), p.siteName ?? '', p.dutyStatus ? t(`duty.${p.dutyStatus}`) : '',
        p.certificateNo ?? '', p.certificateStatus ? t(`certificate.${p.certificateStatus}`) : '', p.certificateStatus === 'valid' ? t('readiness.certified') : t(`readiness.status.${r.status}`) + (r.stale ? ` ${t('readiness.stale-mark')}` : '')
      ])
  })

  app.get('/jurisdiction/enterprises/:id', { config: POLICE }, async (req, reply) => {
    const id = idParam(req)
    const enterprise = await app.exec(findEnterprise, id, await subtreeOf(req))
    if (!enterprise) return await h.denied(req, 'enterprise', id)
    const page = await app.exec(pagePeople, await app.exec(loadScope, req.actor!), { enterpriseId: enterprise.id }, keysetRequest(req, PEOPLE_KEY))
    const people = page.rows
    // Readiness of this page's people only, as stored.
    const shown = await app.exec(readinessOfPeople, people.map((p) => p.id))
    const current = await app.exec(currentStatements, people.map((p) => p.id), h.now())
    const rows = people.map((p) => {
      const ev = shown.get(p.id)!
      return { ...personView(p, app.pii.decrypt, h.today()), readiness: ev.status, stale: ev.stale, reasons: reasonsOf(ev, req.t), statement: current.get(p.id) }
    })
    const stale = rows.filter((r) => r.stale).length
    const supervision = await app.exec(supervisionSummary, await app.exec(loadScope, req.actor!), h.today(), await app.exec(uninspectedDays), enterprise.id)
    return reply.page('police/enterprise', { title: 'jurisdiction.enterprise-title', enterprise, people: rows, recomputing: stale > 0 ? await app.exec(countStale) : 0, day: h.day, pager: pager(`/jurisdiction/enterprises/${enterprise.id}`, {}, page), supervision })
  })

  // ---- look-up by full ID number, with a purpose, audited ----

  const lookupPage = (extra: Record<string, unknown> = {}) => ({ title: 'lookup.title', values: { idNumber: '', purpose: '' }, errors: {}, result: null, searched: false, ...extra })

  app.get('/jurisdiction/lookup', { config: POLICE }, async (_req, reply) => reply.page('police/lookup', lookupPage()))

  app.post('/jurisdiction/lookup', { config: POLICE }, async (req, reply) => {
    const form = readForm(req.body, { idNumber: { required: true, max: 30, identifier: true }, purpose: { required: true, max: 200 } })
    const errors: Record<string, string> = { ...form.errors }
    const idNumber = form.values.idNumber.replace(/\s+/g, '').toUpperCase()
    if (!errors.idNumber && !parseIdNumber(idNumber, h.today()).ok) errors.idNumber = 'lookup.id-invalid'
    if (!errors.purpose) errors.purpose = purposeProblem(form.values.purpose) ?? ''
    if (!errors.purpose) delete errors.purpose
    // What was typed comes back to be corrected (this page only, to the officer who typed it; never logged or kept).
    if (Object.keys(errors).length > 0) return reply.code(422).page('police/lookup', lookupPage({ errors, values: form.values }))
    const hmac = app.pii.hash(idNumber)
    const found = (await app.exec(listPeople, await app.exec(loadScope, req.actor!), { idNumberHmac: hmac, limit: 1 }))[0]
    await app.transaction(writeAudit, { ...auditFrom(req, 'police.lookup'), subjectType: found ? 'trainee' : undefined, subjectId: found?.id, details: { purpose: form.values.purpose, found: Boolean(found) } }, h.now())
    if (!found) return reply.code(404).page('police/lookup', lookupPage({ searched: true, values: form.values }))
    const { evaluation } = await h.evaluate(found)
    return reply.page('police/lookup', lookupPage({
      searched: true,
      result: { person: personView(found, app.pii.decrypt, h.today(), { fullId: true }), status: evaluation.status, items: checklist(evaluation.rules, req.t), statements: (await app.exec(listStatements, found.id)).map((s) => statementView(s, h.now(), app.config.publicUrl)) },
      values: { idNumber: '', purpose: form.values.purpose },
      day: h.day
    }))
  })

  // ---- statement verification by code, in the app (the whole snapshot) ----

  app.get('/jurisdiction/verify', { config: POLICE }, async (req, reply) => {
    const typed = queryText(req, 'code', 40)
    if (!typed) return reply.page('police/verify', { title: 'verify.title', code: '', error: null, st: null })
    const code = normaliseCode(typed)
    const st = code ? await app.exec(findStatementByCode, code) : undefined
    await app.transaction(writeAudit, { ...auditFrom(req, 'statement.checked'), subjectType: st ? 'statement' : undefined, subjectId: st?.id, details: { found: Boolean(st) } }, h.now())
    if (!st) return reply.code(code ? 404 : 422).page('police/verify', { title: 'verify.title', code: typed, error: code ? null : 'verify.format', notFound: Boolean(code), st: null })
    const view = statementView(st, h.now(), app.config.publicUrl)
    const inScope = Boolean(await app.exec(findPersonInScope, await app.exec(loadScope, req.actor!), st.traineeId))
    const names = await app.exec(userNames, [st.issuedBy, st.revokedBy])
    return reply.page('police/verify', { title: 'verify.title', code: typed, error: null, st: view, inScope, issuedBy: names.get(st.issuedBy) ?? '', day: h.day })
  })
}
