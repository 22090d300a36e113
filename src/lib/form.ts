import { maskIdNumbersIn } from './id-checksums.js'

/**
 * Reads text fields from a parsed form body. Every problem becomes a field
 * error (a message-catalogue key) so the form can be shown again with what was
 * typed; a wrong type (a repeated field, a file) is an error too, never a crash.
 * Every field but a raw one goes through cleanText.
 */
export interface FieldSpec {
  required?: boolean
  max: number
  /** Keep exactly what was typed (passwords): no trimming, no normalising, no checks. */
  raw?: boolean
  /** Several lines (a textarea): line breaks and tabs are allowed. */
  multiline?: boolean
  /** The field holds an ID number or a code itself: an ID number in it is not masked. */
  identifier?: boolean
}

export type FormSpec = Record<string, FieldSpec>
export type FormValues<S extends FormSpec> = { [K in keyof S]: string }

export interface FormResult<S extends FormSpec> {
  values: FormValues<S>
  errors: Record<string, string>
  ok: boolean
}

// C0 controls and DEL and the C1 controls; tab and line breaks are allowed in multi-line text only.
// eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/u
const LINE_BREAK = /[\t\n\r]/u
// Zero-width spaces, joiners and marks, the word joiner and the byte-order mark: they make two equal-looking texts different.
const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF]/u
// Embeddings, overrides and isolates: they make text display in another order than it is stored.
const DIRECTION = /[\u202A-\u202E\u2066-\u2069]/u

export type CleanText = { ok: true, value: string } | { ok: false, problem: 'form.control-chars' | 'form.invisible-chars' | 'form.direction-chars', without: string }

/**
 * The one rule for text people type (names, titles, purposes, reasons, and
 * multi-line text): normalised to NFC, so the same word is stored the same way;
 * refused when it holds control characters, invisible characters or
 * direction changes, which would let two different texts look alike or a text
 * display other than it is; any resident ID number typed into it masked,
 * unless the field is itself an identifier. Line breaks (as \n) and tabs are
 * kept in multi-line text only. A refusal carries the text without the refused
 * characters, for the form to show back: the person sees what changed and can
 * send it again.
 */
export function cleanText (raw: string, opts: { multiline?: boolean, identifier?: boolean } = {}): CleanText {
  let text = raw.normalize('NFC')
  if (opts.multiline) text = text.replace(/\r\n?/g, '\n')
  const problem = (!opts.multiline && LINE_BREAK.test(text)) || CONTROL.test(text)
    ? 'form.control-chars'
    : DIRECTION.test(text) ? 'form.direction-chars' : INVISIBLE.test(text) ? 'form.invisible-chars' : null
  if (problem) return { ok: false, problem, without: stripRefused(text, Boolean(opts.multiline)) }
  return { ok: true, value: opts.identifier ? text : maskIdNumbersIn(text) }
}

const REFUSED = new RegExp(`${CONTROL.source}|${INVISIBLE.source}|${DIRECTION.source}`, 'gu')

function stripRefused (text: string, multiline: boolean): string {
  const kept = text.replace(REFUSED, '')
  return multiline ? kept : kept.replace(/[\t\n\r]+/gu, ' ').trim()
}

/**
 * What two titles are compared by for uniqueness: normalised (NFKC, so a
 * full-width "Ａ" is "A"), without invisible or direction characters (rows kept
 * before this rule may hold them), spaces collapsed, case folded.
 */
export function titleKey (title: string): string {
  return title.normalize('NFKC').replace(REFUSED, '').replace(/\s+/gu, ' ').trim().toLowerCase()
}

export function readForm<S extends FormSpec> (body: unknown, spec: S): FormResult<S> {
  const src = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const values = {} as Record<string, string>
  const errors: Record<string, string> = {}
  for (const [name, field] of Object.entries(spec)) {
    const v = src[name]
    if (v !== undefined && typeof v !== 'string') {
      values[name] = ''
      errors[name] = 'form.invalid'
      continue
    }
    const typed = v === undefined ? '' : field.raw ? v : v.trim()
    // What was typed goes back into the form when it is refused, so it can be corrected.
    values[name] = typed
    if (field.required && typed === '') { errors[name] = 'form.required'; continue }
    if ([...typed].length > field.max) { errors[name] = 'form.too-long'; continue }
    if (field.raw) continue
    const clean = cleanText(typed, field)
    if (clean.ok) values[name] = clean.value
    else { errors[name] = clean.problem; values[name] = clean.without }
  }
  return { values: values as FormValues<S>, errors, ok: Object.keys(errors).length === 0 }
}
