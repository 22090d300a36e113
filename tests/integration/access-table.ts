import type { Access } from '../../src/http/types.js'
import type { World } from '../helpers/world.js'
import { FORM_HEADERS, form, type TestApp } from '../helpers/app.js'
import type { Role } from '../../src/features/auth/index.js'
import { eq } from 'drizzle-orm'
import { cohorts, cohortMembers, curricula, curriculumItems, assignments, sites, inspections, inspectionItems, checklistItems, photos, rectificationNotices, noticeItems, enterpriseMessages, messageTargets, messageAttachments, braveryReports, escalationCases } from '../../src/db/schema.js'
import { photoDir, writePhotoFile } from '../../src/features/supervision/photos.js'
import { pngWithLocation } from '../helpers/images.js'

/**
 * Every route of the app, who may call it, and how the access test calls it.
 * The access test fails for any route registered by the app and missing here,
 * so a new route cannot ship without its access being decided and tested.
 *
 * Role checks call a parametrised route on an id that does not exist (999999):
 * an allowed role gets 404 or a form error, any other role 403, and nothing
 * changes. `owned` routes hold records: the test calls them as the owner and as
 * an outsider of the same role on the same id: the outsider gets 404 and
 * changes nothing, the owner gets `ownerStatus` (200 unless said).
 */
export interface OwnedCase {
  url: string
  owner: string
  outsider: string
  payload?: Record<string, string>
  ownerStatus?: number
}

export interface RouteCase {
  access: Access
  /** The concrete URL for role checks; defaults to the route with :id = 999999. */
  url?: string
  payload?: Record<string, string>
  /** The route itself ends at /login when allowed (sign-out). */
  endsAtLogin?: boolean
  owned?: (w: World) => Promise<OwnedCase[]>
}

const trainerPair = (w: World, traineeId: number) => ({ owner: w.cookie('trainerA'), outsider: w.cookie('trainerB'), url: `/people/${traineeId}` })

