/**
 * Exam sittings and applications, pure: publishing a sitting, whether a guard
 * may be applied for, and what police may decide. Every refusal is a message key.
 */
import { readForm } from '../../lib/form.js'
import type { JurisdictionLevel, ApplicationStatus, ExamResult } from '../../db/schema.js'
import type { MessageKey } from '../../i18n/index.js'
import type { EligibilityStatus } from './rules.js'
import type { StatementState } from './statements.js'
import { isLocalDay } from '../../lib/time.js'

/** Police at district level or above publish sittings and decide applications. */
export function mayDecide (level: JurisdictionLevel | undefined): boolean {
  return level === 'city' || level === 'district'
}

export interface SittingInput { sitsOn: string, startsAt: string, venue: string, capacity: number, applyBy: string }

export function validateSitting (body: unknown, today: string): { ok: true, value: SittingInput, values: Record<string, string> } | { ok: false, errors: Record<string, string>, values: Record<string, string> } {
  const form = readForm(body, { sitsOn: { required: true, max: 10 }, startsAt: { required: true, max: 5 }, venue: { required: true, max: 200 }, capacity: { required: true, max: 5 }, applyBy: { required: true, max: 10 } })
  const v = form.values
  const errors = { ...form.errors }
  if (!errors.sitsOn && (!isLocalDay(v.sitsOn) || v.sitsOn <= today)) errors.sitsOn = 'sitting.date-future'
  if (!errors.startsAt && !/^([01]\d|2[0-3]):[0-5]\d$/.test(v.startsAt)) errors.startsAt = 'sitting.time-format'
  if (!errors.capacity && (!/^\d{1,5}$/.test(v.capacity) || Number(v.capacity) < 1 || Number(v.capacity) > 10000)) errors.capacity = 'sitting.capacity-range'
  if (!errors.applyBy && (!isLocalDay(v.applyBy) || v.applyBy < today)) errors.applyBy = 'sitting.deadline-past'
  if (!errors.applyBy && !errors.sitsOn && v.applyBy >= v.sitsOn) errors.applyBy = 'sitting.deadline-before-sitting'
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: v }
  return { ok: true, value: { sitsOn: v.sitsOn, startsAt: v.startsAt, venue: v.venue, capacity: Number(v.capacity), applyBy: v.applyBy }, values: v }
}

export interface PastApplication { status: ApplicationStatus, result: ExamResult | null, resit: boolean }

export interface ApplyFacts {
  today: string
  sitting: { applyBy: string, capacity: number, taken: number }
  eligibility: EligibilityStatus
  statement: StatementState | null
  hasCertificate: boolean
  /** The person's earlier applications, newest first. */
  history: readonly PastApplication[]
}

/** Why an application cannot be made (a message key), or null with whether it is the free re-sit. */
export function applyProblem (f: ApplyFacts): { problem: MessageKey } | { problem: null, resit: boolean } {
  if (f.today > f.sitting.applyBy) return { problem: 'application.deadline-passed' }
  if (f.sitting.taken >= f.sitting.capacity) return { problem: 'application.full' }
  if (f.hasCertificate) return { problem: 'application.has-certificate' }
  if (f.history.some((a) => a.status === 'pending' || (a.status === 'accepted' && a.result === null))) return { problem: 'application.already-open' }
  if (f.eligibility !== 'eligible') return { problem: 'application.not-eligible' }
  if (f.statement !== 'valid') return { problem: f.statement === null ? 'application.no-statement' : `application.statement-${f.statement}` }
  // After a failed official exam the next application is the one free re-sit; a failed re-sit starts over.
  const lastResult = f.history.find((a) => a.result !== null)
  return { problem: null, resit: lastResult?.result === 'fail' && !lastResult.resit }
}

/** Whether police may accept or return: only a pending application, and accept only with a valid statement. */
export function decisionProblem (status: ApplicationStatus, decision: 'accept' | 'return', statement: StatementState, reason: string): string | null {
  if (status !== 'pending') return 'application.already-decided'
  if (decision === 'return' && reason.trim() === '') return 'application.reason-required'
  if (decision === 'accept' && statement !== 'valid') return `application.statement-${statement}`
  return null
}

/** Official results are recorded for accepted applications once the sitting has taken place. */
export function resultProblem (a: { status: ApplicationStatus, result: ExamResult | null }, sitsOn: string, today: string): string | null {
  if (a.status !== 'accepted') return 'application.not-accepted'
  if (a.result !== null) return 'application.result-recorded'
  if (today < sitsOn) return 'application.before-sitting'
  return null
}
