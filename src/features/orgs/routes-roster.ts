import type { FastifyInstance, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import { localDate } from '../../lib/time.js'
import { decodeSpreadsheetBytes, parseCsv } from '../../lib/csv.js'
import { sendCsvStream } from '../../http/csv-export.js'
import { readForm } from '../../lib/form.js'
import { BadRequest } from '../../http/errors.js'
import { auditFrom, queryText } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import { writeAudit } from '../audit/index.js'
import { generateInitialPassword, hashOneTimePassword, hashOneTimePasswords, findUserByUsername, randomString } from '../auth/index.js'
import { validatePerson, type ValidPerson } from './people.js'
import { mapRosterRows, type ImportRow } from './roster-import.js'
import { personView } from './view.js'
import { sitesOfEnterprise } from './sites.js'
import { DUTY_STATUSES, EDUCATION_LEVELS, type DutyStatus } from './vocabulary.js'
import {
  loadScope, pagePeople, countFlagged, eachPeople, countPeople, PEOPLE_KEY, findPersonByIdHmac, findPeopleByIdHmac, insertPerson, employPerson, findEnterprise, saveCheckedImport, findCheckedImport, importCheckedRows, employmentConflict,
  type EncryptedPerson, type NewLogin, type CheckedImportRow
} from './queries.js'

const TRAINER = { access: ['trainer'] as const }
const MAX_UPLOAD = 1024 * 1024
/** The most people one file may list (the header row aside). */
export const MAX_IMPORT_PEOPLE = 5000
/** How long a checked file waits for its confirmation. */
const IMPORT_TTL_MS = 30 * 60_000
const IMPORT_TOKEN_BYTES = 26 // 130 bits

export interface Slip { displayName: string, username: string, password: string }

/** A fresh trainee username: "gp" and six digits, not yet taken. */
export function newTraineeUsername (taken: (u: string) => boolean): string {
  for (;;) {
    const n = crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000
    const u = `gp${String(n).padStart(6, '0')}`
    if (!taken(u)) return u
  }
}

export async function rosterRoutes (app: FastifyInstance) {
  await app.register(multipart, { limits: { fileSize: MAX_UPLOAD, files: 1, fields: 5, parts: 6 } })
  const now = () => app.clock.now()
  const today = () => localDate(now(), app.config.timeZone)
  const enterpriseOf = async (req: FastifyRequest) => {
    const e = req.actor!.enterpriseId ? await app.exec(findEnterprise, req.actor!.enterpriseId) : undefined
    if (!e) throw new BadRequest('roster.no-enterprise')
    return e
  }
  // The raw ID number goes no further than this: what is stored is the cipher text and the keyed hash.
  const encrypt = ({ idNumber, ...p }: ValidPerson): EncryptedPerson => ({ ...p, idNumberEnc: app.pii.encrypt(idNumber), idNumberHmac: app.pii.hash(idNumber) })
  const newLogin = async (fullName: string): Promise<NewLogin & { password: string }> => {
    const password = generateInitialPassword()
    // A random candidate at a time, until one is free.
    let username = newTraineeUsername(() => false)
    while (await app.exec(findUserByUsername, username) !== undefined) username = newTraineeUsername(() => false)
    return { username, displayName: fullName, password, passwordHash: await hashOneTimePassword(password) }
  }

  app.get('/roster', { config: TRAINER }, async (req, reply) => {
    const enterprise = await enterpriseOf(req)
    const q = queryText(req, 'q')
    const dutyText = queryText(req, 'duty')
    const duty = (DUTY_STATUSES as readonly string[]).includes(dutyText) ? dutyText as DutyStatus : undefined
    const compact = q.replace(/\s+/g, '').toUpperCase()
    const byId = /^\d{17}[\dX]$/.test(compact)
    const scope = await app.exec(loadScope, req.actor!)
    const page = await app.exec(pagePeople, scope, { text: byId ? undefined : q, idNumberHmac: byId ? app.pii.hash(compact) : undefined, duty }, keysetRequest(req, PEOPLE_KEY))
    const people = page.rows.map((p) => personView(p, app.pii.decrypt, today()))
    return reply.page('roster/index', {
      title: 'roster.title', enterprise, people, q, duty: duty ?? '', dutyStatuses: DUTY_STATUSES.filter((d) => d !== 'released'),
      flagged: await app.exec(countFlagged, scope), pager: pager('/roster', { q, duty: duty ?? '' }, page)
    })
  })

  app.get('/roster/new', { config: TRAINER }, async (req, reply) => {
    await enterpriseOf(req)
    return reply.page('roster/new', { title: 'roster.add-title', values: { education: 'junior-middle' }, errors: {}, educations: EDUCATION_LEVELS })
  })

  app.post('/roster', { config: TRAINER }, async (req, reply) => {
    const enterprise = await enterpriseOf(req)
    const result = validatePerson(req.body, today())
    const again = (errors: Record<string, string>, notice?: string) =>
      reply.code(422).page('roster/new', { title: 'roster.add-title', values: result.values, errors, notice, educations: EDUCATION_LEVELS })
    if (!result.ok) return again(result.errors)
    const person = encrypt(result.value)
    const existing = await app.exec(findPersonByIdHmac, person.idNumberHmac)
    // Neutral: never say which company employs them.
    const conflict = employmentConflict(existing?.employerId, enterprise.id)
    if (conflict) return again({ idNumber: conflict })
    if (existing) {
      await app.transaction(employPerson, existing.id, enterprise.id, today(), auditFrom(req, 'employment.started'), now())
      return reply.seeOther(`/people/${existing.id}`, 'flash.person-rejoined', { name: existing.fullName })
    }
    const login = await newLogin(person.fullName)
    const traineeId = await app.transaction(insertPerson, person, enterprise.id, login, today(), auditFrom(req, 'person.created'), now())
    return reply.page('accounts/slip', { title: 'slip.title', slips: [{ displayName: person.fullName, username: login.username, password: login.password }], back: `/people/${traineeId}`, loginUrl: new URL('/login', app.config.publicUrl).href })
  })

  app.get('/roster/export.csv', { config: TRAINER }, async (req, reply) => {
    const enterprise = await enterpriseOf(req)
    const t = req.t
    const scope = await app.exec(loadScope, req.actor!)
    const rows = await app.exec(countPeople, scope)
    await app.transaction(writeAudit, { ...auditFrom(req, 'roster.exported'), subjectType: 'enterprise', subjectId: enterprise.id, details: { rows } }, now())
    return sendCsvStream(reply, `roster-${today()}.csv`,
      [t('person.full-name'), t('person.id-number'), t('person.phone'), t('person.education'), t('person.duty'), t('person.certificate-no'), t('person.certificate-issued-on'), t('person.certificate-status'), t('person.username')],
      eachPeople(app.db, scope), (p) => [
        p.fullName, app.pii.decrypt(p.idNumberEnc), p.phone, t(`education.${p.education}`), p.dutyStatus ? t(`duty.${p.dutyStatus}`) : '',
        p.certificateNo ?? '', p.certificateIssuedOn ?? '', p.certificateStatus ? t(`certificate.${p.certificateStatus}`) : '', p.username ?? ''
      ])
  })

  app.get('/roster/import', { config: TRAINER }, async (req, reply) => {
    await enterpriseOf(req)
    return reply.page('roster/import', { title: 'import.title', error: null })
  })

  /** Decoding, parsing and checking of an uploaded file against the roster as it is now. */
  const checkImport = async (text: string, enterpriseId: number) => {
    // The header row is not a person: the cap counts people.
    const parsed = parseCsv(text, { maxRows: MAX_IMPORT_PEOPLE + 1 })
    if (!parsed.ok) return { error: { key: `import.${parsed.reason}`, params: { line: parsed.line, max: MAX_IMPORT_PEOPLE } } }
    const mapped = mapRosterRows(parsed.rows, today(), new Map((await app.exec(sitesOfEnterprise, enterpriseId)).map((s) => [s.name, s.id])))
    if (!mapped.ok) return { error: { key: mapped.key, params: mapped.params } }
    // Everyone already on record, in one read of the file's valid rows.
    const valid = mapped.rows.filter((r) => r.ok)
    const found = await app.exec(findPeopleByIdHmac, valid.map((r) => app.pii.hash(r.person.idNumber)))
    const existingOf = new Map(valid.map((r, i) => [r.row, found[i]]))
    const rows = mapped.rows.map((r): ImportRow & { returning?: number } => {
      if (!r.ok) return r
      const existing = existingOf.get(r.row)
      const conflict = employmentConflict(existing?.employerId, enterpriseId)
      if (conflict) return { row: r.row, ok: false, fullName: r.person.fullName, problems: [{ field: 'idNumber', key: conflict }] }
      return existing ? { ...r, returning: existing.id } : r
    })
    return { rows, invalid: rows.filter((r) => !r.ok).length }
  }

  app.post('/roster/import', { config: TRAINER }, async (req, reply) => {
    const enterprise = await enterpriseOf(req)
    const refuse = (key: string, params?: Record<string, string | number>) =>
      reply.code(422).page('roster/import', { title: 'import.title', error: { key, params } })
    if (!req.isMultipart()) return refuse('import.choose-file')
    let bytes: Buffer | undefined
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file' && part.fieldname === 'file') {
          bytes = await part.toBuffer()
        }
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return refuse('import.too-large')
      return refuse('import.unreadable')
    }
    if (!bytes || bytes.length === 0) return refuse('import.choose-file')
    const decoded = decodeSpreadsheetBytes(bytes)
    if (!decoded.ok) return refuse(`import.decode-${decoded.reason}`)
    const checked = await checkImport(decoded.text, enterprise.id)
    if ('error' in checked) return refuse(checked.error!.key, checked.error!.params)
    if (checked.invalid > 0) return reply.code(422).page('roster/preview', { title: 'import.preview-title', ...checked })
    // Every row is right: the rows themselves wait for the confirmation (encrypted), under a token.
    const token = randomString(IMPORT_TOKEN_BYTES)
    await app.transaction(saveCheckedImport, token, req.actor!.id, enterprise.id, checked.rows.map((r): CheckedImportRow => {
      const p = r as Extract<ImportRow, { ok: true }> & { returning?: number }
      return { row: p.row, ...encrypt(p.person), returning: p.returning ?? null, siteId: p.siteId }
    }), now(), IMPORT_TTL_MS)
    return reply.page('roster/preview', { title: 'import.preview-title', ...checked, token, expiresAt: new Date(now().getTime() + IMPORT_TTL_MS) })
  })

  app.post('/roster/import/confirm', { config: TRAINER }, async (req, reply) => {
    const enterprise = await enterpriseOf(req)
    const form = readForm(req.body, { token: { required: true, max: 64, identifier: true } })
    const gone = () => reply.code(410).page('roster/import', { title: 'import.title', error: { key: 'import.expired', params: { minutes: IMPORT_TTL_MS / 60_000 } } })
    if (!form.ok) return gone()
    const found = await app.exec(findCheckedImport, form.values.token, req.actor!.id, enterprise.id, now())
    if (!found) return gone()
    // Hash the new people's one-time passwords before the transaction (it must not wait on anything), a few at a time.
    const newcomers = found.rows.filter((r) => r.returning === null)
    const passwords = newcomers.map(() => generateInitialPassword())
    const hashes = await hashOneTimePasswords(passwords)
    const outcome = await app.transaction(importCheckedRows, form.values.token, enterprise.id, found.rows, hashes, newTraineeUsername, today(), auditFrom(req, 'person.created'), now())
    if (!outcome.ok && outcome.reason === 'gone') return gone()
    if (!outcome.ok) {
      // Someone changed the roster since the preview (employed one of these people): a real conflict, named row by row.
      const rows = outcome.rows.map(({ row, problem }) => problem
        ? { row: row.row, ok: false, fullName: row.fullName, problems: [{ field: 'idNumber', key: problem }] }
        : { row: row.row, ok: true, person: { fullName: row.fullName }, returning: row.returning ?? undefined })
      return reply.code(409).page('roster/preview', { title: 'import.preview-title', rows, invalid: rows.filter((r) => !r.ok).length, changed: true })
    }
    const slips: Slip[] = outcome.added.map((a) => ({ displayName: a.fullName, username: a.username, password: passwords[a.passwordIndex]! }))
    return reply.page('accounts/slip', { title: 'slip.title', slips, imported: found.rows.length, back: '/roster', loginUrl: new URL('/login', app.config.publicUrl).href })
  })
}