export const ROUTES: Record<string, RouteCase> = {
  'GET /healthz': { access: 'public' },
  'GET /login': { access: 'public' },
  'POST /login': { access: 'public', payload: { username: 'nobody', password: 'nothing at all' } },
  'POST /logout': { access: 'signed-in', endsAtLogin: true },
  'POST /language': { access: 'public', payload: { lang: 'en', back: '/' } },
  'GET /account/password': { access: 'signed-in' },
  'POST /account/password': { access: 'signed-in', payload: { current: 'x' } },
  'GET /': { access: 'signed-in' },
  'GET /static/*': { access: 'public', url: '/static/app.css' },
  'GET /static/vendor/*': { access: 'public', url: '/static/vendor/htmx-2.0.11.min.js' },

  // trainee
  'GET /privacy': { access: ['trainee'] },
  'POST /privacy': { access: ['trainee'] },
  'GET /me': { access: ['trainee'] },

  // trainer: roster
  'GET /roster': { access: ['trainer'] },
  'GET /roster/new': { access: ['trainer'] },
  'POST /roster': { access: ['trainer'], payload: { fullName: '' } },
  'GET /roster/import': { access: ['trainer'] },
  'POST /roster/import': { access: ['trainer'] },
  'POST /roster/import/confirm': { access: ['trainer'] },
  'GET /roster/export.csv': { access: ['trainer'] },

  // people: staff read, trainer writes; owner 200, outsider 404 on the same id
  'GET /people/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => [
      trainerPair(w, w.ids.personA),
      { url: `/people/${w.ids.personA}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') },
      { url: `/people/${w.ids.personA}`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2') }
    ]
  },
  'GET /people/:id/edit': { access: ['trainer'], owned: async (w) => [{ ...trainerPair(w, w.ids.personA), url: `/people/${w.ids.personA}/edit` }] },
  'POST /people/:id': { access: ['trainer'], owned: async (w) => [{ ...trainerPair(w, w.ids.personA), url: `/people/${w.ids.personA}`, payload: { fullName: '' }, ownerStatus: 422 }] },
  'POST /people/:id/declarations': { access: ['trainer'], owned: async (w) => [{ ...trainerPair(w, w.ids.personA), url: `/people/${w.ids.personA}/declarations`, payload: { healthy: 'yes' }, ownerStatus: 303 }] },
  'POST /people/:id/certificate': { access: ['trainer'], owned: async (w) => [{ ...trainerPair(w, w.ids.personA), url: `/people/${w.ids.personA}/certificate`, payload: { certificateNo: 'AB1234', issuedOn: '2025-01-01', status: 'valid' }, ownerStatus: 303 }] },
  'POST /people/:id/duty': { access: ['trainer'], owned: async (w) => [{ ...trainerPair(w, w.ids.personA), url: `/people/${w.ids.personA}/duty`, payload: { duty: 'in-training' }, ownerStatus: 303 }] },
  'POST /people/:id/release': {
    access: ['trainer'],
    owned: async (w) => {
      const p = await w.addPerson(w.ids.entA, 'Releasable')
      return [{ ...trainerPair(w, p.traineeId), url: `/people/${p.traineeId}/release`, ownerStatus: 303 }]
    }
  },
  'POST /people/:id/password': {
    access: ['trainer'],
    owned: async (w) => {
      const p = await w.addPerson(w.ids.entA, 'Resettable')
      return [{ ...trainerPair(w, p.traineeId), url: `/people/${p.traineeId}/password` }]
    }
  },
  'POST /people/:id/site': { access: ['trainer'], owned: async (w) => [{ ...trainerPair(w, w.ids.personA), url: `/people/${w.ids.personA}/site`, payload: { siteId: '' }, ownerStatus: 303 }] },
  'POST /people/:id/login': { access: ['trainer'], owned: async (w) => [{ ...trainerPair(w, w.ids.personA), url: `/people/${w.ids.personA}/login`, payload: { status: 'active' }, ownerStatus: 303 }] },

  // police
  'GET /jurisdiction': { access: ['police'] },
  'GET /jurisdiction/export.csv': { access: ['police'] },
  'GET /jurisdiction/people.csv': { access: ['police'] },
  'GET /jurisdiction/lookup': { access: ['police'] },
  'POST /jurisdiction/lookup': { access: ['police'], payload: { idNumber: '', purpose: '' } },
  'GET /jurisdiction/verify': { access: ['police'] },
  'GET /jurisdiction/audit': { access: ['police'] },
  'GET /jurisdiction/audit/export.csv': { access: ['police'] },

  // readiness: checklists, statements, sittings and applications
  'GET /readiness': { access: ['trainee'] },
  'GET /readiness/roster': { access: ['trainer'] },
  'GET /readiness/people/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => [
      { url: `/readiness/people/${w.ids.personA}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
      { url: `/readiness/people/${w.ids.personA}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }
    ]
  },
  // Trainee A is not eligible in the world, so the owner's issue is refused with 422.
  'POST /readiness/people/:id/statements': { access: ['trainer'], owned: async (w) => [{ url: `/readiness/people/${w.ids.personA}/statements`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB'), ownerStatus: 422 }] },
  'GET /statements/:id': {
    access: ['trainee', 'trainer', 'police', 'admin'],
    owned: async (w) => {
      const id = await w.statement()
      return [
        { url: `/statements/${id}`, owner: (await w.ready()).cookie, outsider: w.cookie('traineeB') },
        { url: `/statements/${id}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/statements/${id}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }
      ]
    }
  },
  'POST /statements/:id/revoke': { access: ['trainer', 'police'], owned: async (w) => [{ url: `/statements/${await w.statement()}/revoke`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB'), payload: { reason: '' }, ownerStatus: 422 }] },
  'GET /sittings': { access: ['trainer', 'police'] },
  'POST /sittings': { access: ['police'], payload: { venue: '' } },
  'GET /sittings/:id': {
    access: ['trainer', 'police'],
    owned: async (w) => {
      const id = await w.sitting()
      return [
        { url: `/sittings/${id}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/sittings/${id}`, owner: w.cookie('policeCity'), outsider: w.cookie('policeS2') }
      ]
    }
  },
  'POST /sittings/:id/applications': { access: ['trainer'], owned: async (w) => [{ url: `/sittings/${await w.sitting()}/applications`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB'), payload: { traineeId: '' }, ownerStatus: 422 }] },
  'GET /applications/:id': {
    access: ['trainee', 'trainer', 'police'],
    owned: async (w) => {
      const id = await w.application()
      return [
        { url: `/applications/${id}`, owner: (await w.ready()).cookie, outsider: w.cookie('traineeB') },
        { url: `/applications/${id}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/applications/${id}`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2') }
      ]
    }
  },
  'POST /applications/:id/decision': { access: ['police'], owned: async (w) => [{ url: `/applications/${await w.application()}/decision`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2'), payload: { decision: 'return', reason: '' }, ownerStatus: 422 }] },
  'POST /applications/:id/result': { access: ['police'], owned: async (w) => [{ url: `/applications/${await w.application()}/result`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2'), payload: { result: 'fail' }, ownerStatus: 422 }] },
  'GET /guide/exam': { access: 'signed-in' },

  // supervision: managed sites (a station sees a site in its area although the enterprise is registered in another)
  'GET /supervision': { access: ['trainer', 'police', 'admin'] },
  'GET /supervision/sites': { access: ['trainer', 'police', 'admin'] },
  'GET /supervision/sites/new': { access: ['trainer'] },
  'POST /supervision/sites': { access: ['trainer'], payload: { name: '' } },
  'GET /supervision/sites/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => {
      const home = await siteOf(w, w.ids.entA, w.ids.s1)
      const away = await siteOf(w, w.ids.entA, w.ids.s2)
      return [
        { url: `/supervision/sites/${home}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/supervision/sites/${home}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') },
        // Enterprise A is registered with S1: its site in S2's area is S2's to see too.
        { url: `/supervision/sites/${away}`, owner: w.cookie('policeS2'), outsider: w.cookie('trainerB') }
      ]
    }
  },
  'GET /supervision/sites/:id/edit': { access: ['trainer'], owned: async (w) => [{ url: `/supervision/sites/${await siteOf(w, w.ids.entA, w.ids.s1)}/edit`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') }] },
  'GET /supervision/inspections': { access: ['trainer', 'police', 'admin'] },
  'GET /supervision/inspections/new': { access: ['police'] },
  'POST /supervision/inspections': { access: ['police'], payload: { site: '' } },
  'GET /supervision/inspections/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => {
      const { inspectionId } = await inspectionOfA(w)
      return [
        { url: `/supervision/inspections/${inspectionId}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/supervision/inspections/${inspectionId}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }
      ]
    }
  },
  'GET /supervision/photos/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => {
      const { photoId } = await inspectionOfA(w)
      return [
        { url: `/supervision/photos/${photoId}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/supervision/photos/${photoId}`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2') }
      ]
    }
  },
  'GET /supervision/notices': { access: ['trainer', 'police', 'admin'] },
  'GET /supervision/notices/new': { access: ['police'], url: '/supervision/notices/new?inspection=999999' },
  'POST /supervision/notices': { access: ['police'], payload: { inspection: '999999' } },
  'GET /supervision/notices/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => {
      const id = await noticeOfA(w)
      return [
        { url: `/supervision/notices/${id}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/supervision/notices/${id}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }
      ]
    }
  },
  'GET /supervision/notices/:id/print': { access: ['trainer', 'police', 'admin'], owned: async (w) => [{ url: `/supervision/notices/${await noticeOfA(w)}/print`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') }] },
  // A response must come as a form with files: the owner's plain form is refused with 422.
  'POST /supervision/notices/:id/items/:item/response': {
    access: ['trainer'], url: '/supervision/notices/999999/items/1/response', payload: { response: 'x' },
    owned: async (w) => [{ url: `/supervision/notices/${await noticeOfA(w)}/items/1/response`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB'), payload: { response: 'x' }, ownerStatus: 422 }]
  },
  'POST /supervision/notices/:id/items/:item/review': {
    access: ['police'], url: '/supervision/notices/999999/items/1/review', payload: { decision: 'return', reason: '' },
    owned: async (w) => [{ url: `/supervision/notices/${await noticeOfA(w)}/items/1/review`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2'), payload: { decision: 'return', reason: '' }, ownerStatus: 422 }]
  },
  'POST /supervision/notices/:id/escalate': {
    access: ['police'], payload: { basis: '' },
    owned: async (w) => [{ url: `/supervision/notices/${await noticeOfA(w)}/escalate`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2'), payload: { basis: '' }, ownerStatus: 422 }]
  },
  'GET /supervision/messages': { access: ['trainer', 'police', 'admin'] },
  'GET /supervision/messages/new': { access: ['police'] },
  'POST /supervision/messages': { access: ['police'], payload: { title: '' } },
  'GET /supervision/messages/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => {
      const id = await messageToA(w)
      return [
        { url: `/supervision/messages/${id}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/supervision/messages/${id}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }
      ]
    }
  },
  'POST /supervision/messages/:id/read': { access: ['trainer'], owned: async (w) => [{ url: `/supervision/messages/${await messageToA(w)}/read`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB'), ownerStatus: 303 }] },
  'POST /supervision/messages/:id/reply': { access: ['trainer'], payload: { reply: '' }, owned: async (w) => [{ url: `/supervision/messages/${await messageToA(w)}/reply`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB'), payload: { reply: '' }, ownerStatus: 422 }] },
  'POST /supervision/messages/:id/briefings': { access: ['police'], payload: { heldOn: '' }, owned: async (w) => [{ url: `/supervision/messages/${await messageToA(w)}/briefings`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2'), payload: { heldOn: '' }, ownerStatus: 422 }] },
  'GET /supervision/attachments/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => {
      const messageId = await messageToA(w)
      const stored = await writePhotoFile(photoDir(w.t.config.databasePath), Buffer.from('%PDF-1.4\n'), w.t.app.pii)
      const id = (await w.t.db.insert(messageAttachments).values({ messageId, name: 'a.pdf', contentType: 'application/pdf', ...stored }).returning())[0]!.id
      return [{ url: `/supervision/attachments/${id}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') }]
    }
  },
  'GET /supervision/bravery': { access: ['trainee', 'trainer', 'police', 'admin'] },
  'GET /supervision/bravery/new': {
    access: ['trainer', 'police'], url: '/supervision/bravery/new?person=999999',
    owned: async (w) => [{ url: `/supervision/bravery/new?person=${w.ids.personA}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') }, { url: `/supervision/bravery/new?person=${w.ids.personA}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }]
  },
  'POST /supervision/bravery': { access: ['trainer', 'police'], payload: { person: '999999' } },
  'GET /supervision/bravery/:id': {
    access: ['trainee', 'trainer', 'police', 'admin'],
    owned: async (w) => {
      const id = await braveryOfA(w)
      return [
        { url: `/supervision/bravery/${id}`, owner: w.cookie('traineeA'), outsider: w.cookie('traineeB') },
        { url: `/supervision/bravery/${id}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/supervision/bravery/${id}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }
      ]
    }
  },
  'POST /supervision/bravery/:id/review': { access: ['police'], payload: { decision: 'forwarded', note: '' }, owned: async (w) => [{ url: `/supervision/bravery/${await braveryOfA(w)}/review`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2'), payload: { decision: 'forwarded', note: '' }, ownerStatus: 422 }] },
  'GET /supervision/cases': { access: ['police', 'admin'] },
  'GET /supervision/cases/:id': { access: ['police', 'admin'], owned: async (w) => [{ url: `/supervision/cases/${await caseOfA(w)}`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2') }] },
  'POST /supervision/cases/:id/close': {
    access: ['police'], payload: { note: '' },
    owned: async (w) => [{ url: `/supervision/cases/${await caseOfA(w)}/close`, owner: w.cookie('policeD1'), outsider: w.cookie('policeS2'), payload: { note: '' }, ownerStatus: 422 }]
  },
  'GET /supervision/enterprises': { access: ['police', 'admin'] },
  'GET /supervision/enterprises.csv': { access: ['police', 'admin'] },
  'POST /admin/supervision-settings': { access: ['admin'], payload: { uninspectedDays: '' } },
  'GET /admin/checklist': { access: ['admin'] },
  'POST /admin/checklist': { access: ['admin'], payload: { titleZh: '' } },
  'POST /admin/checklist/:id': { access: ['admin'], payload: { titleZh: '' } },
  'POST /supervision/sites/:id': { access: ['trainer'], owned: async (w) => [{ url: `/supervision/sites/${await siteOf(w, w.ids.entA, w.ids.s1)}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB'), payload: { name: '' }, ownerStatus: 422 }] },
  'GET /verify': { access: 'public' },
  'GET /verify/:code': { access: 'public', url: '/verify/2222-2222-2222' },
  'GET /api/verify/:code': { access: 'public', url: '/api/verify/2222-2222-2222' },
  'GET /admin/readiness': { access: ['admin'] },
  'POST /admin/readiness': { access: ['admin'], payload: { minAge: 'x' } },
  'GET /jurisdiction/enterprises/:id': {
    access: ['police'],
    owned: async (w) => [
      { url: `/jurisdiction/enterprises/${w.ids.entA}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') },
      { url: `/jurisdiction/enterprises/${w.ids.entA}`, owner: w.cookie('policeCity'), outsider: w.cookie('policeS2') }
    ]
  },

  // admin
  'GET /admin/jurisdictions': { access: ['admin'] },
  'POST /admin/jurisdictions': { access: ['admin'] },
  'POST /admin/jurisdictions/:id': { access: ['admin'], payload: { name: 'x' } },
  'GET /admin/enterprises': { access: ['admin'] },
  'GET /admin/enterprises/new': { access: ['admin'] },
  'POST /admin/enterprises': { access: ['admin'] },
  'GET /admin/enterprises/:id/edit': { access: ['admin'] },
  'POST /admin/enterprises/:id': { access: ['admin'] },
  'GET /admin/accounts': { access: ['admin'] },
  'GET /admin/accounts/new': { access: ['admin'] },
  'POST /admin/accounts': { access: ['admin'] },
  'POST /admin/accounts/:id/status': { access: ['admin'], payload: { status: 'disabled' } },
  'POST /admin/accounts/:id/password': { access: ['admin'] },
  'GET /admin/audit': { access: ['admin'] },
  'GET /admin/audit/export.csv': { access: ['admin'] },
  'GET /admin/bank': { access: ['admin'] },
  'GET /admin/bank/releases/:id': { access: ['admin'] },
  'GET /admin/bank/questions': { access: ['admin'] },
  'GET /admin/bank/questions/:key': { access: ['admin'], url: '/admin/bank/questions/law.none.001' },
  'GET /admin/bank/lessons/:id': { access: ['admin'] },

  // mock exams: the trainee's own attempts; results also for staff within their scope
  'GET /exams': { access: ['trainee'] },
  'POST /exams/start': { access: ['trainee'], payload: { blueprint: 'no-such-blueprint' } },
  'GET /exams/attempts/:id': { access: ['trainee'], owned: async (w) => [await attemptPair(w, '')] },
  'POST /exams/attempts/:id/items/:slot': { access: ['trainee'], url: '/exams/attempts/999999/items/1', owned: async (w) => [{ ...(await attemptPair(w, '/items/1')), payload: { seq: '0' }, ownerStatus: 303 }] },
  'POST /exams/attempts/:id/items/:slot/flag': { access: ['trainee'], url: '/exams/attempts/999999/items/1/flag', owned: async (w) => [{ ...(await attemptPair(w, '/items/1/flag')), ownerStatus: 303 }] },
  'GET /exams/attempts/:id/submit': { access: ['trainee'], owned: async (w) => [await attemptPair(w, '/submit')] },
  'POST /exams/attempts/:id/finish': { access: ['trainee'], owned: async (w) => [{ ...(await attemptPair(w, '/finish')), ownerStatus: 303 }] },
  'GET /exams/people/:id': {
    access: ['trainer', 'police', 'admin'],
    owned: async (w) => [
      { url: `/exams/people/${w.ids.personA}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
      { url: `/exams/people/${w.ids.personA}`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }
    ]
  },
  'GET /exams/attempts/:id/result': {
    access: ['trainee', 'trainer', 'police', 'admin'],
    owned: async (w) => {
      const id = await w.finishedAttempt()
      return [
        { url: `/exams/attempts/${id}/result`, owner: w.cookie('traineeA'), outsider: w.cookie('traineeB') },
        { url: `/exams/attempts/${id}/result`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') },
        { url: `/exams/attempts/${id}/result`, owner: w.cookie('policeS1'), outsider: w.cookie('policeS2') }
      ]
    }
  },

  // learning: the trainee's courses, lessons and checks
  'GET /learn': { access: ['trainee'] },
  'GET /learn/courses/:domain': { access: ['trainee'], url: '/learn/courses/law' },
  'GET /learn/courses/:domain/:topic': { access: ['trainee'], url: '/learn/courses/law/guard-eligibility' },
  'POST /learn/courses/:domain/:topic/studied': { access: ['trainee'], url: '/learn/courses/law/no-such-topic/studied' },
  'POST /learn/courses/:domain/:topic/check': { access: ['trainee'], url: '/learn/courses/law/no-such-topic/check' },
  'POST /learn/checks/:id/questions/:qid': {
    access: ['trainee'],
    url: '/learn/checks/999999/questions/1',
    owned: async (w) => {
      const { checkId, qid, choice } = await checkOfA(w)
      return [{ url: `/learn/checks/${checkId}/questions/${qid}`, owner: w.cookie('traineeA'), outsider: w.cookie('traineeB'), payload: { choice }, ownerStatus: 303 }]
    }
  },

  // practice: the trainee's sets, answers, favourites, wrong-answer book and due reviews
  'GET /practice': { access: ['trainee'] },
  'POST /practice/sets': { access: ['trainee'], payload: { mode: 'cooking' } },
  'GET /practice/sets/:id': {
    access: ['trainee'],
    owned: async (w) => [{ url: `/practice/sets/${await practiceSetOfA(w)}`, owner: w.cookie('traineeA'), outsider: w.cookie('traineeB') }]
  },
  'POST /practice/sets/:id/questions/:n': {
    access: ['trainee'],
    url: '/practice/sets/999999/questions/1',
    owned: async (w) => {
      const id = await practiceSetOfA(w)
      const page = await w.t.app.inject({ method: 'GET', url: `/practice/sets/${id}?n=1`, headers: { cookie: w.cookie('traineeA') } })
      const choice = /name="choice" value="([^"]+)"/.exec(page.body)![1]!
      return [{ url: `/practice/sets/${id}/questions/1`, owner: w.cookie('traineeA'), outsider: w.cookie('traineeB'), payload: { choice }, ownerStatus: 303 }]
    }
  },
  'POST /practice/questions/:id/favourite': { access: ['trainee'], payload: { on: '1' } },
  'GET /practice/wrong': { access: ['trainee'] },
  'GET /practice/favourites': { access: ['trainee'] },
  'GET /practice/review': { access: ['trainee'] },
  'POST /practice/wrong/:id/remove': { access: ['trainee'] },

  // learning: the trainer's progress, cohorts, curricula and assignments, within their enterprise
  'GET /training': { access: ['trainer'] },
  'GET /training/export.csv': { access: ['trainer'] },
  'GET /training/trainees/:id': { access: ['trainer'], owned: async (w) => [{ url: `/training/trainees/${w.ids.personA}`, owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') }] },
  'GET /cohorts': { access: ['trainer'] },
  'POST /cohorts': { access: ['trainer'], payload: { name: '' } },
  'GET /cohorts/:id': { access: ['trainer'], owned: async (w) => [{ url: `/cohorts/${await cohortOfA(w)}`, ...trainers(w) }] },
  'POST /cohorts/:id/members': {
    access: ['trainer'],
    owned: async (w) => [{ url: `/cohorts/${await cohortOfA(w)}/members`, ...trainers(w), payload: { trainee: String(w.ids.personA) }, ownerStatus: 303 }]
  },
  'POST /cohorts/:id/members/:traineeId/remove': {
    access: ['trainer'],
    url: '/cohorts/999999/members/999999/remove',
    owned: async (w) => {
      const id = await cohortOfA(w, true)
      return [{ url: `/cohorts/${id}/members/${w.ids.personA}/remove`, ...trainers(w), ownerStatus: 303 }]
    }
  },
  'GET /curricula': { access: ['trainer'] },
  'GET /curricula/new': { access: ['trainer'] },
  'POST /curricula': { access: ['trainer'], payload: { title: '' } },
  'GET /curricula/:id': { access: ['trainer'], owned: async (w) => [{ url: `/curricula/${await curriculumOfA(w)}`, ...trainers(w) }] },
  'POST /curricula/:id/assignments': {
    access: ['trainer'],
    owned: async (w) => [{ url: `/curricula/${await curriculumOfA(w)}/assignments`, ...trainers(w), payload: { trainee: String(w.ids.personA), mandatory: 'yes', dueOn: '' }, ownerStatus: 303 }]
  },
  'POST /assignments/:id/delete': { access: ['trainer'], owned: async (w) => [{ url: `/assignments/${await assignmentOfA(w)}/delete`, ...trainers(w), ownerStatus: 303 }] }
}

const trainers = (w: World) => ({ owner: w.cookie('trainerA'), outsider: w.cookie('trainerB') })

/** A cohort of enterprise A (with trainee A in it when asked). */
async function cohortOfA (w: World, withMember = false): Promise<number> {
  const now = w.t.clock.now()
  const id = (await w.t.db.insert(cohorts).values({ enterpriseId: w.ids.entA, name: `Access cohort ${Math.random()}`, createdAt: now }).returning())[0]!.id
  if (withMember) await w.t.db.insert(cohortMembers).values({ cohortId: id, traineeId: w.ids.personA, addedAt: now })
  return id
}

/** A new managed site of an enterprise in a station's area. */
async function siteOf (w: World, enterpriseId: number, jurisdictionId: number): Promise<number> {
  const now = w.t.clock.now()
  return (await w.t.db.insert(sites).values({ enterpriseId, jurisdictionId, name: `Access site ${Math.random()}`, createdAt: now, updatedAt: now }).returning())[0]!.id
}

/** An inspection of a new site of enterprise A in S1's area, one failed item with one photo. */
async function inspectionOfA (w: World): Promise<{ inspectionId: number, photoId: number }> {
  const { db, clock, app, config } = w.t
  const now = clock.now()
  const siteId = await siteOf(w, w.ids.entA, w.ids.s1)
  const item = (await db.select().from(checklistItems))[0]!
  const inspectionId = (await db.insert(inspections).values({ siteId, enterpriseId: w.ids.entA, jurisdictionId: w.ids.s1, inspectedOn: '2026-11-20', officers: 'S1', compliant: 0, applicable: 1, recordedBy: w.users.policeS1, createdAt: now }).returning())[0]!.id
  const itemId = (await db.insert(inspectionItems).values({ inspectionId, checklistItemId: item.id, position: 1, titleZh: item.titleZh, titleEn: item.titleEn, basis: item.basis, result: 'not-compliant', note: 'x' }).returning())[0]!.id
  const stored = await writePhotoFile(photoDir(config.databasePath), pngWithLocation(), app.pii)
  const photoId = (await db.insert(photos).values({ ...stored, contentType: 'image/png', ownerKind: 'inspection-item', ownerId: itemId, uploadedBy: w.users.policeS1, createdAt: now }).returning())[0]!.id
  return { inspectionId, photoId }
}

/** An open notice to enterprise A from an inspection of its site in S1's area, one item. */
async function noticeOfA (w: World): Promise<number> {
  const { db, clock } = w.t
  const { inspectionId } = await inspectionOfA(w)
  const item = (await db.select().from(inspectionItems)).find((i) => i.inspectionId === inspectionId)!
  const inspection = (await db.select().from(inspections)).find((i) => i.id === inspectionId)!
  const seq = (await db.select().from(rectificationNotices)).length + 1
  const id = (await db.insert(rectificationNotices).values({ unitId: w.ids.s1, year: 2026, seq, number: `S1公（保）限改字〔2026〕第${seq}号`, inspectionId, siteId: inspection.siteId, enterpriseId: w.ids.entA, deadline: '2026-12-31', status: 'open', issuedBy: w.users.policeS1, issuedAt: clock.now() }).returning())[0]!.id
  await db.insert(noticeItems).values({ noticeId: id, position: 1, inspectionItemId: item.id, titleZh: item.titleZh, titleEn: item.titleEn, basis: item.basis, requirement: 'x', status: 'pending' })
  return id
}

/** A message from the S1 station to enterprise A. */
async function messageToA (w: World): Promise<number> {
  const id = (await w.t.db.insert(enterpriseMessages).values({ unitId: w.ids.s1, title: 'Access message', body: 'x', sentBy: w.users.policeS1, sentAt: w.t.clock.now() }).returning())[0]!.id
  await w.t.db.insert(messageTargets).values({ messageId: id, enterpriseId: w.ids.entA })
  return id
}

/** A reported act of bravery of trainee A. */
async function braveryOfA (w: World): Promise<number> {
  return (await w.t.db.insert(braveryReports).values({ traineeId: w.ids.personA, enterpriseId: w.ids.entA, stationId: w.ids.s1, occurredOn: '2026-11-01', place: 'x', account: 'x', reportedBy: w.users.trainerA, reportedAt: w.t.clock.now(), status: 'reported' }).returning())[0]!.id
}

/** An open case on a notice of enterprise A (its site in S1's area), opened by the district D1. */
async function caseOfA (w: World): Promise<number> {
  const noticeId = await noticeOfA(w)
  await w.t.db.update(rectificationNotices).set({ status: 'escalated' }).where(eq(rectificationNotices.id, noticeId))
  return (await w.t.db.insert(escalationCases).values({ noticeId, unitId: w.ids.d1, basis: 'reg-42', note: 'x', status: 'open', escalatedBy: w.users.policeD1, escalatedAt: w.t.clock.now() }).returning())[0]!.id
}

/** A curriculum of enterprise A asking for one topic. */
async function curriculumOfA (w: World): Promise<number> {
  const now = w.t.clock.now()
  const id = (await w.t.db.insert(curricula).values({ enterpriseId: w.ids.entA, title: `Access curriculum ${Math.random()}`, createdAt: now }).returning())[0]!.id
  await w.t.db.insert(curriculumItems).values({ curriculumId: id, position: 1, kind: 'topic', domain: 'law', topic: 'guard-eligibility' })
  return id
}

/** An assignment of enterprise A's curriculum to trainee A. */
async function assignmentOfA (w: World): Promise<number> {
  return (await w.t.db.insert(assignments).values({ curriculumId: await curriculumOfA(w), enterpriseId: w.ids.entA, traineeId: w.ids.personA, mandatory: true, assignedAt: w.t.clock.now() }).returning())[0]!.id
}

/** Trainee A starts a lesson check; returns it with its first question and one of that question's options. */
async function checkOfA (w: World): Promise<{ checkId: number, qid: number, choice: string }> {
  const cookie = w.cookie('traineeA')
  await w.t.app.inject({ method: 'POST', url: '/learn/courses/law/guard-eligibility/check', headers: { ...FORM_HEADERS, cookie }, payload: form({}) })
  const page = await w.t.app.inject({ method: 'GET', url: '/learn/courses/law/guard-eligibility', headers: { cookie } })
  const m = /action="\/learn\/checks\/(\d+)\/questions\/(\d+)"[\s\S]*?name="choice" value="([^"]+)"/.exec(page.body)
  if (!m) throw new Error(`no check on the lesson page: ${page.statusCode}`)
  return { checkId: Number(m[1]), qid: Number(m[2]), choice: m[3]! }
}

/** A fresh random practice set of trainee A (10 questions of the whole bank). */
async function practiceSetOfA (w: World): Promise<number> {
  const res = await w.t.app.inject({ method: 'POST', url: '/practice/sets', headers: { ...FORM_HEADERS, cookie: w.cookie('traineeA') }, payload: form({ mode: 'random', size: '10' }) })
  const id = /\/practice\/sets\/(\d+)/.exec(String(res.headers.location))?.[1]
  if (!id) throw new Error(`no practice set: ${res.statusCode} ${res.body.slice(0, 200)}`)
  return Number(id)
}

/** A fresh open attempt of trainee A: A is the owner, trainee B the outsider. */
async function attemptPair (w: World, suffix: string): Promise<OwnedCase> {
  const id = await w.openAttempt()
  return { url: `/exams/attempts/${id}${suffix}`, owner: w.cookie('traineeA'), outsider: w.cookie('traineeB') }
}

/** The world's user each role's checks sign in as. */
export const AS_ROLE: Record<Role, keyof World['users']> = { trainee: 'traineeA', trainer: 'trainerA', police: 'policeS1', admin: 'admin' }

/** Every route the app registered, as "METHOD /url", sorted (HEAD left out: Fastify adds it to each GET). */
export const registeredRoutes = (t: TestApp): string[] => [...new Set(t.app.routeTable.filter((r) => r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`))].sort()

/** A GET, or a form POST with the payload, with the cookie if any. */
export const injectAs = (t: TestApp, method: string, url: string, cookie?: string, payload?: Record<string, string | string[]>) => t.app.inject({
  method: method as 'GET' | 'POST',
  url,
  headers: { ...(method === 'GET' ? {} : FORM_HEADERS), ...(cookie ? { cookie } : {}) },
  ...(method === 'GET' ? {} : { payload: form(payload ?? {}) })
})
