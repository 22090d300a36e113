// What the SQLite schema (schema/<area>.ts) and the PostgreSQL one (pg-schema/<area>.ts) share
// at run time: the values of the enumerated text columns and the option-order encoding. No
// dialect here, so each schema imports it without loading the other's column builders. Each
// SQLite schema file re-exports its own, so the rest of the code imports them from there.

// auth
export const ROLES = ['trainee', 'trainer', 'police', 'admin'] as const
export type Role = typeof ROLES[number]
export const USER_STATUSES = ['active', 'disabled'] as const
export type UserStatus = typeof USER_STATUSES[number]

// org-units
export const JURISDICTION_LEVELS = ['city', 'district', 'station'] as const
export type JurisdictionLevel = typeof JURISDICTION_LEVELS[number]

// orgs
export const EDUCATION_LEVELS = ['none', 'primary', 'junior-middle', 'senior-middle', 'college'] as const
export type Education = typeof EDUCATION_LEVELS[number]
export const CERTIFICATE_STATUSES = ['valid', 'revoked'] as const
export type CertificateStatus = typeof CERTIFICATE_STATUSES[number]
export const DUTY_STATUSES = ['in-training', 'on-duty', 'released'] as const
export type DutyStatus = typeof DUTY_STATUSES[number]
export const DECLARATION_KINDS = [
  'healthy', 'good-conduct',
  'custody-education', 'drug-rehabilitation', 'reeducation-labour', 'detentions-3plus',
  'intentional-crime', 'certificate-revoked-recent', 'certificate-revoked-twice'
] as const
export type DeclarationKind = typeof DECLARATION_KINDS[number]

// exams
export const FINISH_REASONS = ['submitted', 'timeout'] as const
export type FinishReason = typeof FINISH_REASONS[number]

/**
 * The order an item's options are shown in, one character per option: the bank's option keys
 * are single capital letters (A, B, C…), a true/false question's are 't' and 'f'. "ACDB" instead
 * of ["A","C","D","B"]: a hundred items a paper, read on every exam page.
 */
export function encodeOptionOrder (keys: readonly string[]): string {
  return keys.map((k) => {
    if (k === 'true') return 't'
    if (k === 'false') return 'f'
    if (!/^[A-Z]$/.test(k)) throw new Error(`option key "${k}" is not one capital letter`)
    return k
  }).join('')
}

export function decodeOptionOrder (text: string): string[] {
  return [...text].map((c) => (c === 't' ? 'true' : c === 'f' ? 'false' : c))
}

// learning
export const CURRICULUM_ITEM_KINDS = ['course', 'topic', 'mock', 'practice'] as const
export type CurriculumItemKind = typeof CURRICULUM_ITEM_KINDS[number]

// practice
export const PRACTICE_MODES = ['sequential', 'random', 'type', 'wrong', 'favourites', 'review', 'sprint', 'recite'] as const
export type PracticeMode = typeof PRACTICE_MODES[number]

// readiness
export const APPLICATION_STATUSES = ['pending', 'accepted', 'returned'] as const
export type ApplicationStatus = typeof APPLICATION_STATUSES[number]
export const EXAM_RESULTS = ['pass', 'fail'] as const
export type ExamResult = typeof EXAM_RESULTS[number]
export const READINESS_STATUSES = ['eligible', 'not-yet', 'disqualified'] as const

// supervision
export const CHECK_RESULTS = ['compliant', 'not-compliant', 'not-applicable'] as const
export type CheckResult = typeof CHECK_RESULTS[number]
export const PHOTO_OWNERS = ['inspection-item', 'notice-item'] as const
export type PhotoOwner = typeof PHOTO_OWNERS[number]
export const NOTICE_STATUSES = ['open', 'closed', 'escalated'] as const
export type NoticeStatus = typeof NOTICE_STATUSES[number]
export const CASE_STATUSES = ['open', 'closed'] as const
export type CaseStatus = typeof CASE_STATUSES[number]
export const NOTICE_ITEM_STATUSES = ['pending', 'submitted', 'accepted', 'returned'] as const
export type NoticeItemStatus = typeof NOTICE_ITEM_STATUSES[number]
export const BRAVERY_STATUSES = ['reported', 'forwarded', 'declined'] as const
export type BraveryStatus = typeof BRAVERY_STATUSES[number]
