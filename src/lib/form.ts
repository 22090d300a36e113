/**
 * Reads text fields from a parsed form body. Every problem becomes a field
 * error (a message-catalogue key) so the form can be shown again with what was
 * typed; a wrong type (a repeated field, a file) is an error too, never a crash.
 */
export interface FieldSpec {
  required?: boolean
  max: number
  /** Keep surrounding spaces (passwords). */
  raw?: boolean
}

export type FormSpec = Record<string, FieldSpec>
export type FormValues<S extends FormSpec> = { [K in keyof S]: string }

export interface FormResult<S extends FormSpec> {
  values: FormValues<S>
  errors: Record<string, string>
  ok: boolean
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
    const text = v === undefined ? '' : field.raw ? v : v.trim()
    values[name] = text
    if (field.required && text === '') errors[name] = 'form.required'
    else if ([...text].length > field.max) errors[name] = 'form.too-long'
  }
  return { values: values as FormValues<S>, errors, ok: Object.keys(errors).length === 0 }
}
