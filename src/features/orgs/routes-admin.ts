import type { FastifyInstance } from 'fastify'
import { readForm } from '../../lib/form.js'
import { parseCreditCode } from '../../lib/id-checksums.js'
import { NotFound } from '../../http/errors.js'
import { auditFrom, idParam, parseId } from '../../http/params.js'
import { keysetRequest, pager } from '../../http/paging.js'
import {
  ROLES, findUserByUsername, findUserById, generateInitialPassword, hashOneTimePassword, setPassword, setStatus, normaliseUsername,
  type Role
} from '../auth/index.js'
import { JURISDICTION_LEVELS, type JurisdictionLevel } from './vocabulary.js'
import {
  listJurisdictions, findJurisdiction, findJurisdictionByCode, insertJurisdiction, renameJurisdiction,
  pageEnterprises, listEnterpriseChoices, ENTERPRISE_KEY, findEnterprise, findEnterpriseByCreditCode, insertEnterprise, updateEnterprise, listStaffAccounts, insertStaffAccount,
  type EnterpriseInput
} from './queries.js'

const ADMIN = { access: ['admin'] as const }
const STAFF_ROLES = ROLES.filter((r) => r !== 'trainee')
const PARENT_LEVEL: Record<JurisdictionLevel, JurisdictionLevel | null> = { city: null, district: 'city', station: 'district' }

