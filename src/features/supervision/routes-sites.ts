import type { FastifyInstance, FastifyRequest } from 'fastify'
import { BadRequest } from '../../http/errors.js'
import { auditFrom, idParam, queryId, queryText } from '../../http/params.js'
import { hrefWith, keysetRequest, pager } from '../../http/paging.js'
import { readForm } from '../../lib/form.js'
import { supervisionHelpers } from './helpers.js'
import { pageSiteCounts, siteCounts, SITE_KEY } from './site-counts.js'
import {
  loadScope, listPeople, personView, findSiteInScope, listStations, siteNameTaken, insertSite, updateSite, findEnterprise, type SiteRow
} from '../orgs/index.js'

const TRAINER = { access: ['trainer'] as const }
const SITE_READERS = { access: ['trainer', 'police', 'admin'] as const }

/** Managed sites: the enterprise's trainers keep them; police of the site's area and of the enterprise's registration read them. */
export async function siteRoutes (app: FastifyInstance) {
  const { now, today, denied } = supervisionHelpers(app)

  /** The site :id if the actor may see it (with what they may do); else 404, a police officer's refusal audited. */
  const siteFor = async (req: FastifyRequest, need: 'read' | 'manage' = 'read'): Promise<SiteRow & { access: 'manage' | 'read' }> => {
    const id = idParam(req)
    const site = await app.exec(findSiteInScope, await app.exec(loadScope, req.actor!), id)
    if (!site || (need === 'manage' && site.access !== 'manage')) return await denied(req, 'site', id)
    return site
  }

  const enterpriseOf = async (req: FastifyRequest) => {
    const e = req.actor!.enterpriseId ? await app.exec(findEnterprise, req.actor!.enterpriseId) : undefined
    if (!e) throw new BadRequest('roster.no-enterprise')
    return e
  }

  // The sites the actor sees, by enterprise and name, each counted (posted, on duty, on duty without a certificate, eligible): keyset pages, the true total, filters in the URL.
  app.get('/supervision/sites', { config: SITE_READERS }, async (req, reply) => {
    const scope = await app.exec(loadScope, req.actor!)
    const police = req.actor!.role === 'police'
    const areaOnly = police && queryText(req, 'area', 1) === '1'
    const enterpriseId = queryId(req, 'enterprise')
    const enterprise = enterpriseId ? await app.exec(findEnterprise, enterpriseId) : undefined
    const page = await app.exec(pageSiteCounts, scope, { areaOnly, enterpriseId: enterprise?.id }, keysetRequest(req, SITE_KEY))
    const query = { area: areaOnly ? '1' : '', enterprise: enterprise ? String(enterprise.id) : '' }
    return reply.page('supervision/sites', {
      title: 'sites.title', sites: page.rows, pager: pager('/supervision/sites', query, page), areaOnly, enterprise: enterprise ?? null,
      areaOnHref: hrefWith('/supervision/sites', { ...query, area: '1' }), areaOffHref: hrefWith('/supervision/sites', { ...query, area: '' }), allHref: hrefWith('/supervision/sites', { area: query.area }),
      canAdd: req.actor!.role === 'trainer', police, ownJurisdictions: scope.kind === 'jurisdictions' ? scope.jurisdictionIds : []
    })
  })

  const formPage = async (extra: Record<string, unknown>) => ({ stations: await app.exec(listStations), errors: {}, ...extra })
  const readSite = async (body: unknown) => {
    const form = readForm(body, { name: { required: true, max: 100 }, address: { max: 200 }, jurisdictionId: { required: true, max: 16 } })
    const errors = { ...form.errors }
    const jurisdictionId = Number(form.values.jurisdictionId)
    if (!errors.jurisdictionId && !(await app.exec(listStations)).some((s) => s.id === jurisdictionId)) errors.jurisdictionId = 'sites.station-unknown'
    return { values: form.values, errors, input: { name: form.values.name, address: form.values.address, jurisdictionId } }
  }

  app.get('/supervision/sites/new', { config: TRAINER }, async (req, reply) => {
    await enterpriseOf(req)
    return reply.page('supervision/site-form', await formPage({ title: 'sites.new-title', action: '/supervision/sites', values: { name: '', address: '', jurisdictionId: '' } }))
  })

  app.post('/supervision/sites', { config: TRAINER }, async (req, reply) => {
    const enterprise = await enterpriseOf(req)
    const { values, errors, input } = await readSite(req.body)
    if (!errors.name && await app.exec(siteNameTaken, enterprise.id, input.name)) errors.name = 'sites.name-taken'
    if (Object.keys(errors).length > 0) return reply.code(422).page('supervision/site-form', await formPage({ title: 'sites.new-title', action: '/supervision/sites', values, errors }))
    const id = await app.transaction(insertSite, enterprise.id, input, auditFrom(req, 'site.created'), now())
    return reply.seeOther(`/supervision/sites/${id}`, 'flash.site-created')
  })

  app.get('/supervision/sites/:id', { config: SITE_READERS }, async (req, reply) => {
    const site = await siteFor(req)
    // The guards posted there, read through the person scope: a station officer sees them through the site rule.
    const scope = await app.exec(loadScope, req.actor!)
    const guards = (await app.exec(listPeople, scope, { siteId: site.id, limit: 500 })).map((p) => personView(p, app.pii.decrypt, today()))
    return reply.page('supervision/site', { title: 'sites.site-title', site, guards, counts: (await app.exec(siteCounts, scope, site.id)) ?? null })
  })

  app.get('/supervision/sites/:id/edit', { config: TRAINER }, async (req, reply) => {
    const site = await siteFor(req, 'manage')
    return reply.page('supervision/site-form', await formPage({ title: 'sites.edit-title', action: `/supervision/sites/${site.id}`, values: { name: site.name, address: site.address, jurisdictionId: String(site.jurisdictionId) } }))
  })

  app.post('/supervision/sites/:id', { config: TRAINER }, async (req, reply) => {
    const site = await siteFor(req, 'manage')
    const { values, errors, input } = await readSite(req.body)
    if (!errors.name && await app.exec(siteNameTaken, site.enterpriseId, input.name, site.id)) errors.name = 'sites.name-taken'
    if (Object.keys(errors).length > 0) return reply.code(422).page('supervision/site-form', await formPage({ title: 'sites.edit-title', action: `/supervision/sites/${site.id}`, values, errors }))
    await app.transaction(updateSite, site.id, input, auditFrom(req, 'site.updated'), now())
    return reply.seeOther(`/supervision/sites/${site.id}`, 'flash.site-saved')
  })
}
