import type { FastifyRequest } from 'fastify'
import { stripImage, type ImageType } from '../../lib/images.js'
import { cleanText } from '../../lib/form.js'

/** At most this many bytes a photo, and this many photos in one form. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024
export const MAX_PHOTOS = 10

export interface CheckedPhoto { field: string, type: ImageType | 'application/pdf', bytes: Buffer, name: string }

export type FormWithPhotos =
  | { ok: true, fields: Record<string, string>, photos: CheckedPhoto[] }
  | { ok: false, fields: Record<string, string>, error: { key: string, params?: Record<string, string | number> } }

const REFUSAL: Record<'heic' | 'unsupported' | 'damaged', string> = { heic: 'photo.heic', unsupported: 'photo.unsupported', damaged: 'photo.damaged' }

/**
 * Reads a multipart form: its text fields, and its photos checked by their bytes and stripped of
 * metadata. One refused photo refuses them all (with the file's name and what to do), so a form is
 * taken whole or not at all; the fields come back either way, for the form to keep what was typed.
 * A repeated text field keeps its values joined by newlines (the caller splits lists).
 */
export async function readFormWithPhotos (req: FastifyRequest, opts: { pdf?: boolean } = {}): Promise<FormWithPhotos> {
  const fields: Record<string, string> = {}
  const photos: CheckedPhoto[] = []
  let error: { key: string, params?: Record<string, string | number> } | null = null
  if (!req.isMultipart()) return { ok: false, fields, error: { key: 'photo.not-multipart' } }
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        const v = typeof part.value === 'string' ? part.value : ''
        fields[part.fieldname] = part.fieldname in fields ? `${fields[part.fieldname]}\n${v}` : v
        continue
      }
      const bytes = await part.toBuffer()
      if (bytes.length === 0 || error) continue // an empty file input, or a form already refused
      const name = part.filename.slice(0, 120)
      // A PDF (an attachment) is kept as it is: a document, not a photo; its own properties are the sender's.
      if (opts.pdf && bytes.subarray(0, 5).toString('latin1') === '%PDF-') { photos.push({ field: part.fieldname, type: 'application/pdf', bytes, name }); continue }
      const checked = stripImage(bytes)
      if (!checked.ok) error = { key: opts.pdf && checked.reason === 'unsupported' ? 'attachment.unsupported' : REFUSAL[checked.reason], params: { name: name.slice(0, 80) } }
      else photos.push({ field: part.fieldname, type: checked.type, bytes: checked.bytes, name })
    }
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') return { ok: false, fields, error: { key: 'photo.too-large', params: { mb: MAX_PHOTO_BYTES / 1024 / 1024 } } }
    if (code === 'FST_FILES_LIMIT') return { ok: false, fields, error: { key: 'photo.too-many', params: { max: MAX_PHOTOS } } }
    return { ok: false, fields, error: { key: 'photo.unreadable' } }
  }
  return error ? { ok: false, fields, error } : { ok: true, fields, photos }
}

/** A text field of a multipart form through the one text rule (cleanText): 'form.required' when empty, at most `max` characters. */
export function text (raw: string | undefined, max: number, multiline = false): { ok: true, value: string } | { ok: false, error: string } {
  const typed = (raw ?? '').trim()
  if (typed === '') return { ok: false, error: 'form.required' }
  if ([...typed].length > max) return { ok: false, error: 'form.too-long' }
  const clean = cleanText(typed, { multiline })
  return clean.ok ? { ok: true, value: clean.value } : { ok: false, error: clean.problem }
}
