import { isMessageKey, type MessageKey, type Translate } from '../../i18n/index.js'
import { localText } from '../../lib/text.js'

/**
 * An audit entry as a sentence in the reader's language, with the names of the
 * people and things it is about, each linked to its page where the reader has
 * one (pure: the names come resolved, the translator is given). The raw record
 * stays in the database and in the CSV export.
 */
export interface AuditRecord {
  action: string
  actorId: number | null
  subjectType: string | null
  subjectId: string | null
  details: Record<string, unknown> | null
}

type Title = { en: string, zh?: string }

/** Names of what a page of entries mentions, by id (audit/queries.ts resolves them). */
export interface AuditNames {
  users: ReadonlyMap<number, string>
  trainees: ReadonlyMap<number, string>
  enterprises: ReadonlyMap<number, string>
  jurisdictions: ReadonlyMap<number, string>
  sittings: ReadonlyMap<number, { sitsOn: string, venue: string }>
  applications: ReadonlyMap<number, { traineeId: number, sitsOn: string }>
  statements: ReadonlyMap<number, { code: string, traineeId: number }>
  attempts: ReadonlyMap<number, { traineeId: number, exam: Title }>
  cohorts: ReadonlyMap<number, string>
  curricula: ReadonlyMap<number, string>
  releases: ReadonlyMap<number, string>
  /** Supervision: sites by name, notices and cases by the notice's number, inspections by site and date, messages by title, bravery reports by guard. */
  sites: ReadonlyMap<number, string>
  notices: ReadonlyMap<number, string>
  cases: ReadonlyMap<number, string>
  inspections: ReadonlyMap<number, { site: string, inspectedOn: string }>
  messages: ReadonlyMap<number, string>
  bravery: ReadonlyMap<number, { traineeId: number, occurredOn: string }>
}

export type AuditReader = 'admin' | 'police'

interface Part { text: string, href?: string }

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!))

/**
 * A catalogue sentence with its parameters filled in as escaped text or links:
 * the sentence is translated with markers (private-use characters, which no
 * catalogue sentence holds) in place of the parameters, escaped
 * whole, and each marker then replaced by its part.
 */
export function sentenceHtml (t: Translate, key: MessageKey, parts: Record<string, Part | string | number>): string {
  const names = Object.keys(parts)
  // The markers hide the count from the translator: a count of one picks the singular variant here.
  const singular = `${key}.one`
  const chosen = parts.count === 1 && isMessageKey(singular) ? singular : key
  const marked = t(chosen, Object.fromEntries(names.map((n, i) => [n, `\uE000${i}\uE001`])))
  return esc(marked).replace(/\uE000(\d+)\uE001/g, (_m, i: string) => {
    const p = parts[names[Number(i)]!]!
    const part: Part = typeof p === 'object' ? p : { text: String(p) }
    return part.href ? `<a href="${esc(part.href)}">${esc(part.text)}</a>` : `<span class="name">${esc(part.text)}</span>`
  })
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : null)
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')

/** The catalogue key of an action's sentence; actions without one get a plain fallback. */
export const DESCRIBED_ACTIONS = [
  'login.success', 'login.failure', 'login.refused-locked', 'login.refused-disabled', 'logout',
  'account.password-changed', 'account.password-check-failed', 'account.password-reset', 'account.created', 'account.enabled', 'account.disabled',
  'person.created', 'person.updated', 'employment.started', 'employment.ended', 'duty.changed', 'certificate.recorded', 'declarations.recorded', 'privacy.accepted',
  'roster.imported', 'roster.exported', 'training.exported', 'jurisdiction.created', 'jurisdiction.renamed', 'jurisdiction.exported', 'jurisdiction.people-exported',
  'enterprise.created', 'enterprise.updated', 'cohort.created', 'cohort.members-added', 'cohort.member-removed', 'curriculum.created',
  'assignment.created', 'assignment.removed', 'bank.published', 'attempt.started', 'attempt.finished',
  'statement.issued', 'statement.revoked', 'statement.checked', 'settings.readiness', 'sitting.published',
  'application.submitted', 'application.accepted', 'application.returned', 'application.result', 'police.lookup', 'access.denied', 'audit.exported',
  'site.created', 'site.updated', 'employment.site', 'inspection.recorded', 'notice.issued', 'notice.responded', 'notice.accepted', 'notice.returned',
  'notice.escalated', 'case.closed', 'message.sent', 'message.read', 'message.replied', 'briefing.recorded',
  'bravery.reported', 'bravery.forwarded', 'bravery.declined', 'checklist.added', 'checklist.changed', 'settings.supervision', 'supervision.exported'
] as const

