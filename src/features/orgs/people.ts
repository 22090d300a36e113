import { parseIdNumber, ageOn } from '../../lib/id-checksums.js'
import { readForm } from '../../lib/form.js'
import { EDUCATION_LEVELS, DECLARATION_KINDS, type Education, type DeclarationKind, type DutyStatus, type CertificateStatus } from '../../db/schema.js'
import { isLocalDay } from '../../lib/time.js'

/** What a trainer types (or a CSV row holds) for one person. */
export interface PersonInput {
  fullName: string
  idNumber: string
  phone: string
  education: Education
}

export interface ValidPerson extends PersonInput {
  birthDate: string
}

export const PERSON_FORM = {
  fullName: { required: true, max: 50 },
  idNumber: { required: true, max: 30, identifier: true },
  phone: { max: 20 },
  education: { required: true, max: 20 }
} as const

const ID_PROBLEM_KEYS = { format: 'person.id-format', checksum: 'person.id-checksum', 'birth-date': 'person.id-birth-date' } as const

/** Checks one person's fields; errors are message keys by field. */
export function validatePerson (body: unknown, today: string): { ok: true, value: ValidPerson, values: Record<string, string> } | { ok: false, errors: Record<string, string>, values: Record<string, string> } {
  const form = readForm(body, PERSON_FORM)
  const errors = { ...form.errors }
  const v = form.values
  let birthDate = ''
  let idNumber = v.idNumber.replace(/\s+/g, '')
  if (!errors.idNumber) {
    const parsed = parseIdNumber(idNumber, today)
    if (parsed.ok) {
      idNumber = parsed.value.idNumber
      birthDate = parsed.value.birthDate
    } else {
      errors.idNumber = ID_PROBLEM_KEYS[parsed.problem]
    }
  }
  if (!errors.fullName && !/^[\p{L}\p{M}·•.' -]+$/u.test(v.fullName)) errors.fullName = 'person.name-chars'
  const phone = v.phone.replace(/[\s-]/g, '')
  if (!errors.phone && phone !== '' && !/^\+?\d{7,15}$/.test(phone)) errors.phone = 'person.phone-format'
  if (!errors.education && !(EDUCATION_LEVELS as readonly string[]).includes(v.education)) errors.education = 'person.education-unknown'
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: v }
  return { ok: true, value: { fullName: v.fullName, idNumber, phone, education: v.education as Education, birthDate }, values: v }
}

export function isMinor (birthDate: string, today: string): boolean {
  return ageOn(birthDate, today) < 18
}

export interface CertificateInput { certificateNo: string, issuedOn: string, status: CertificateStatus }

export function validateCertificate (body: unknown, today: string): { ok: true, value: CertificateInput } | { ok: false, errors: Record<string, string>, values: Record<string, string> } {
  const form = readForm(body, { certificateNo: { required: true, max: 40, identifier: true }, issuedOn: { required: true, max: 10 }, status: { required: true, max: 10 } })
  const errors = { ...form.errors }
  const v = form.values
  if (!errors.certificateNo && !/^[A-Za-z0-9-]{4,40}$/.test(v.certificateNo)) errors.certificateNo = 'person.certificate-format'
  if (!errors.issuedOn && (!isLocalDay(v.issuedOn) || v.issuedOn > today)) errors.issuedOn = 'person.certificate-date'
  if (!errors.status && v.status !== 'valid' && v.status !== 'revoked') errors.status = 'form.invalid'
  if (Object.keys(errors).length > 0) return { ok: false, errors, values: v }
  return { ok: true, value: { certificateNo: v.certificateNo.toUpperCase(), issuedOn: v.issuedOn, status: v.status as CertificateStatus } }
}

/** Whether a duty status may be set; an error key when not. */
export function dutyChangeProblem (to: DutyStatus, certificateStatus: CertificateStatus | null): string | null {
  if (to === 'released') return 'person.release-separately'
  if (to === 'on-duty' && certificateStatus !== 'valid') return 'person.on-duty-needs-certificate'
  return null
}

/** A guard on duty without a valid certificate must not be on duty: the roster flags it. */
export function mustNotBeOnDuty (duty: DutyStatus | null | undefined, certificateStatus: CertificateStatus | null): boolean {
  return duty === 'on-duty' && certificateStatus !== 'valid'
}

export type DeclarationValues = Partial<Record<DeclarationKind, boolean>>

/** Reads yes/no answers per declaration kind; unanswered kinds are left out. */
export function readDeclarations (body: unknown): { ok: true, value: DeclarationValues } | { ok: false, errors: Record<string, string> } {
  const src = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const value: DeclarationValues = {}
  const errors: Record<string, string> = {}
  for (const kind of DECLARATION_KINDS) {
    const v = src[kind]
    if (v === undefined || v === '') continue
    if (v === 'yes' || v === 'no') value[kind] = v === 'yes'
    else errors[kind] = 'form.invalid'
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  if (Object.keys(value).length === 0) return { ok: false, errors: { _: 'person.declarations-empty' } }
  return { ok: true, value }
}

/** Kinds where "yes" is good (health, conduct); for the rest "yes" is a disqualifying record. */
export const POSITIVE_DECLARATIONS: readonly DeclarationKind[] = ['healthy', 'good-conduct']
