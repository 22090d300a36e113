/**
 * Eligibility for the national qualification exam, as data and one pure
 * function. The rules follow Reg. arts. 16-17 (age, education, health, conduct,
 * no disqualifying record) and the training policy (mandatory curricula, recent
 * passes of the national mock). Settings are adjustable by an administrator.
 */
import { ageOn } from '../../lib/id-checksums.js'
import { EDUCATION_LEVELS, type Education, type DeclarationKind } from '../../db/schema.js'
import type { MessageKey } from '../../i18n/index.js'
import { addDays } from '../../lib/time.js'

export interface EligibilitySettings {
  /** Minimum age in whole years on the day of evaluation. */
  minAge: number
  minEducation: Education
  /** The blueprint key whose finished attempts count as national mocks. */
  mockBlueprint: string
  /** Passes of the national mock needed inside the window. */
  requiredPasses: number
  /** The window in local days, today included. */
  windowDays: number
  /** The most recent finished national mock must be a pass. */
  latestMustPass: boolean
  /** Days a statement stays valid. */
  statementDays: number
}

export const DEFAULT_SETTINGS: EligibilitySettings = Object.freeze({
  minAge: 18,
  minEducation: 'junior-middle',
  mockBlueprint: 'national-mock',
  requiredPasses: 2,
  windowDays: 60,
  latestMustPass: true,
  statementDays: 90
})

export const DISQUALIFYING: readonly DeclarationKind[] = [
  'custody-education', 'drug-rehabilitation', 'reeducation-labour', 'detentions-3plus',
  'intentional-crime', 'certificate-revoked-recent', 'certificate-revoked-twice'
]

export const RULE_IDS = ['age', 'education', 'health', 'conduct', 'records', 'curriculum', 'mock-passes', 'latest-mock'] as const
export type RuleId = typeof RULE_IDS[number]
export type EligibilityStatus = 'eligible' | 'not-yet' | 'disqualified'

/** A finished national mock; `finishedOn` is its local date in the display zone. */
export interface MockResult { attemptId: number, finishedOn: string, finishedAt: Date, score: number, maxScore: number, passed: boolean, release: string }

/** What the curriculum rule needs of an assigned mandatory curriculum (the learning area's assignments fit it). */
export interface MandatoryItem { title: string, complete: boolean }

export interface TraineeRecord {
  birthDate: string
  education: Education
  /** The latest declaration of each kind; a kind never declared is absent. */
  declarations: Partial<Record<DeclarationKind, boolean>>
  mandatory: readonly MandatoryItem[]
  /** Finished national mocks, any order. */
  mocks: readonly MockResult[]
}

export interface RuleResult {
  rule: RuleId
  met: boolean
  /** One plain-language reason (a message key with parameters) when not met. */
  reason?: { key: MessageKey, params?: Record<string, string | number> }
}

export interface Evaluation {
  status: EligibilityStatus
  rules: RuleResult[]
  /** The passes inside the window that satisfy the mock rule (newest first). */
  qualifying: MockResult[]
  windowStart: string
}

/** The tail of a readiness.reason.* message key. */
type ReasonKey = MessageKey extends infer K ? K extends `readiness.reason.${infer Tail}` ? Tail : never : never

const newestFirst = (a: MockResult, b: MockResult) => b.finishedAt.getTime() - a.finishedAt.getTime() || b.attemptId - a.attemptId