/** The actions with a sentence, and the variants some of them have. */
type EventKey = typeof DESCRIBED_ACTIONS[number] | 'attempt.finished-timeout' | 'statement.checked-unknown' | 'police.lookup-none' | 'employment.site-none' | 'notice.accepted-closed'

/** A word for a value kept in the details (a role, a duty status), from the catalogue; an unknown one shows as its key, as the translator does. */
const catalogued = (t: Translate, key: string) => (isMessageKey(key) ? t(key) : key)

export function describeEvent (e: AuditRecord, names: AuditNames, reader: AuditReader, t: Translate, locale: string): string {
  const admin = reader === 'admin'
  const subjectId = num(e.subjectId)
  const d = e.details ?? {}
  const person = (id: number | null): Part => id === null
    ? { text: t('audit.someone') }
    : { text: names.trainees.get(id) ?? t('audit.record-gone'), href: `/people/${id}` }
  const enterprise = (id: number | null): Part => id === null
    ? { text: t('audit.someone') }
    : { text: names.enterprises.get(id) ?? t('audit.record-gone'), href: admin ? `/admin/enterprises/${id}/edit` : `/jurisdiction/enterprises/${id}` }
  const user = (id: number | null): Part => id === null ? { text: t('audit.system') } : { text: names.users.get(id) ?? t('audit.record-gone'), href: admin ? '/admin/accounts' : undefined }
  const sitting = (id: number | null): Part => {
    const s = id === null ? undefined : names.sittings.get(id)
    return { text: s ? `${s.sitsOn} · ${s.venue}` : t('audit.record-gone'), href: !admin && id !== null ? `/sittings/${id}` : undefined }
  }
  const statement = (id: number | null): { code: Part, person: Part } => {
    const s = id === null ? undefined : names.statements.get(id)
    return { code: { text: s?.code ?? t('audit.record-gone'), href: id !== null ? `/statements/${id}` : undefined }, person: person(s?.traineeId ?? null) }
  }
  const application = (id: number | null): { person: Part, sitting: Part } => {
    const a = id === null ? undefined : names.applications.get(id)
    return { person: { ...person(a?.traineeId ?? null), href: !admin && id !== null ? `/applications/${id}` : undefined }, sitting: { text: a?.sitsOn ?? '' } }
  }
  /** A supervision record: its name, linked to its page under /supervision (police and the administrator both read them there). */
  const record = (map: ReadonlyMap<number, string>, path: string, id: number | null, fallback = ''): Part =>
    id === null ? { text: fallback || t('audit.record-gone') } : { text: map.get(id) ?? (fallback || t('audit.record-gone')), href: `/supervision/${path}/${id}` }
  const site = (id: number | null): Part => record(names.sites, 'sites', id)
  const notice = (id: number | null, fallback = ''): Part => record(names.notices, 'notices', id, fallback)
  const message = (id: number | null, fallback = ''): Part => record(names.messages, 'messages', id, fallback)
  const actor = user(e.actorId)
  const word = (prefix: string, v: unknown) => (str(v) ? catalogued(t, `${prefix}.${str(v)}`) : '')

  const say = (key: EventKey, parts: Record<string, Part | string | number> = {}) => sentenceHtml(t, `audit.event.${key}`, { actor, ...parts })
  switch (e.action) {
    case 'login.success': case 'logout': case 'account.password-changed': case 'account.password-check-failed': case 'privacy.accepted': case 'settings.readiness':
      return say(e.action)
    case 'login.failure': case 'login.refused-locked':
      return say(e.action, { username: str(d.username) })
    case 'login.refused-disabled':
      return say(e.action)
    case 'account.created':
      return say(e.action, { subject: user(subjectId), role: word('role', d.role) })
    case 'account.password-reset': case 'account.enabled': case 'account.disabled':
      return say(e.action, { subject: e.subjectType === 'trainee' ? person(subjectId) : user(subjectId) })
    case 'person.created': case 'employment.started':
      return say(e.action, { subject: person(subjectId), enterprise: enterprise(num(d.enterpriseId)) })
    case 'person.updated':
      return say(e.action, { subject: person(subjectId), fields: Object.keys(d).map((k) => catalogued(t, `audit.field.${k}`)).join(t('audit.list-separator')) })
    case 'employment.ended':
      return say(e.action, { subject: person(subjectId), date: str(d.endedOn) })
    case 'duty.changed':
      return say(e.action, { subject: person(subjectId), from: word('duty', d.from), to: word('duty', d.to) })
    case 'certificate.recorded':
      return say(e.action, { subject: person(subjectId), number: str(d.certificateNo), status: word('certificate', d.status) })
    case 'declarations.recorded':
      return say(e.action, { subject: person(subjectId) })
    case 'roster.imported':
      return say(e.action, { subject: enterprise(subjectId), added: num(d.added) ?? 0, returning: num(d.returning) ?? 0 })
    case 'roster.exported': case 'training.exported':
      return say(e.action, { subject: enterprise(subjectId), rows: num(d.rows) ?? 0 })
    case 'jurisdiction.created':
      return say(e.action, { subject: { text: names.jurisdictions.get(subjectId ?? -1) ?? str(d.name), href: admin ? '/admin/jurisdictions' : undefined } })
    case 'jurisdiction.renamed':
      return say(e.action, { from: str(d.from), to: str(d.to) })
    case 'jurisdiction.exported':
      return say(e.action, { subject: { text: names.jurisdictions.get(subjectId ?? -1) ?? t('audit.record-gone') }, rows: num(d.rows) ?? 0 })
    case 'jurisdiction.people-exported':
      return say(e.action, { subject: { text: names.jurisdictions.get(subjectId ?? -1) ?? t('audit.record-gone') }, enterprises: num(d.enterprises) ?? 0 })
    case 'enterprise.created': case 'enterprise.updated':
      return say(e.action, { subject: enterprise(subjectId) })
    case 'cohort.created': case 'cohort.members-added':
      return say(e.action, { subject: { text: names.cohorts.get(subjectId ?? -1) ?? str(d.name) }, count: num(d.added) ?? 0 })
    case 'cohort.member-removed':
      return say(e.action, { subject: { text: names.cohorts.get(subjectId ?? -1) ?? t('audit.record-gone') }, person: person(num(d.removedTrainee)) })
    case 'curriculum.created':
      return say(e.action, { subject: { text: names.curricula.get(subjectId ?? -1) ?? str(d.title) } })
    case 'assignment.created':
      return say(e.action, { subject: { text: names.curricula.get(subjectId ?? -1) ?? t('audit.record-gone') }, trainees: num(d.trainees) ?? 0, cohorts: num(d.cohorts) ?? 0, due: str(d.dueOn) || '—' })
    case 'assignment.removed':
      return say(e.action, { subject: { text: names.curricula.get(num(d.curriculum) ?? -1) ?? t('audit.record-gone') } })
    case 'bank.published':
      return say(e.action, { subject: { text: names.releases.get(subjectId ?? -1) ?? str(d.label), href: admin && subjectId !== null ? `/admin/bank/releases/${subjectId}` : undefined } })
    case 'attempt.started': case 'attempt.finished': {
      const a = subjectId === null ? undefined : names.attempts.get(subjectId)
      const exam: Part = { text: a ? localText(a.exam, locale) : str(d.blueprint), href: subjectId !== null && e.action === 'attempt.finished' ? `/exams/attempts/${subjectId}/result` : undefined }
      if (e.action === 'attempt.started') return say(e.action, { exam })
      const key = d.reason === 'timeout' ? 'attempt.finished-timeout' : 'attempt.finished'
      return say(key, { person: person(a?.traineeId ?? null), exam, score: str(d.score), max: str(d.max), outcome: t(d.passed ? 'exam.passed' : 'exam.failed') })
    }
    case 'statement.issued': case 'statement.revoked': {
      const s = statement(subjectId)
      return say(e.action, { code: s.code, person: s.person, reason: str(d.reason) })
    }
    case 'statement.checked':
      return d.found ? say(e.action, { code: statement(subjectId).code }) : say('statement.checked-unknown')
    case 'sitting.published':
      return say(e.action, { sitting: sitting(subjectId) })
    case 'application.submitted': case 'application.accepted': case 'application.returned': case 'application.result': {
      const a = application(subjectId)
      return say(e.action, { person: a.person, sitting: a.sitting, reason: str(d.reason), result: word('application.result', d.result) })
    }
    case 'police.lookup':
      return d.found ? say(e.action, { subject: person(subjectId), purpose: str(d.purpose) }) : say('police.lookup-none', { purpose: str(d.purpose) })
    case 'access.denied':
      return say(e.action, { path: str(d.path) })
    case 'audit.exported':
      return say(e.action, { rows: num(d.rows) ?? 0 })
    case 'site.created': case 'site.updated':
      return say(e.action, { site: site(subjectId), enterprise: enterprise(num(d.enterpriseId)) })
    case 'employment.site':
      return num(d.to) === null
        ? say('employment.site-none', { subject: person(subjectId), site: site(num(d.from)) })
        : say(e.action, { subject: person(subjectId), site: site(num(d.to)) })
    case 'inspection.recorded': {
      const i = subjectId === null ? undefined : names.inspections.get(subjectId)
      return say(e.action, { site: { text: i?.site ?? t('audit.record-gone'), href: subjectId === null ? undefined : `/supervision/inspections/${subjectId}` }, date: i?.inspectedOn ?? str(d.inspectedOn), compliant: num(d.compliant) ?? 0, applicable: num(d.applicable) ?? 0 })
    }
    case 'notice.issued':
      return say(e.action, { notice: notice(subjectId, str(d.number)), enterprise: enterprise(num(d.enterpriseId)), date: str(d.deadline) })
    case 'notice.responded': case 'notice.returned':
      return say(e.action, { notice: notice(subjectId), item: num(d.item) ?? 0, reason: str(d.reason) })
    case 'notice.accepted':
      return say(d.to === 'closed' ? 'notice.accepted-closed' : e.action, { notice: notice(subjectId), item: num(d.item) ?? 0 })
    case 'notice.escalated':
      return say(e.action, { notice: notice(subjectId), basis: word('escalation', d.basis) })
    case 'case.closed':
      return say(e.action, { notice: { ...record(names.cases, 'cases', subjectId) }, note: str(d.note) })
    case 'message.sent':
      return say(e.action, { title: message(subjectId, str(d.title)), count: num(d.enterprises) ?? 0 })
    case 'message.read': case 'message.replied':
      return say(e.action, { title: message(subjectId) })
    case 'briefing.recorded':
      return say(e.action, { title: message(subjectId), date: str(d.heldOn) })
    case 'bravery.reported': case 'bravery.forwarded': case 'bravery.declined': {
      const b = subjectId === null ? undefined : names.bravery.get(subjectId)
      const who = person(b?.traineeId ?? num(d.traineeId))
      return say(e.action, { person: { ...who, href: subjectId === null ? undefined : `/supervision/bravery/${subjectId}` }, date: b?.occurredOn ?? str(d.occurredOn), note: str(d.note) })
    }
    case 'checklist.added': case 'checklist.changed': {
      const after = (d.after && typeof d.after === 'object' ? d.after : d) as Record<string, unknown>
      return say(e.action, { title: str(locale === 'zh' ? after.titleZh : after.titleEn) || str(after.titleZh) })
    }
    case 'settings.supervision':
      return say(e.action, { days: num(d.days) ?? 0 })
    case 'supervision.exported':
      return say(e.action, { rows: num(d.rows) ?? 0 })
    default:
      return sentenceHtml(t, 'audit.event.other', { actor, action: e.action, subject: e.subjectType ? `${e.subjectType} ${e.subjectId ?? ''}` : '' })
  }
}
