/**
 * The rules of supervision, pure (they take the local date, never the clock): the compliance score,
 * notice deadlines and when a notice is overdue, the state of a notice and its items and which
 * changes are allowed, and how a notice's number is written.
 */
import type { CheckResult, NoticeStatus, NoticeItemStatus, JurisdictionLevel, CaseStatus } from '../../db/schema.js'

// ---- compliance ----

/** Share of applicable checklist items found compliant (0–100, whole percent), or null when none applied. */
export function complianceScore (results: readonly CheckResult[]): { compliant: number, applicable: number, percent: number | null } {
  const compliant = results.filter((r) => r === 'compliant').length
  const applicable = results.filter((r) => r !== 'not-applicable').length
  return { compliant, applicable, percent: percentOf(compliant, applicable) }
}

export function percentOf (compliant: number, applicable: number): number | null {
  return applicable === 0 ? null : Math.floor((compliant * 100) / applicable)
}

// ---- dates (YYYY-MM-DD local dates compare as text) ----

const DATE = /^\d{4}-\d{2}-\d{2}$/

export function isLocalDate (s: string): boolean {
  if (!DATE.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

export function addDays (day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** The longest and the default time given to put things right. */
export const MAX_DEADLINE_DAYS = 90
export const DEFAULT_DEADLINE_DAYS = 15

/** Why a deadline cannot be set on `today` (a catalogue key), or null: a real date, after today, at most 90 days ahead. */
export function deadlineProblem (deadline: string, today: string): string | null {
  if (!isLocalDate(deadline)) return 'notice.deadline-invalid'
  if (deadline <= today) return 'notice.deadline-past'
  if (deadline > addDays(today, MAX_DEADLINE_DAYS)) return 'notice.deadline-too-far'
  return null
}

/** An inspection's date: a real date, not in the future, at most a year back. */
export function inspectionDateProblem (day: string, today: string): string | null {
  if (!isLocalDate(day)) return 'inspection.date-invalid'
  if (day > today) return 'inspection.date-future'
  if (day < addDays(today, -366)) return 'inspection.date-too-old'
  return null
}

/** Overdue on the local date after the deadline day, while the notice is not closed (the deadline day itself is still in time). */
export function isOverdue (n: { status: NoticeStatus, deadline: string }, today: string): boolean {
  return n.status !== 'closed' && today > n.deadline
}

// ---- the notice and its items ----

export interface NoticeState { status: NoticeStatus, deadline: string, items: readonly NoticeItemStatus[] }

export type NoticeEvent =
  | { kind: 'respond', item: number }
  | { kind: 'accept', item: number }
  | { kind: 'return', item: number }
  | { kind: 'escalate' }

export type Transition = { ok: true, next: NoticeState } | { ok: false, reason: string }

/** Escalation to a case is for district-level police and above. */
export function mayEscalate (level: JurisdictionLevel): boolean {
  return level === 'district' || level === 'city'
}

/**
 * The one place a notice changes state. The enterprise responds to an item that waits for it
 * (pending, or sent back); the officer accepts or sends back an item that was responded to; the
 * notice closes when every item is accepted; an overdue notice with items not yet accepted can be
 * escalated to a case (by district level and above: the caller passes the actor's level), and
 * rectification goes on under it. A closed notice changes no more. Anything else is refused.
 */
export function transition (s: NoticeState, e: NoticeEvent, ctx: { today: string, level?: JurisdictionLevel }): Transition {
  if (s.status === 'closed') return { ok: false, reason: 'notice.closed' }
  if (e.kind === 'escalate') {
    if (s.status === 'escalated') return { ok: false, reason: 'notice.already-escalated' }
    if (!ctx.level || !mayEscalate(ctx.level)) return { ok: false, reason: 'notice.escalate-level' }
    if (!isOverdue(s, ctx.today)) return { ok: false, reason: 'notice.escalate-not-overdue' }
    return { ok: true, next: { ...s, status: 'escalated' } }
  }
  const current = s.items[e.item]
  if (current === undefined) return { ok: false, reason: 'notice.item-unknown' }
  const allowed: Record<typeof e.kind, { from: readonly NoticeItemStatus[], to: NoticeItemStatus }> = {
    respond: { from: ['pending', 'returned'], to: 'submitted' },
    accept: { from: ['submitted'], to: 'accepted' },
    return: { from: ['submitted'], to: 'returned' }
  }
  const rule = allowed[e.kind]
  if (!rule.from.includes(current)) return { ok: false, reason: `notice.cannot-${e.kind}` }
  const items = s.items.map((st, i) => (i === e.item ? rule.to : st))
  const status: NoticeStatus = items.every((st) => st === 'accepted') ? 'closed' : s.status
  return { ok: true, next: { ...s, items, status } }
}

// ---- the number: 东城公（保）限改字〔2026〕第0012号 ----

/** The short name a unit's numbers start with: its name without the usual endings, two characters, and 公. */
export function unitPrefix (unitName: string): string {
  const core = unitName.replace(/(公安局|公安分局|分局|派出所|公安处)$/u, '').replace(/(市|区|县)$/u, '')
  return `${[...core].slice(0, 2).join('') || '公'}公`
}

export function noticeNumber (prefix: string, year: number, seq: number): string {
  return `${prefix}（保）限改字〔${year}〕第${String(seq).padStart(4, '0')}号`
}

/**
 * What an escalated case cites (BRIEF.md): employing guards without the certificate and the other
 * employer breaches of Reg. art. 42, the graver ones of art. 43, or an internal-security hazard
 * not put right under the Internal Security Regulations. The words are in the catalogue (escalation.*).
 */
export const ESCALATION_BASES = ['reg-42-uncertified', 'reg-42', 'reg-43', 'isr'] as const
export type EscalationBasis = typeof ESCALATION_BASES[number]

// ---- the case an escalation opens ----

export type CaseEvent = { kind: 'close' }

/**
 * The one place a case changes state: an open case is closed by district-level police or above
 * (with a note of what was decided); a closed case changes no more; a station is refused.
 */
export function caseTransition (status: CaseStatus, e: CaseEvent, ctx: { level?: JurisdictionLevel }): { ok: true, next: CaseStatus } | { ok: false, reason: string } {
  if (!ctx.level || !mayEscalate(ctx.level)) return { ok: false, reason: 'case.level' }
  if (e.kind === 'close') {
    if (status === 'closed') return { ok: false, reason: 'case.already-closed' }
    return { ok: true, next: 'closed' }
  }
  return { ok: false, reason: 'case.unknown-event' }
}