export async function adminRoutes (app: FastifyInstance) {
  const now = () => app.clock.now()

  // ---- jurisdictions ----

  /**
   * A record id typed into a form, or 0 (no record) when it is not one: only a well-formed id within
   * the integer range (params.ts parseId) is looked up, since PostgreSQL refuses NaN or a number past
   * its integer columns' range with an error (a 500) where SQLite just finds nothing.
   */
  const formId = (raw: string) => parseId(raw) ?? 0

  const jurisdictionsPage = async (extra: Record<string, unknown> = {}) => ({
    title: 'jurisdictions.title', jurisdictions: await app.exec(listJurisdictions), levels: JURISDICTION_LEVELS, values: {}, errors: {}, ...extra
  })

  app.get('/admin/jurisdictions', { config: ADMIN }, async (_req, reply) => reply.page('admin/jurisdictions', await jurisdictionsPage()))

  app.post('/admin/jurisdictions', { config: ADMIN }, async (req, reply) => {
    const form = readForm(req.body, { code: { required: true, max: 20, identifier: true }, name: { required: true, max: 100 }, level: { required: true, max: 10 }, parentId: { max: 12 } })
    const errors = { ...form.errors }
    const v = form.values
    const code = v.code.toUpperCase()
    const level = v.level as JurisdictionLevel
    if (!errors.code && !/^[A-Z0-9-]{2,20}$/.test(code)) errors.code = 'jurisdictions.code-format'
    else if (!errors.code && await app.exec(findJurisdictionByCode, code)) errors.code = 'jurisdictions.code-taken'
    if (!errors.level && !(JURISDICTION_LEVELS as readonly string[]).includes(level)) errors.level = 'form.invalid'
    const parent = v.parentId ? await app.exec(findJurisdiction, formId(v.parentId)) : undefined
    if (!errors.level && !errors.parentId) {
      const wanted = PARENT_LEVEL[level]
      if (wanted === null && v.parentId) errors.parentId = 'jurisdictions.city-no-parent'
      if (wanted !== null && parent?.level !== wanted) errors.parentId = `jurisdictions.parent-${level}`
    }
    if (Object.keys(errors).length > 0) return reply.code(422).page('admin/jurisdictions', await jurisdictionsPage({ values: v, errors }))
    await app.transaction(insertJurisdiction, { code, name: v.name, level, parentId: parent?.id ?? null }, auditFrom(req, 'jurisdiction.created'), now())
    return reply.seeOther('/admin/jurisdictions', 'flash.saved')
  })

  app.post('/admin/jurisdictions/:id', { config: ADMIN }, async (req, reply) => {
    const j = await app.exec(findJurisdiction, idParam(req))
    if (!j) throw new NotFound()
    const form = readForm(req.body, { name: { required: true, max: 100 } })
    if (!form.ok) return reply.code(422).page('admin/jurisdictions', await jurisdictionsPage({ renameErrors: { [j.id]: form.errors.name }, renameValues: { [j.id]: form.values.name } }))
    await app.transaction(renameJurisdiction, j.id, form.values.name, auditFrom(req, 'jurisdiction.renamed'), now())
    return reply.seeOther('/admin/jurisdictions', 'flash.saved')
  })

  // ---- enterprises ----

  const ENTERPRISE_FORM = { name: { required: true, max: 100 }, creditCode: { required: true, max: 30, identifier: true }, address: { max: 200 }, jurisdictionId: { required: true, max: 12 } } as const

  const checkEnterprise = async (body: unknown, selfId?: number) => {
    const form = readForm(body, ENTERPRISE_FORM)
    const errors = { ...form.errors }
    let creditCode = form.values.creditCode
    if (!errors.creditCode) {
      const parsed = parseCreditCode(creditCode)
      if (!parsed.ok) errors.creditCode = `enterprise.credit-${parsed.problem}`
      else {
        creditCode = parsed.value
        const other = await app.exec(findEnterpriseByCreditCode, creditCode)
        if (other && other.id !== selfId) errors.creditCode = 'enterprise.credit-taken'
      }
    }
    const jurisdictionId = formId(form.values.jurisdictionId)
    if (!errors.jurisdictionId && !(jurisdictionId && await app.exec(findJurisdiction, jurisdictionId))) errors.jurisdictionId = 'form.invalid'
    const value: EnterpriseInput = { name: form.values.name, creditCode, address: form.values.address, jurisdictionId }
    return { errors, values: form.values, value, ok: Object.keys(errors).length === 0 }
  }

  const enterpriseForm = async (extra: Record<string, unknown>) => ({ jurisdictions: await app.exec(listJurisdictions), errors: {}, ...extra })

  app.get('/admin/enterprises', { config: ADMIN }, async (req, reply) => {
    const page = await app.exec(pageEnterprises, undefined, keysetRequest(req, ENTERPRISE_KEY))
    return reply.page('admin/enterprises', { title: 'enterprises.title', enterprises: page.rows, pager: pager('/admin/enterprises', {}, page) })
  })

  app.get('/admin/enterprises/new', { config: ADMIN }, async (_req, reply) => {
    return reply.page('admin/enterprise-form', await enterpriseForm({ title: 'enterprises.new-title', action: '/admin/enterprises', values: {} }))
  })

  app.post('/admin/enterprises', { config: ADMIN }, async (req, reply) => {
    const r = await checkEnterprise(req.body)
    if (!r.ok) return reply.code(422).page('admin/enterprise-form', await enterpriseForm({ title: 'enterprises.new-title', action: '/admin/enterprises', values: r.values, errors: r.errors }))
    await app.transaction(insertEnterprise, r.value, auditFrom(req, 'enterprise.created'), now())
    return reply.seeOther('/admin/enterprises', 'flash.saved')
  })

  app.get('/admin/enterprises/:id/edit', { config: ADMIN }, async (req, reply) => {
    const e = await app.exec(findEnterprise, idParam(req))
    if (!e) throw new NotFound()
    return reply.page('admin/enterprise-form', await enterpriseForm({ title: 'enterprises.edit-title', action: `/admin/enterprises/${e.id}`, values: { ...e, jurisdictionId: String(e.jurisdictionId) } }))
  })

  app.post('/admin/enterprises/:id', { config: ADMIN }, async (req, reply) => {
    const e = await app.exec(findEnterprise, idParam(req))
    if (!e) throw new NotFound()
    const r = await checkEnterprise(req.body, e.id)
    if (!r.ok) return reply.code(422).page('admin/enterprise-form', await enterpriseForm({ title: 'enterprises.edit-title', action: `/admin/enterprises/${e.id}`, values: r.values, errors: r.errors }))
    await app.transaction(updateEnterprise, e.id, r.value, auditFrom(req, 'enterprise.updated'), now())
    return reply.seeOther('/admin/enterprises', 'flash.saved')
  })

  // ---- staff accounts (trainers, police, administrators) ----

  // A trainer account's employer is chosen in a <select> of every enterprise of the province (ids
  // and names only, about 2,000 rows of one small table; no counts).
  const accountForm = async (extra: Record<string, unknown>) => ({
    title: 'accounts.new-title', roles: STAFF_ROLES, enterprises: await app.exec(listEnterpriseChoices), jurisdictions: await app.exec(listJurisdictions), values: { role: 'trainer' }, errors: {}, ...extra
  })

  app.get('/admin/accounts', { config: ADMIN }, async (_req, reply) => {
    return reply.page('admin/accounts', { title: 'accounts.title', accounts: await app.exec(listStaffAccounts) })
  })

  app.get('/admin/accounts/new', { config: ADMIN }, async (_req, reply) => reply.page('admin/account-form', await accountForm({})))

  app.post('/admin/accounts', { config: ADMIN }, async (req, reply) => {
    const form = readForm(req.body, { role: { required: true, max: 10 }, username: { required: true, max: 64, identifier: true }, displayName: { required: true, max: 100 }, enterpriseId: { max: 12 }, jurisdictionId: { max: 12 } })
    const errors = { ...form.errors }
    const v = form.values
    const role = v.role as Role
    const username = normaliseUsername(v.username)
    if (!errors.role && !(STAFF_ROLES as readonly string[]).includes(role)) errors.role = 'form.invalid'
    if (!errors.username && !/^[a-z0-9._-]{2,64}$/.test(username)) errors.username = 'accounts.username-format'
    else if (!errors.username && (await app.exec(findUserByUsername, username))) errors.username = 'accounts.username-taken'
    const enterprise = role === 'trainer' ? await app.exec(findEnterprise, formId(v.enterpriseId)) : undefined
    const jurisdiction = role === 'police' ? await app.exec(findJurisdiction, formId(v.jurisdictionId)) : undefined
    if (role === 'trainer' && !enterprise) errors.enterpriseId = 'accounts.enterprise-required'
    if (role === 'police' && !jurisdiction) errors.jurisdictionId = 'accounts.jurisdiction-required'
    if (Object.keys(errors).length > 0) return reply.code(422).page('admin/account-form', await accountForm({ values: v, errors }))
    const password = generateInitialPassword()
    const passwordHash = await hashOneTimePassword(password)
    const user = await app.transaction(insertStaffAccount, {
      username, displayName: v.displayName, role, passwordHash, enterpriseId: enterprise?.id ?? null, jurisdictionId: jurisdiction?.id ?? null
    }, auditFrom(req, 'account.created'), now())
    return reply.page('accounts/slip', { title: 'slip.title', slips: [{ displayName: user.displayName, username: user.username, password }], back: '/admin/accounts', loginUrl: new URL('/login', app.config.publicUrl).href })
  })

  const staffAccount = async (id: number) => {
    const user = await app.exec(findUserById, id)
    if (!user || user.role === 'trainee') throw new NotFound()
    return user
  }

  app.post('/admin/accounts/:id/status', { config: ADMIN }, async (req, reply) => {
    const user = await staffAccount(idParam(req))
    const form = readForm(req.body, { status: { required: true, max: 10 } })
    const status = form.values.status
    if ((status !== 'active' && status !== 'disabled') || user.id === req.actor!.id) {
      return reply.code(422).page('admin/accounts', { title: 'accounts.title', accounts: await app.exec(listStaffAccounts), error: user.id === req.actor!.id ? 'accounts.not-yourself' : 'form.invalid' })
    }
    await app.transaction(setStatus, user.id, status, { ...auditFrom(req, status === 'active' ? 'account.enabled' : 'account.disabled'), subjectType: 'user', subjectId: user.id }, now())
    return reply.seeOther('/admin/accounts', status === 'active' ? 'flash.login-enabled' : 'flash.login-disabled')
  })

  app.post('/admin/accounts/:id/password', { config: ADMIN }, async (req, reply) => {
    const user = await staffAccount(idParam(req))
    const password = generateInitialPassword()
    await app.transaction(setPassword, user.id, await hashOneTimePassword(password), { mustChange: true, signIn: false },
      { ...auditFrom(req, 'account.password-reset'), subjectType: 'user', subjectId: user.id }, now())
    return reply.page('accounts/slip', { title: 'slip.title', slips: [{ displayName: user.displayName, username: user.username, password }], back: '/admin/accounts', loginUrl: new URL('/login', app.config.publicUrl).href })
  })
}