export function evaluateEligibility (r: TraineeRecord, s: EligibilitySettings, today: string): Evaluation {
  const rules: RuleResult[] = []
  // The key's tail, typed: a reason without its sentence in the catalogue does not compile.
  const add = (rule: RuleId, met: boolean, key: ReasonKey, params?: Record<string, string | number>) =>
    rules.push(met ? { rule, met } : { rule, met, reason: { key: `readiness.reason.${key}`, params } })

  const age = ageOn(r.birthDate, today)
  add('age', age >= s.minAge, 'age', { min: s.minAge, date: birthdayOf(r.birthDate, s.minAge) })
  add('education', EDUCATION_LEVELS.indexOf(r.education) >= EDUCATION_LEVELS.indexOf(s.minEducation), 'education', { level: s.minEducation })
  const d = r.declarations
  add('health', d.healthy === true, d.healthy === false ? 'health-no' : 'health-missing')
  add('conduct', d['good-conduct'] === true, d['good-conduct'] === false ? 'conduct-no' : 'conduct-missing')
  const declaredRecords = DISQUALIFYING.filter((k) => d[k] === true)
  const undeclared = DISQUALIFYING.filter((k) => d[k] === undefined)
  if (declaredRecords.length > 0) add('records', false, 'records-yes', { record: declaredRecords[0]! })
  else add('records', undeclared.length === 0, 'records-missing', { count: undeclared.length })

  const open = r.mandatory.filter((a) => !a.complete)
  add('curriculum', open.length === 0, open.length > 1 ? 'curriculum-many' : 'curriculum', { title: open[0]?.title ?? '', count: open.length })

  const windowStart = addDays(today, -(s.windowDays - 1))
  const inWindow = r.mocks.filter((m) => m.finishedOn >= windowStart && m.finishedOn <= today).sort(newestFirst)
  const passes = inWindow.filter((m) => m.passed)
  add('mock-passes', passes.length >= s.requiredPasses, 'mock-passes', { required: s.requiredPasses, days: s.windowDays, have: passes.length })
  const latest = [...r.mocks].sort(newestFirst)[0]
  if (s.latestMustPass) add('latest-mock', latest?.passed === true, latest ? 'latest-mock-failed' : 'latest-mock-none')
  else rules.push({ rule: 'latest-mock', met: true })

  const status: EligibilityStatus = declaredRecords.length > 0 ? 'disqualified' : rules.every((x) => x.met) ? 'eligible' : 'not-yet'
  return { status, rules, qualifying: passes.slice(0, Math.max(s.requiredPasses, 1)), windowStart }
}

/**
 * The first local date after `today` on which evaluateEligibility's result for this record would
 * change by the calendar alone (nothing else happening): the day the person reaches the minimum
 * age, a counted pass leaving the window, a pass dated ahead entering it. Null: never by itself.
 */
export function nextChangeOn (r: TraineeRecord, s: EligibilitySettings, today: string): string | null {
  const dates: string[] = []
  if (ageOn(r.birthDate, today) < s.minAge) dates.push(birthdayOf(r.birthDate, s.minAge))
  const windowStart = addDays(today, -(s.windowDays - 1))
  for (const m of r.mocks) {
    if (!m.passed) continue
    if (m.finishedOn > today) dates.push(m.finishedOn)
    else if (m.finishedOn >= windowStart) dates.push(addDays(m.finishedOn, s.windowDays))
  }
  const later = dates.filter((d) => d > today).sort()
  return later[0] ?? null
}

/** The day a person turns `years` (a 29 February birthday turns on 1 March, as ageOn counts). */
export function birthdayOf (birthDate: string, years: number): string {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number]
  const day = `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
  return Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day ? `${String(y + years).padStart(4, '0')}-03-01` : day
}

/** Reads and checks settings from a form or stored JSON; errors are message keys by field. */
export function readSettings (src: Record<string, unknown>): { ok: true, value: EligibilitySettings } | { ok: false, errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const int = (name: keyof EligibilitySettings, min: number, max: number): number => {
    const raw = src[name]
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : NaN
    if (!Number.isInteger(n) || n < min || n > max) { errors[name] = 'readiness.settings-range'; return 0 }
    return n
  }
  const value: EligibilitySettings = {
    minAge: int('minAge', 16, 30),
    minEducation: (EDUCATION_LEVELS as readonly unknown[]).includes(src.minEducation) ? src.minEducation as Education : (errors.minEducation = 'form.invalid', 'none'),
    mockBlueprint: typeof src.mockBlueprint === 'string' && /^[a-z0-9][a-z0-9-]{0,59}$/.test(src.mockBlueprint.trim()) ? src.mockBlueprint.trim() : (errors.mockBlueprint = 'readiness.settings-blueprint', ''),
    requiredPasses: int('requiredPasses', 0, 10),
    windowDays: int('windowDays', 1, 365),
    latestMustPass: src.latestMustPass === true || src.latestMustPass === 'on' || src.latestMustPass === 'yes',
    statementDays: int('statementDays', 1, 365)
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value }
}
