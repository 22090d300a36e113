/**
 * Check digits of the two national identifiers GuardPass handles.
 * Pure functions: no clock (the caller passes today's local date).
 */

// ---- GB 11643-1999: citizen identification number (公民身份号码) ----

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

export type IdNumberProblem = 'format' | 'checksum' | 'birth-date'

export interface IdNumberInfo {
  /** Normalised: upper-case X. */
  idNumber: string
  /** YYYY-MM-DD */
  birthDate: string
}

export function idCheckChar (first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!
  return ID_CHECK[sum % 11]!
}

/** Validates an 18-character ID number; `today` (YYYY-MM-DD) bounds the birth date. */
export function parseIdNumber (raw: string, today: string): { ok: true, value: IdNumberInfo } | { ok: false, problem: IdNumberProblem } {
  const id = raw.trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'format' }
  const y = Number(id.slice(6, 10))
  const m = Number(id.slice(10, 12))
  const d = Number(id.slice(12, 14))
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`
  if (!isRealDate(y, m, d) || y < 1900 || birthDate > today) return { ok: false, problem: 'birth-date' }
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return { ok: false, problem: 'checksum' }
  return { ok: true, value: { idNumber: id, birthDate } }
}

export function isRealDate (y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return false
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return d <= days
}

/** Whole years between a birth date and a day (both YYYY-MM-DD); a 29 February birthday counts on 1 March. */
export function ageOn (birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  let age = y - by
  if (m < bm || (m === bm && d < bd)) age--
  return age
}

/** "1101**********123X": the first four and last four characters, as DESIGN.md shows ID numbers. */
export function maskIdNumber (id: string): string {
  return id.length < 8 ? '*'.repeat(id.length) : `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}`
}

/**
 * Free text with every resident ID number in it masked (a sequence of 17 digits and a
 * check character that fits): for reasons and purposes people type, which may quote one.
 */
export function maskIdNumbersIn (text: string): string {
  return text.replace(/(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])/g, (m) => idCheckChar(m.slice(0, 17)) === m[17]!.toUpperCase() ? maskIdNumber(m.toUpperCase()) : m)
}

// ---- GB 32100-2015: unified social credit code (统一社会信用代码) ----

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY' // 31 symbols: no I, O, S, V, Z
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function creditCheckChar (first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]!) * USCC_WEIGHTS[i]!
  return USCC_CHARS[(31 - (sum % 31)) % 31]!
}

export function parseCreditCode (raw: string): { ok: true, value: string } | { ok: false, problem: 'format' | 'checksum' } {
  const code = raw.trim().toUpperCase()
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return { ok: false, problem: 'format' }
  if (creditCheckChar(code.slice(0, 17)) !== code[17]) return { ok: false, problem: 'checksum' }
  return { ok: true, value: code }
}
